/**
 * The valid files every fuzz case starts from, made by the app's own writers: a classifier file
 * (headToFile) and project backups (projectBackup + writeBackup), from a small project of real
 * JPEGs, their embeddings and a trained head. The same project is what the fuzzed restores must
 * leave untouched in IndexedDB.
 */
import jpeg from 'jpeg-js';
import { featureIds, featuresById } from '../../engine';
import { evaluate, train, type TrainingData } from '../../head';
import { seededRandom } from '../../head/random';
import type { PhotoRecord } from '../../store/photos';
import type { ProjectRecord } from '../../store/projects';
import { classifierInput, projectBackup } from '../../ui/share/exportProject';
import { trainingSet } from '../../ui/project/derive';
import type { TrainedHead } from '../../ui/project/state';
import { sha256Hex } from '../../ui/files/images';
import { headToFile } from '../head';
import { writeBackup } from '../backup';

/** The corpus project's features: the first the app offers (one backbone, small embeddings). */
const FEATURES: string = featureIds[0];
const DIM = featuresById(FEATURES).embeddingSize;
/** A fixed time, so the corpus (and so every case of a seed) is the same on every run. */
const CREATED_AT = '2026-01-15T10:00:00.000Z';

/** One small real JPEG (jpeg-js takes a while to start an encoder, so it is made once). */
let jpegOnce: Uint8Array | undefined;

/** A real JPEG, distinct per (class, index): the same picture with its own comment segment. */
function photoBytes(classIndex: number, index: number): Uint8Array {
  if (!jpegOnce) {
    const [width, height] = [24, 16];
    const data = new Uint8Array(width * height * 4);
    for (let at = 0; at < data.length; at += 4) data.set([(at * 7) & 0xff, (at * 3) & 0xff, 128, 255], at);
    jpegOnce = new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
  }
  const comment = new TextEncoder().encode(`handful fuzz photo ${classIndex}-${index}`);
  const segment = [0xff, 0xfe, (comment.length + 2) >> 8, (comment.length + 2) & 0xff, ...comment];
  return Uint8Array.from([...jpegOnce.subarray(0, 2), ...segment, ...jpegOnce.subarray(2)]);
}

/** Embeddings clustered by class, so the head learns something real. */
function embedding(classIndex: number, index: number, random: () => number): Float32Array {
  return Float32Array.from({ length: DIM }, (_, d) => Math.max(0, Math.sin(d * (classIndex + 1) * 0.013) + 0.2 * random() + 0.01 * index));
}

/** A head trained here, in-process, with its cross-validated evaluation. */
function trainHere(data: TrainingData) {
  const model = train(data);
  return { model, evaluation: evaluate(data, model) };
}

export interface Fixture {
  project: ProjectRecord;
  records: PhotoRecord[];
  embeddings: Map<string, Float32Array>;
  /** Trained for the project whose classifier and backup are the corpus's. */
  head?: TrainedHead;
}

async function fixture(id: string, name: string, classNames: string[], perClass: number, seed: number, trained = false): Promise<Fixture> {
  const random = seededRandom(seed);
  const records: PhotoRecord[] = [];
  const embeddings = new Map<string, Float32Array>();
  const classes = await Promise.all(
    classNames.map(async (className, c) => ({
      id: `${id}-class-${c}`,
      name: className,
      photos: await Promise.all(
        Array.from({ length: perClass }, async (_, i) => {
          const bytes = photoBytes(c + seed, i);
          const hash = await sha256Hex(new Blob([bytes as BlobPart]));
          const image = new Blob([bytes as BlobPart], { type: 'image/jpeg' });
          records.push({ version: 1, hash, image, thumbnail: new Blob([bytes.subarray(0, 64) as BlobPart]), width: 640, height: 480 });
          embeddings.set(hash, embedding(c, i, random));
          return { hash, name: `${className.toLowerCase()}-${i + 1}.jpg` };
        }),
      ),
    })),
  );
  const time = Date.parse(CREATED_AT);
  // The last two photos of the last class lie in the unsorted pile instead: one found in a folder,
  // one accepted as that class.
  const [found, sure] = classes.at(-1)!.photos.splice(-2, 2);
  const pile = [
    { ...found, path: `unsorted/${classNames.at(-1)}/${found.name}` },
    { ...sure, accepted: { classId: classes.at(-1)!.id, confidence: 0.97 } },
  ];
  const project: ProjectRecord = { version: 2, id, name, createdAt: time, updatedAt: time, featuresId: FEATURES, classes, pile };
  if (!trained) return { project, records, embeddings };
  const set = trainingSet(project, (hash) => embeddings.get(hash))!;
  return { project, records, embeddings, head: { signature: set.signature, ...trainHere(set.data) } };
}

export interface Corpus {
  /** Already in IndexedDB before every case: with photos, embeddings and its head. */
  existing: Fixture;
  /** Also there: photos still waiting for the model (no embeddings yet), as a cut-short import leaves them. */
  waiting: Fixture;
  /** "Download classifier" of the existing project. */
  headText: string;
  /** "Back up project" of the existing project: same photos (same hashes), embeddings and head. */
  backupOfExisting: Uint8Array;
  /** A backup of another project, with photo ids that are not content hashes, and no head. */
  backupOfOther: Uint8Array;
}

export async function makeCorpus(): Promise<Corpus> {
  const existing = await fixture('existing', 'Flowers', ['Daisy', 'Sunflower', 'Tulip'], 4, 1, true);
  const waiting = await fixture('waiting', 'Birds', ['Robin', 'Wren'], 3, 7);
  const byHash = new Map(existing.records.map((record) => [record.hash, record]));
  const found = classifierInput(existing.project, existing.head);
  if (!('input' in found)) throw new Error(found.reason);
  const headText = headToFile({ ...found.input, createdAt: CREATED_AT, appVersion: '0.1.0' }).text;
  const backupOfExisting = await writeBackup(
    projectBackup(existing.project, existing.head, {
      recordOf: (hash) => byHash.get(hash),
      embeddingOf: (hash) => existing.embeddings.get(hash),
    }),
    { createdAt: CREATED_AT, appVersion: '0.1.0' },
  );
  const other = await fixture('other', 'Street signs', ['Stop', 'Yield'], 3, 13);
  const backupOfOther = await writeBackup(
    {
      project: { name: other.project.name, featuresId: FEATURES },
      classes: other.project.classes.map((c, ci) => ({
        id: `c${ci}`,
        name: c.name,
        photos: c.photos.map((photo, pi) => ({
          id: `photo-${ci}-${pi}`,
          name: photo.name,
          blob: other.records.find((record) => record.hash === photo.hash)!.image,
        })),
      })),
      pile: other.project.pile.map((item, pi) => ({
        id: `unsorted-${pi}`,
        name: item.name,
        path: `signs/${item.name}`,
        blob: other.records.find((record) => record.hash === item.hash)!.image,
        ...(item.accepted && { accepted: { classId: 'c1', confidence: item.accepted.confidence } }),
      })),
    },
    { createdAt: CREATED_AT, appVersion: '0.1.0' },
  );
  return {
    existing,
    waiting,
    headText,
    backupOfExisting: new Uint8Array(await backupOfExisting.arrayBuffer()),
    backupOfOther: new Uint8Array(await backupOfOther.arrayBuffer()),
  };
}
