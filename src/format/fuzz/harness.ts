/**
 * Runs fuzz cases through the importers the page uses: readHeadFile for "Open classifier", and
 * readBackup then restoreProject for "Restore from backup", into IndexedDB (fake-indexeddb in
 * Node) that already holds two projects. Each case must end in the typed FileFormatError with a
 * message, or in a correct import; it must not hang, and it must leave every record that was
 * there before byte for byte as it was: a correct import only adds one new project.
 */
import 'fake-indexeddb/auto';
import { promisifyRequest } from 'idb-keyval';
import jpeg from 'jpeg-js';
import { featuresById } from '../../engine';
import { predict, train } from '../../head';
import { loadEmbeddings, saveEmbedding } from '../../store/embeddings';
import { loadHead, saveHead } from '../../store/heads';
import { loadPhotos, savePhoto } from '../../store/photos';
import { loadProject, saveProject, type ProjectRecord } from '../../store/projects';
import { restoreProject, type RestoreOutcome } from '../../ui/share/restoreProject';
import { classNameProblem } from '../../ui/project/state';
import { readBackup } from '../backup';
import { FileFormatError } from '../errors';
import { headToFile, parseHeadFile, readHeadFile, type HeadFile } from '../head';
import { backupCase, caseRandom, headCase, type FuzzCase } from './cases';
import { makeCorpus, type Corpus, type Fixture } from './corpus';
import { HANG_MS, type CaseResult, type Importer } from './summary';

export { HANG_MS, summarise, type CaseResult, type Importer, type Summary } from './summary';

/** A case still running after this is reported (and the run goes on without waiting for it). */
const GIVE_UP_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// IndexedDB, every database and store, as comparable text.

interface StoredValue {
  database: string;
  store: string;
  key: IDBValidKey;
  value: unknown;
  text: string;
}

