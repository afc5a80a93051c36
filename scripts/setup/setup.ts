/**
 * Puts the backbone weights the app needs into public/models/, checked against committed sha256
 * manifests. Runs on `npm install`, `npm start` and `npm test`; a second run only re-checks.
 *
 * Sources, first that has every file wins:
 *   1. HANDFUL_MODELS_SOURCE: a directory or an http(s) URL laid out like ../shared/models
 *   2. ../shared/models beside the project (the workshop mirror)
 *   3. the upstream URL each backbone was published at
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile, parseManifest, type ManifestEntry } from './manifest';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const modelsDir = join(projectRoot, 'public', 'models');

interface WeightsSpec {
  /** Folder name, both in public/models/ and in a mirror. */
  dir: string;
  manifestFile: string;
  upstream: string;
}

const weights: WeightsSpec[] = [
  {
    dir: 'mobilenet_v1_0.75_224',
    manifestFile: join(projectRoot, 'scripts/setup/mobilenet_v1_0.75_224.sha256'),
    upstream: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.75_224',
  },
];

type Reader = (file: string) => Promise<Uint8Array | undefined>;

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

function candidateSources(spec: WeightsSpec): { label: string; read: Reader }[] {
  const sources: { label: string; read: Reader }[] = [];
  const fromEnv = process.env.HANDFUL_MODELS_SOURCE;
  if (fromEnv) {
    const base = /^https?:\/\//.test(fromEnv) ? `${fromEnv.replace(/\/$/, '')}/${spec.dir}` : join(resolve(fromEnv), spec.dir);
    sources.push({ label: `HANDFUL_MODELS_SOURCE (${base})`, read: readerFor(base) });
  }
  const mirror = resolve(projectRoot, '..', 'shared', 'models', spec.dir);
  if (existsSync(mirror)) sources.push({ label: `local mirror ${mirror}`, read: readerFor(mirror) });
  sources.push({ label: `upstream ${spec.upstream}`, read: readerFor(spec.upstream) });
  return sources;
}

async function problemsIn(entries: ManifestEntry[], read: Reader): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of entries) {
    const problem = checkFile(entry, await read(entry.file));
    if (problem) problems.push(problem);
  }
  return problems;
}

/** Copies every file, verified, into a fresh folder that replaces the old one only when complete. */
async function install(spec: WeightsSpec, entries: ManifestEntry[], read: Reader): Promise<string[]> {
  const target = join(modelsDir, spec.dir);
  const staging = `${target}.partial`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  for (const entry of entries) {
    const bytes = await read(entry.file);
    const problem = checkFile(entry, bytes);
    if (problem || !bytes) {
      await rm(staging, { recursive: true, force: true });
      return [problem ?? `${entry.file} is missing`];
    }
    await writeFile(join(staging, entry.file), bytes);
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  return [];
}

async function ensure(spec: WeightsSpec): Promise<string | undefined> {
  const entries = parseManifest(await readFile(spec.manifestFile, 'utf8'));
  const installed = readerFor(join(modelsDir, spec.dir));
  if ((await problemsIn(entries, installed)).length === 0) {
    console.log(`weights ok: public/models/${spec.dir} (${entries.length} files, sha256 checked)`);
    return undefined;
  }
  const tried: string[] = [];
  for (const source of candidateSources(spec)) {
    const problems = await install(spec, entries, source.read);
    if (problems.length === 0) {
      console.log(`weights installed: public/models/${spec.dir} from ${source.label}`);
      return undefined;
    }
    tried.push(`  - ${source.label}: ${problems[0]}`);
  }
  return [
    `Handful cannot start: the MobileNet weights "${spec.dir}" are missing or damaged.`,
    'Tried, in order:',
    ...tried,
    'What to do: put the model folder in ../shared/models/ beside the project, or set',
    'HANDFUL_MODELS_SOURCE to a folder or URL that holds it, or connect to the internet; then run',
    '`npm run setup` again.',
  ].join('\n');
}

const failures = (await Promise.all(weights.map(ensure))).filter((message) => message !== undefined);
if (failures.length > 0) {
  console.error(`\n${failures.join('\n\n')}\n`);
  process.exit(1);
}
