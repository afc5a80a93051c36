/**
 * `npx tsx scripts/bench-head.ts [--write]`: how long the logistic head takes to train, on real
 * MobileNet embeddings (Oxford flowers, 12 classes × 60 photos, v1-0.75 features as cached by
 * `npm run eval`; also V1 + V2, the app's default, when those are cached too), or on synthetic
 * clusters when that cache is missing. Prints a markdown table; with --write, also puts it in
 * BENCHMARKS.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { composeFeatures } from '../src/engine/features';
import { evaluate } from '../src/head/evaluate';
import { gaussianClusters } from '../src/head/testData';
import { fit, type Fit } from '../src/head/train';
import type { LogisticModel, TrainingData } from '../src/head/types';

// The same folders as ./lib/lab's. That module is imported only to write the results: loading it
// (Vite, Playwright) makes the fits below about a third slower.
const projectRoot = resolve(import.meta.dirname, '..');
const sharedDatasets = resolve(projectRoot, '..', 'shared', 'datasets');

const RUNS = 9;
// V8 needs a few fits before every function involved is optimised.
const WARM_UP = 5;

/**
 * The flowers' training photos with the features of `backbones` as cached by the evaluation
 * harness (several: composed as the app does), or undefined if any photo is missing.
 */
function flowers(backbones: string[]): TrainingData | undefined {
  const root = join(sharedDatasets, 'oxford_flowers12', 'train');
  const cacheRoot = join(projectRoot, '.cache', 'embeddings');
  if (!existsSync(root) || !existsSync(cacheRoot)) return undefined;
  const caches = backbones.map((backbone) => readdirSync(cacheRoot).find((name) => name.startsWith(`${backbone}@`)));
  if (caches.some((cache) => cache === undefined)) return undefined;
  const classes = readdirSync(root).sort();
  const embeddings: Float32Array[] = [];
  const labels: number[] = [];
  for (const [label, name] of classes.entries()) {
    for (const file of readdirSync(join(root, name)).sort()) {
      const hash = createHash('sha256')
        .update(readFileSync(join(root, name, file)))
        .digest('hex');
      const paths = caches.map((cache) => join(cacheRoot, cache!, `${hash}.f32`));
      if (!paths.every((path) => existsSync(path))) return undefined;
      const parts = paths.map((path) => {
        const bytes = readFileSync(path);
        return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      });
      embeddings.push(composeFeatures(parts.map((part) => [part])));
      labels.push(label);
    }
  }
  return { classes, embeddings, labels };
}

/** The first `perClass` photos of each of the first `classCount` classes. */
function subset(data: TrainingData, classCount: number, perClass: number): TrainingData {
  const taken = new Array<number>(classCount).fill(0);
  const rows = data.labels.flatMap((label, i) => (label < classCount && taken[label]++ < perClass ? [i] : []));
  return {
    classes: data.classes.slice(0, classCount),
    embeddings: rows.map((i) => data.embeddings[i]),
    labels: rows.map((i) => data.labels[i]),
  };
}

/** `data` without its last photo of the first class. */
function withoutLastOfFirstClass(data: TrainingData): TrainingData {
  const last = data.labels.lastIndexOf(0);
  const keep = (_: unknown, i: number) => i !== last;
  return { ...data, embeddings: data.embeddings.filter(keep), labels: data.labels.filter(keep) };
}

interface Timing {
  min: number;
  median: number;
}

/** Wall-clock milliseconds over RUNS runs, after WARM_UP unmeasured ones. */
function time(run: () => unknown): Timing {
  for (let i = 0; i < WARM_UP; i++) run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { min: times[0], median: times[Math.floor(RUNS / 2)] };
}

const ms = ({ min, median }: Timing) => `${min.toFixed(1)} / ${median.toFixed(1)}`;

function iterations(result: Fit): string {
  if (result.folds === 0) return `${result.finalIterations}`;
  const perPenalty = result.validationIterations.join(' + ');
  return `CV ${result.folds} folds: ${perPenalty}; final ${result.finalIterations}`;
}

const real = flowers(['v1-0.75']);
const source = real ?? gaussianClusters(new Array(12).fill(60), 768, 3, 1);
const note = real
  ? 'Oxford flowers 12 (train split), v1-0.75 embeddings (768 numbers) from the evaluation cache'
  : 'synthetic Gaussian clusters (spread 3): the v1-0.75 embedding cache of oxford_flowers12/train is missing or incomplete, run `npm run eval` first for real embeddings';
if (!real) console.log(`Note: ${note}.`);
// The app's default features since per-project features: V1 and V2 side by side, 2048 numbers.
const both = flowers(['v1-0.75', 'v2-1.0']);
if (!both) console.log('Note: no cached v2-1.0 embeddings of the flowers, so no 2048-number rows.');

const loadBefore = os.loadavg()[0];
const rows: string[] = [];
let evaluation = '';
const cases: [TrainingData, number, number][] = [
  [source, 12, 60],
  [source, 12, 5],
  [source, 2, 5],
  ...(both ? ([[both, 12, 60]] as [TrainingData, number, number][]) : []),
];
for (const [set, classCount, perClass] of cases) {
  const data = subset(set, classCount, perClass);
  const smaller = withoutLastOfFirstClass(data);
  const previous: LogisticModel = fit(smaller).model;
  const full = fit(data);
  const warm = fit(data, { previous });
  const shape = `${classCount} × ${perClass} × ${data.embeddings[0].length}`;
  const fullTime = time(() => fit(data));
  const warmTime = time(() => fit(data, { previous }));
  rows.push(
    `| ${shape} | full fit, λ by CV | ${ms(fullTime)} | ${full.form} | ${full.model.lambda.toExponential(0)} | ${iterations(full)} |`,
  );
  rows.push(
    `| ${shape} | warm refit, +1 photo | ${ms(warmTime)} | ${warm.form} | ${warm.model.lambda.toExponential(0)} | ${iterations(warm)} |`,
  );
  if (set === source && classCount === 12 && perClass === 60) {
    const result = evaluate(data, full.model);
    const evaluateTime = time(() => evaluate(data, full.model));
    evaluation = `| ${shape} | evaluate() (${result.scheme}, ${result.folds} folds) | ${ms(evaluateTime)} | primal | ${full.model.lambda.toExponential(0)} | |`;
  }
}
rows.push(evaluation);
const loadAfter = os.loadavg()[0];

const table = `| photos (classes × per class × dims) | what | ms, min / median of ${RUNS} | form | λ | solver iterations |
|---|---|---|---|---|---|
${rows.join('\n')}`;
console.log(table);
console.log(`\nLoad average (1 min): ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.`);

if (process.argv.includes('--write')) {
  const { machineDescription, writeBenchmarkSection } = await import('./lib/lab');
  const date = new Date().toISOString().slice(0, 10);
  await writeBenchmarkSection(
    'bench:head',
    `## Training the head (\`npx tsx scripts/bench-head.ts\`)

Measured ${date} on ${machineDescription()}; here in Node, one thread, with the 1-minute load
average at ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after on ${os.cpus().length} cores (the benchmark itself accounts for up
to 1; under other load the minimum is the better guide to the speed).
Each time follows ${WARM_UP} unmeasured runs: V8 needs a few fits to optimise everything, and the
first full fit in a fresh process takes 3–4 times as long. Data: ${note}. Warm refit: the model of
the same photos minus the first class's last one, refitted after adding it back. Iterations are
L-BFGS iterations, per penalty tried (summed over the folds), then for the final fit. Targets:
full fit of 12 × 60 × 768 under 200 ms, warm refit under 20 ms.

${table}`,
  );
}