async function canonical(value: unknown): Promise<string> {
  if (value instanceof Blob) return `Blob(${value.type};${Buffer.from(await value.arrayBuffer()).toString('base64')})`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')})`;
  if (Array.isArray(value)) return `[${(await Promise.all(value.map(canonical))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = await Promise.all(Object.entries(value).map(async ([key, v]) => `${JSON.stringify(key)}:${await canonical(v)}`));
    return `{${members.join(',')}}`;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return JSON.stringify(value) ?? String(value);
}

export async function snapshot(): Promise<Map<string, StoredValue>> {
  const all = new Map<string, StoredValue>();
  for (const { name } of await indexedDB.databases()) {
    const db = await promisifyRequest(indexedDB.open(name!));
    try {
      for (const storeName of Array.from(db.objectStoreNames)) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [keys, values] = await Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]);
        for (const [i, key] of keys.entries()) {
          all.set(`${name}/${storeName}/${JSON.stringify(key)}`, {
            database: name!,
            store: storeName,
            key,
            value: values[i],
            text: await canonical(values[i]),
          });
        }
      }
    } finally {
      db.close();
    }
  }
  return all;
}

/** Back to the baseline after a case, whatever it did (even what it must not), so every case meets the same data. */
async function resetStore(baseline: Map<string, StoredValue>, after: Map<string, StoredValue>): Promise<void> {
  const deleted = [...after].filter(([id]) => !baseline.has(id)).map(([, record]) => record);
  const putBack = [...baseline].filter(([id, record]) => after.get(id)?.text !== record.text).map(([, record]) => record);
  for (const record of [...deleted, ...putBack]) {
    const db = await promisifyRequest(indexedDB.open(record.database));
    try {
      const transaction = db.transaction(record.store, 'readwrite');
      const store = transaction.objectStore(record.store);
      if (baseline.has(`${record.database}/${record.store}/${JSON.stringify(record.key)}`)) store.put(record.value, record.key);
      else store.delete(record.key);
      await new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve();
        transaction.onerror = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Setting up.

export interface FuzzContext {
  corpus: Corpus;
  baseline: Map<string, StoredValue>;
  /** Every photo hash the projects already here refer to. */
  hashesHere: Set<string>;
  namesHere: string[];
  /** The valid classifier file, opened. */
  head: HeadFile;
  /** What the two valid backups restore to, by base. */
  restoredShape: Map<Uint8Array, string>;
}

async function store(fixture: Fixture, withEmbeddings: boolean) {
  await saveProject(fixture.project);
  for (const record of fixture.records) await savePhoto(record);
  if (!withEmbeddings || !fixture.head) return;
  for (const [hash, vector] of fixture.embeddings) await saveEmbedding(fixture.project.featuresId, hash, vector);
  await saveHead({ version: 2, projectId: fixture.project.id, featuresId: fixture.project.featuresId, ...fixture.head });
}

/** Builds the corpus and puts the two existing projects in IndexedDB (once per process). */
export async function prepare(): Promise<FuzzContext> {
  const corpus = await makeCorpus();
  await store(corpus.existing, true);
  // Photos still waiting for the model: no embeddings, no head.
  await store(corpus.waiting, false);
  const projects = [corpus.existing.project, corpus.waiting.project];
  const context: FuzzContext = {
    corpus,
    baseline: await snapshot(),
    hashesHere: new Set(projects.flatMap((p) => [...p.classes.flatMap((c) => c.photos), ...p.pile].map((photo) => photo.hash))),
    namesHere: projects.map((p) => p.name),
    head: parseHeadFile(corpus.headText),
    restoredShape: new Map(),
  };
  for (const base of [corpus.backupOfExisting, corpus.backupOfOther]) {
    const result = await runBackup(context, { kinds: ['valid'], bytes: base });
    if (result.outcome !== 'restored') throw new Error(`the valid backup did not restore cleanly: ${result.violation ?? result.outcome}`);
  }
  return context;
}

// ---------------------------------------------------------------------------------------------
// Checks.

class Violation extends Error {}
class Abandoned extends Violation {}

function check(condition: unknown, what: string): asserts condition {
  if (!condition) throw new Violation(what);
}

/** A refusal must be the typed error, with a message a person can read. */
function refusal(error: unknown): { outcome: string; message: string } {
  if (error instanceof Violation) throw error;
  if (!(error instanceof FileFormatError)) {
    const text =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack?.split('\n').slice(1, 4).join('\n')}` : String(error);
    throw new Violation(`escaped: ${text}`);
  }
  const message = error.message;
  check(message.trim().length > 0, `refused (${error.code}) with an empty message`);
  check(message.length <= 1500, `refused (${error.code}) with a ${message.length}-character message`);
  check(!/\bundefined\b|\[object |\bNaN\b/.test(message), `refused (${error.code}) with a garbled message: ${message.slice(0, 300)}`);
  return { outcome: `refused:${error.code}`, message };
}

const finite = (values: ArrayLike<number>) => Array.prototype.every.call(values, (x: number) => Number.isFinite(x));

function checkHead(head: HeadFile, context: FuzzContext, expectSame: boolean | undefined) {
  const { model } = head;
  const dim = featuresById(head.backboneId).embeddingSize;
  check(model.dim === dim, `opened a head of ${model.dim} numbers per photo for features of ${dim}`);
  check(model.classes.length >= 2 && model.classes.length <= 1000, `opened a head with ${model.classes.length} classes`);
  check(
    model.classes.every((name) => typeof name === 'string' && name.trim() !== ''),
    'opened a head with an empty class name',
  );
  check(new Set(model.classes.map((name) => name.normalize('NFC'))).size === model.classes.length, 'opened a head with two classes alike');
  check(
    model.weights.length === model.classes.length * dim && model.bias.length === model.classes.length,
    'opened a head of the wrong shape',
  );
  check(finite(model.weights) && finite(model.bias) && Number.isFinite(model.lambda), 'opened a head with numbers that are not finite');
  const probe = Float32Array.from({ length: dim }, (_, d) => Math.cos(d) / Math.sqrt(dim / 2));
  const p = predict(model, probe);
  check(finite(p) && Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-3, 'opened a head whose answers are not probabilities');
  // What it opened, written again, opens to the same classifier (the format's round trip).
  const again = parseHeadFile(
    headToFile({
      model,
      backboneId: head.backboneId,
      weightsManifestSha256: head.weightsManifestSha256,
      evaluationSummary: head.evaluationSummary,
      appVersion: head.appVersion,
      createdAt: head.createdAt,
      ...(head.name !== undefined && { name: head.name }),
    }).text,
  );
  check(sameHead(again, head), 'opened a head that does not survive being saved and opened again');
  if (expectSame) check(sameHead(head, context.head), 'a rewritten (same-meaning) file opened to another classifier');
}

