/**
 * Puts the backbone weights the app needs into public/models/, checked against committed sha256
 * manifests. Runs on `npm install`, `npm start` and `npm test`; a second run only re-checks hashes.
 *
 * Each backbone's weights are either
 *   - copied: a published TF.js model, file for file, or
 *   - converted by scripts/convert-tflite (deterministic) from published files: an 8-bit TFLite
 *     classifier into a TF.js layers model plus a metadata.json of its labels, or into an
 *     embedding.tflite for LiteRT.js; or the TF.js V1 0.75 into an embedding.tflite.
 * Either way `scripts/setup/<dir>.sha256` lists every installed file; the inputs of a conversion are
 * checked first, against `scripts/setup/<dir>.inputs.sha256`.
 *
 * Sources, first that has every file wins:
 *   1. HANDFUL_MODELS_SOURCE: a directory or an http(s) URL laid out like ../shared/models
 *   2. ../shared/models beside the project (the workshop mirror)
 *   3. the upstream URL the files were published at
 *
 * `npx tsx scripts/setup/setup.ts --rewrite-converted-manifests` re-writes the output manifests of
 * converted weights, for when the converter or @tensorflow/tfjs was changed on purpose.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile, parseManifest, sha256, type ManifestEntry } from './manifest';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = join(projectRoot, 'public', 'models');
const manifestOf = (name: string) => join(projectRoot, 'scripts', 'setup', `${name}.sha256`);

interface CopiedWeights {
  kind: 'copy';
  /** Folder name, both in public/models/ and in a mirror; its manifest lists the files to copy. */
  dir: string;
  upstream: string;
}

interface ConvertedWeights {
  kind: 'convert';
  /** Folder name in public/models/; `<dir>.sha256` lists the converted files, `<dir>.inputs.sha256` the inputs. */
  dir: string;
  /** Folder of the inputs in a mirror (and in HANDFUL_MODELS_SOURCE). */
  sourceDir: string;
  /** The inputs in words, for the message when no source has them. */
  needs: string;
  /** Makes the installed files from the verified inputs (named as in the inputs manifest). */
  convert: (inputs: Files) => Promise<Files>;
  upstream: string;
}

type WeightsSpec = CopiedWeights | ConvertedWeights;

const v1Upstream = 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224';
const coralUpstream = 'https://raw.githubusercontent.com/google-coral/test_data/104342d2d3480b3e66203073dac24f4e2dbb4c41';

const weights: WeightsSpec[] = [
  { kind: 'copy', dir: 'mobilenet_v1_0.75_224', upstream: v1Upstream },
  {
    kind: 'convert',
    dir: 'mobilenet_v2_1.0_224',
    sourceDir: 'tflite',
    needs: 'mobilenet_v2_1.0_224_quant.tflite and imagenet_labels.txt',
    convert: (inputs) => toLayersModel(input(inputs, 'mobilenet_v2_1.0_224_quant.tflite'), input(inputs, 'imagenet_labels.txt')),
    upstream: coralUpstream,
  },
  {
    kind: 'convert',
    dir: 'mobilenet_v2_1.0_224_int8',
    sourceDir: 'tflite',
    needs: 'tf2_mobilenet_v2_1.0_224_ptq.tflite',
    convert: async (inputs) => {
      const { v2Int8Embedding } = await import('../convert-tflite/embedding-models.ts');
      return new Map([['embedding.tflite', v2Int8Embedding(input(inputs, 'tf2_mobilenet_v2_1.0_224_ptq.tflite'))]]);
    },
    upstream: coralUpstream,
  },
  {
    // Apart from the embedding's folder, so that folder's manifest (which names the weights
    // embeddings and classifier files were made with) stays as it was.
    kind: 'convert',
    dir: 'mobilenet_v2_1.0_224_int8_classifier',
    sourceDir: 'tflite',
    needs: 'tf2_mobilenet_v2_1.0_224_ptq.tflite and imagenet_labels.txt',
    convert: async (inputs) => {
      const { v2Int8Classifier } = await import('../convert-tflite/embedding-models.ts');
      return new Map([
        ['classifier.tflite', v2Int8Classifier(input(inputs, 'tf2_mobilenet_v2_1.0_224_ptq.tflite'))],
        ['metadata.json', labelsMetadata(new TextDecoder().decode(input(inputs, 'imagenet_labels.txt')))],
      ]);
    },
    upstream: coralUpstream,
  },
  {
    kind: 'convert',
    dir: 'mobilenet_v1_0.75_224_float',
    sourceDir: 'mobilenet_v1_0.75_224',
    needs: 'the TF.js MobileNet V1 0.75 (model.json and its weight files)',
    convert: async (inputs) => {
      const { v1FloatEmbedding } = await import('../convert-tflite/embedding-models.ts');
      return new Map([['embedding.tflite', v1FloatEmbedding(inputs)]]);
    },
    upstream: v1Upstream,
  },
  {
    // Apart from the embeddings' folders, whose manifests name the weights embeddings were made with.
    kind: 'convert',
    dir: 'mobilenet_v1_0.75_224_classifier',
    sourceDir: 'mobilenet_v1_0.75_224',
    needs: 'the TF.js MobileNet V1 0.75 (model.json, its weight files and metadata.json)',
    convert: async (inputs) => {
      const { v1Int8Classifier } = await import('../convert-tflite/embedding-models.ts');
      return new Map([
        ['classifier.tflite', v1Int8Classifier(inputs)],
        ['metadata.json', input(inputs, 'metadata.json')],
      ]);
    },
    upstream: v1Upstream,
  },
  {
    kind: 'convert',
    dir: 'mobilenet_v1_0.75_224_int8',
    sourceDir: 'mobilenet_v1_0.75_224',
    needs: 'the TF.js MobileNet V1 0.75 (model.json and its weight files)',
    convert: async (inputs) => {
      // Also reads scripts/convert-tflite/mobilenet_v1_calibration.json (committed; see calibrate-v1.ts).
      const { v1Int8Embedding } = await import('../convert-tflite/embedding-models.ts');
      return new Map([['embedding.tflite', v1Int8Embedding(inputs)]]);
    },
    upstream: v1Upstream,
  },
];