function sameHead(a: HeadFile, b: HeadFile): boolean {
  const strip = (h: HeadFile) => JSON.stringify({ ...h, createdAt: Date.parse(h.createdAt) });
  return strip(a) === strip(b);
}

async function checkStore(context: FuzzContext, after: Map<string, StoredValue>, outcome: RestoreOutcome | undefined): Promise<void> {
  for (const [id, before] of context.baseline) {
    const now = after.get(id);
    check(now !== undefined, `deleted ${id}, which was here before`);
    check(now.text === before.text, `changed ${id}, which was here before`);
  }
  const added = [...after].filter(([id]) => !context.baseline.has(id)).map(([, record]) => record);
  if (!outcome) {
    check(added.length === 0, `a refused file left ${added.length} new record(s), e.g. ${added[0]?.store}/${String(added[0]?.key)}`);
    return;
  }
  const project = await loadProject(outcome.projectId);
  check(project, 'the restored project cannot be loaded');
  const hashes = new Set([...project.classes.flatMap((c) => c.photos), ...project.pile].map((photo) => photo.hash));
  for (const record of added) {
    const key = String(record.key);
    if (record.store === 'projects' || record.store === 'heads') {
      check(key === outcome.projectId, `added ${record.store}/${key} besides the restored project`);
    } else if (record.store === 'photos' || record.store === 'embeddings') {
      const hash = key.slice(key.lastIndexOf(':') + 1);
      check(hashes.has(hash), `added ${record.store}/${key}, which the restored project does not use`);
      check(!context.hashesHere.has(hash), `added ${record.store}/${key} for a photo a project already here has`);
    } else check(false, `added ${record.database}/${record.store}/${key}`);
  }
}

async function checkRestored(context: FuzzContext, outcome: RestoreOutcome): Promise<ProjectRecord> {
  const project = (await loadProject(outcome.projectId))!;
  check(
    project.name === outcome.name && project.name.trim() !== '' && project.name.length <= 80,
    `restored under the name “${project.name}”`,
  );
  const lower = (name: string) => name.normalize('NFC').trim().toLocaleLowerCase();
  check(!context.namesHere.some((name) => lower(name) === lower(project.name)), `restored under a name already used: “${project.name}”`);
  project.classes.forEach((c, i) =>
    check(
      !classNameProblem(c.name, project.classes.slice(0, i)),
      `restored a class named “${c.name.slice(0, 80)}”: ${classNameProblem(c.name, project.classes.slice(0, i))}`,
    ),
  );
  check(new Set(project.classes.map((c) => c.id)).size === project.classes.length, 'restored two classes with one id');
  const classPhotos = project.classes.flatMap((c) => c.photos);
  check(classPhotos.length === outcome.photoCount, `says ${outcome.photoCount} photos but the project has ${classPhotos.length}`);
  check(project.pile.length === outcome.pileCount, `says ${outcome.pileCount} unsorted photos but the pile has ${project.pile.length}`);
  const refs = [...classPhotos, ...project.pile];
  check(new Set(refs.map((ref) => ref.hash)).size === refs.length, 'restored a photo twice (in the classes or the pile)');
  for (const ref of refs)
    check(
      typeof ref.name === 'string' && (ref.path === undefined || (typeof ref.path === 'string' && !/[\u0000-\u001f]/.test(ref.path))),
      `restored a photo whose name or place is not plain text: ${JSON.stringify(ref).slice(0, 200)}`,
    );
  for (const { accepted } of project.pile)
    if (accepted)
      check(
        project.classes.some((c) => c.id === accepted.classId) && accepted.confidence >= 0 && accepted.confidence <= 1,
        `restored an unsorted photo accepted as ${JSON.stringify(accepted).slice(0, 200)}, not a class of the project with a confidence`,
      );
  const photos = await loadPhotos(refs.map((ref) => ref.hash));
  check(photos.every(Boolean), 'the restored project refers to a photo that is not stored');
  const size = featuresById(project.featuresId).embeddingSize;
  for (const vector of await loadEmbeddings(
    project.featuresId,
    refs.map((ref) => ref.hash),
  )) {
    if (vector) check(vector.length === size && finite(vector), 'a stored embedding has the wrong length or is not finite');
  }
  const head = await loadHead(project.id);
  if (head) {
    check(head.featuresId === project.featuresId && head.model.dim === size, 'the restored head does not fit the project');
    check(
      head.model.classes.every((id) => project.classes.some((c) => c.id === id)),
      'the restored head names a class the project does not have',
    );
    check(finite(head.model.weights) && finite(head.model.bias), 'the restored head has numbers that are not finite');
  }
  check(
    outcome.warnings.every((w) => typeof w === 'string' && w.trim() !== '' && !/\bundefined\b|\[object /.test(w)),
    'a garbled warning',
  );
  return project;
}

const shapeOf = (project: ProjectRecord, outcome: RestoreOutcome, hasHead: boolean) =>
  JSON.stringify([project.featuresId, outcome.originalName, project.classes.map((c) => [c.name, c.photos]), project.pile, hasHead]);

// ---------------------------------------------------------------------------------------------
// Cases.

/** The browser's decoder, as far as a restore needs it: a real JPEG decoder with sane limits. */
async function decodePhoto(blob: Blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const image = jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 256, tolerantDecoding: false });
  return {
    image: blob,
    thumbnail: new Blob([bytes.subarray(0, 64) as BlobPart], { type: 'image/jpeg' }),
    width: image.width,
    height: image.height,
  };
}

interface Spent {
  ms: number;
  cpuMs: number;
}

async function timed<T>(work: () => Promise<T>, spent: Spent): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await work();
  } finally {
    spent.ms += performance.now() - start;
    const used = process.cpuUsage(cpu);
    spent.cpuMs += (used.user + used.system) / 1000;
  }
}

async function runHead(context: FuzzContext, fuzzCase: FuzzCase): Promise<Omit<CaseResult, 'index' | 'importer'>> {
  const spent: Spent = { ms: 0, cpuMs: 0 };
  let outcome: string;
  let message: string | undefined;
  try {
    const head = await timed(() => readHeadFile(new Blob([fuzzCase.bytes as BlobPart])), spent);
    checkHead(head, context, fuzzCase.expectSame);
    outcome = 'opened';
  } catch (error) {
    ({ outcome, message } = refusal(error));
  }
  if (fuzzCase.expectSame) check(outcome === 'opened', `a rewritten (same-meaning) file was ${outcome}: ${message}`);
  const after = await snapshot();
  try {
    await checkStore(context, after, undefined);
  } finally {
    await resetStore(context.baseline, after);
  }
  return { kinds: fuzzCase.kinds, outcome, ...spent, ...(message !== undefined && { message }) };
}