const rewriteConvertedManifests = process.argv.includes('--rewrite-converted-manifests');

type Reader = (file: string) => Promise<Uint8Array | undefined>;
type Files = Map<string, Uint8Array>;

function readerFor(location: string): Reader {
  if (/^https?:\/\//.test(location)) {
    return async (file) => {
      try {
        const response = await fetch(`${location.replace(/\/$/, '')}/${file}`);
        return response.ok ? new Uint8Array(await response.arrayBuffer()) : undefined;
      } catch {
        return undefined;
      }
    };
  }
  return async (file) => {
    const path = join(location, file);
    return existsSync(path) ? new Uint8Array(await readFile(path)) : undefined;
  };
}

function candidateSources(folder: string, upstream: string): { label: string; read: Reader }[] {
  const sources: { label: string; read: Reader }[] = [];
  const fromEnv = process.env.HANDFUL_MODELS_SOURCE;
  if (fromEnv) {
    const base = /^https?:\/\//.test(fromEnv) ? `${fromEnv.replace(/\/$/, '')}/${folder}` : join(resolve(fromEnv), folder);
    sources.push({ label: `HANDFUL_MODELS_SOURCE (${base})`, read: readerFor(base) });
  }
  const mirror = resolve(projectRoot, '..', 'shared', 'models', folder);
  if (existsSync(mirror)) sources.push({ label: `local mirror ${mirror}`, read: readerFor(mirror) });
  sources.push({ label: `upstream ${upstream}`, read: readerFor(upstream) });
  return sources;
}

async function readManifest(name: string): Promise<ManifestEntry[]> {
  return parseManifest(await readFile(manifestOf(name), 'utf8'));
}

/** The first reason the files are not the ones the manifest promises, if any. */
function firstProblem(entries: ManifestEntry[], files: Files): string | undefined {
  for (const entry of entries) {
    const problem = checkFile(entry, files.get(entry.file));
    if (problem) return problem;
  }
  return undefined;
}

/** Reads the listed files; stops at the first one missing or wrong. */
async function readVerified(entries: ManifestEntry[], read: Reader): Promise<Files | { problem: string }> {
  const files: Files = new Map();
  for (const entry of entries) {
    const bytes = await read(entry.file);
    const problem = checkFile(entry, bytes);
    if (problem) return { problem };
    files.set(entry.file, bytes!);
  }
  return files;
}

/** `{"labels":[...]}`, the same shape as the TF.js MobileNet's metadata.json. */
function labelsMetadata(text: string): Uint8Array {
  const labels = text.split('\n').map((line) => line.replace(/\r$/, ''));
  while (labels.at(-1) === '') labels.pop();
  return new TextEncoder().encode(JSON.stringify({ labels }));
}

function input(inputs: Files, name: string): Uint8Array {
  const bytes = inputs.get(name);
  if (!bytes) throw new Error(`the inputs manifest in scripts/setup/ must list ${name}`);
  return bytes;
}