async function runBackup(context: FuzzContext, fuzzCase: FuzzCase): Promise<Omit<CaseResult, 'index' | 'importer'>> {
  const spent: Spent = { ms: 0, cpuMs: 0 };
  const file = new Blob([fuzzCase.bytes as BlobPart], { type: 'application/zip' });
  let outcome: RestoreOutcome | undefined;
  let result: string;
  let message: string | undefined;
  let hasHead = false;
  try {
    const restored = await timed(() => readBackup(file), spent);
    hasHead = restored.head !== undefined;
    outcome = await timed(
      () =>
        restoreProject(restored, {
          makePhoto: decodePhoto,
          // The refit as the trainer worker does it; its cross-validation is the worker's business, not the restore's.
          trainHead: async (data, previous) => ({ model: train(data, { previous }), evaluation: context.corpus.existing.head!.evaluation }),
          now: Date.parse('2026-02-01T00:00:00.000Z'),
          namesInUse: context.namesHere,
        }),
      spent,
    );
    result = outcome.warnings.length > 0 ? 'restored-with-warnings' : 'restored';
  } catch (error) {
    ({ outcome: result, message } = refusal(error));
  }
  const after = await snapshot();
  try {
    await checkStore(context, after, outcome);
    if (outcome) {
      const project = await checkRestored(context, outcome);
      const shape = shapeOf(project, outcome, hasHead);
      if (fuzzCase.kinds[0] === 'valid') context.restoredShape.set(fuzzCase.bytes, shape);
      if (fuzzCase.expectSame) {
        const same = [...context.restoredShape.values()].includes(shape);
        check(same, 'a rewritten (same-meaning) backup restored to another project');
      }
    } else if (fuzzCase.expectSame) check(false, `a rewritten (same-meaning) backup was ${result}: ${message}`);
  } finally {
    await resetStore(context.baseline, after);
  }
  return { kinds: fuzzCase.kinds, outcome: result, ...spent, ...(message !== undefined && { message }) };
}

export function makeCase(context: FuzzContext, importer: Importer, seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index, importer);
  return importer === 'head' ? headCase(context.corpus, random) : backupCase(context.corpus, random);
}

/** Runs one case; a broken rule becomes outcome 'VIOLATION' with the reason, never a throw. */
export async function runCase(context: FuzzContext, importer: Importer, seed: number, index: number): Promise<CaseResult> {
  let fuzzCase: FuzzCase;
  try {
    fuzzCase = makeCase(context, importer, seed, index);
  } catch (error) {
    const violation = `the fuzz generator itself failed: ${(error as Error)?.stack ?? String(error)}`;
    return { importer, index, kinds: ['?'], outcome: 'VIOLATION', ms: Number.NaN, cpuMs: Number.NaN, violation };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Abandoned(`still running after ${GIVE_UP_MS / 1000} s`)), GIVE_UP_MS);
  });
  try {
    const result = await Promise.race([(importer === 'head' ? runHead : runBackup)(context, fuzzCase), giveUp]);
    if (result.cpuMs > HANG_MS) {
      const took = `took ${Math.round(result.cpuMs)} ms of CPU time (${Math.round(result.ms)} ms in all)`;
      return { importer, index, ...result, outcome: 'VIOLATION', violation: `${took}: ${result.outcome}` };
    }
    return { importer, index, ...result };
  } catch (error) {
    const violation =
      error instanceof Violation ? error.message : `the fuzz harness itself failed: ${(error as Error)?.stack ?? String(error)}`;
    const abandoned = error instanceof Abandoned ? { abandoned: true } : {};
    return { importer, index, kinds: fuzzCase.kinds, outcome: 'VIOLATION', ms: Number.NaN, cpuMs: Number.NaN, violation, ...abandoned };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Runs.

/** Cases `from` to `from + count - 1` of one importer; stops after a case it had to abandon. */
export async function fuzz(
  context: FuzzContext,
  importer: Importer,
  seed: number,
  count: number,
  from = 0,
  onCase?: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (let index = from; index < from + count; index++) {
    const result = await runCase(context, importer, seed, index);
    results.push(result);
    onCase?.(result);
    if (result.abandoned) break;
  }
  return results;
}