async function toLayersModel(tflite: Uint8Array, labels: Uint8Array): Promise<Files> {
  // Loaded only when needed: a run that finds the weights in place never starts TensorFlow.js.
  const [tf, { convertTflite }] = await Promise.all([import('@tensorflow/tfjs'), import('../convert-tflite/convert.ts')]);
  // Silences the "install tfjs-node" banner, which is no advice for a one-off conversion.
  tf.env().set('PROD', true);
  const converted = await convertTflite(tflite);
  const files: Files = new Map(converted.files.map((file) => [file.name, file.data]));
  files.set('metadata.json', labelsMetadata(new TextDecoder().decode(labels)));
  return files;
}

/** Writes the files into a fresh folder that replaces the old one only when complete. */
async function install(dir: string, files: Files): Promise<void> {
  const target = join(modelsDir, dir);
  const staging = `${target}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const [name, bytes] of files) await writeFile(join(staging, name), bytes);
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
}

async function writeManifest(name: string, files: Files): Promise<void> {
  const lines = [...files].map(([file, bytes]) => `${sha256(bytes)}  ${file}`);
  await writeFile(manifestOf(name), `${lines.join('\n')}\n`);
  console.log(`manifest written: scripts/setup/${name}.sha256 (${files.size} files)`);
}

function missingMessage(spec: WeightsSpec, tried: string[]): string {
  const folder = spec.kind === 'copy' ? spec.dir : spec.sourceDir;
  const needed = spec.kind === 'copy' ? 'the model folder' : spec.needs;
  return [
    `Handful cannot start: the MobileNet weights "${spec.dir}" are missing or damaged, and no source could provide ${needed}.`,
    'Tried, in order:',
    ...tried,
    `What to do: put ${needed} in ../shared/models/${folder}/ beside the project, or set`,
    `HANDFUL_MODELS_SOURCE to a folder or URL that holds ${folder}/, or connect to the internet; then run`,
    '`npm run setup` again.',
  ].join('\n');
}

function conversionMismatchMessage(spec: ConvertedWeights, problem: string): string {
  return [
    `Handful setup: converting ${spec.needs} gave files that differ from scripts/setup/${spec.dir}.sha256:`,
    `  ${problem}`,
    'The inputs were verified, so scripts/convert-tflite or a library it uses has changed. If that was on',
    'purpose, check the model (`npx vitest run scripts/convert-tflite`), then run',
    "`npx tsx scripts/setup/setup.ts --rewrite-converted-manifests`, put the new manifest's sha256 in",
    'weightsManifestSha256 in src/engine/backbones.ts (`npx vitest run src/engine` prints it) and commit both.',
  ].join('\n');
}

/** Makes public/models/<dir> match its manifest; returns what went wrong, if anything. */
async function ensure(spec: WeightsSpec): Promise<string | undefined> {
  const rewrite = spec.kind === 'convert' && rewriteConvertedManifests;
  const expected = rewrite ? [] : await readManifest(spec.dir);
  const installed = rewrite ? undefined : await readVerified(expected, readerFor(join(modelsDir, spec.dir)));
  if (installed instanceof Map) {
    console.log(`weights ok: public/models/${spec.dir} (${expected.length} files, sha256 checked)`);
    return undefined;
  }
  const inputs = spec.kind === 'copy' ? expected : await readManifest(`${spec.dir}.inputs`);
  const tried: string[] = [];
  for (const source of candidateSources(spec.kind === 'copy' ? spec.dir : spec.sourceDir, spec.upstream)) {
    const read = await readVerified(inputs, source.read);
    if (!(read instanceof Map)) {
      tried.push(`  - ${source.label}: ${read.problem}`);
      continue;
    }
    // Copied files were checked as they were read; converted ones are checked now.
    const files = spec.kind === 'copy' ? read : await spec.convert(read);
    if (spec.kind === 'convert') {
      const problem = rewrite ? undefined : firstProblem(expected, files);
      if (problem) return conversionMismatchMessage(spec, problem);
      if (rewrite) await writeManifest(spec.dir, files);
    }
    await install(spec.dir, files);
    console.log(`weights ${spec.kind === 'copy' ? 'installed' : 'converted'}: public/models/${spec.dir} from ${source.label}`);
    return undefined;
  }
  return missingMessage(spec, tried);
}

const failures = (await Promise.all(weights.map(ensure))).filter((message) => message !== undefined);
if (failures.length > 0) {
  console.error(`\n${failures.join('\n\n')}\n`);
  process.exit(1);
}
