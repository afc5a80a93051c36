/**
 * `npx tsx scripts/bench-head.ts [--write]`: how long the logistic head takes to train, on real
 * MobileNet embeddings (Oxford flowers, 12 classes × 60 photos, v1-0.75 features as cached by
 * `npm run eval`; also V1 + V2, the app's default, when those are cached too), or on synthetic
 * clusters when that cache is missing; and at 5,000 photos of the default features (largeSet). Prints a markdown table; with --write, also puts it in
 * BENCHMARKS.md.
 */
import os from 'node:os';
import { evaluate } from '../src/head/evaluate';
import { gaussianClusters } from '../src/head/testData';
import { fit, SELECTION_MAX_PHOTOS, type Fit } from '../src/head/train';
import type { LogisticModel, TrainingData } from '../src/head/types';
import { cachedPhotos, defaultFeaturesId, LARGE_PHOTOS, largeSet } from './lib/headData';

const RUNS = 9;
// V8 needs a few fits before every function involved is optimised.
const WARM_UP = 5;

/** The flowers' training photos. */
const flowers = (backbones: string[]) => cachedPhotos([{ name: 'oxford_flowers12', splits: ['train'] }], backbones);

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

/** Wall-clock milliseconds over `runs` runs, after `warmUp` unmeasured ones. */
function time(run: () => unknown, runs = RUNS, warmUp = WARM_UP): Timing {
  for (let i = 0; i < warmUp; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { min: times[0], median: times[Math.floor(runs / 2)] };
}

const ms = ({ min, median }: Timing) => `${min.toFixed(1)} / ${median.toFixed(1)}`;
// A 5,000-photo fit takes seconds: fewer runs, and one warm-up (V8 has optimised everything by
// then, after the smaller cases).
const LARGE_RUNS = 3;
const LARGE_WARM_UP = 1;

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

const large = largeSet();
let largeNote = 'no 5,000-photo row: the default features of the shared datasets are not all cached (run `npm run eval` on them first)';
if (large) {
  const classCount = large.classes.length;
  const shape = `${large.labels.length} photos of ${classCount} classes × ${large.embeddings[0].length}`;
  const smaller = withoutLastOfFirstClass(large);
  const previous = fit(smaller).model;
  const first = fit(large);
  const warm = fit(large, { previous });
  const firstTime = time(() => fit(large), LARGE_RUNS, LARGE_WARM_UP);
  const warmTime = time(() => fit(large, { previous }), LARGE_RUNS, LARGE_WARM_UP);
  rows.push(
    `| ${shape} | first fit, λ by CV on ${Math.min(SELECTION_MAX_PHOTOS, large.labels.length)} of them | ${ms(firstTime)} | ${first.form} | ${first.model.lambda.toExponential(0)} | ${iterations(first)} |`,
  );
  rows.push(
    `| ${shape} | warm refit, +1 photo | ${ms(warmTime)} | ${warm.form} | ${warm.model.lambda.toExponential(0)} | ${iterations(warm)} |`,
  );
  // Minutes under load: once, after the fits have warmed everything up.
  const started = performance.now();
  const result = evaluate(large, first.model);
  const evaluateMs = performance.now() - started;
  rows.push(
    `| ${shape} | evaluate() (${result.scheme}, ${result.folds} folds; after the head is sent) | ${evaluateMs.toFixed(0)} (1 run) | primal | ${first.model.lambda.toExponential(0)} | |`,
  );
  largeNote = `${shape}: every photo of the three shared datasets (cats & dogs, hymenoptera, flowers 12, all splits) with the default features (${defaultFeaturesId}) from the evaluation cache, and to make up ${LARGE_PHOTOS} the same photos' float-model (${defaultFeaturesId.replaceAll('-int8', '')}) embeddings, evenly spread: near copies, as crops and re-shoots are; ${LARGE_RUNS} runs after ${LARGE_WARM_UP} warm-up, evaluate() once`;
}
console.log(`Large: ${largeNote}.`);
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
full fit of 12 × 60 × 768 under 200 ms, warm refit under 20 ms; at 5,000 photos of the default
features (issue 10), in the trainer worker on a quiet machine, first fit under 10 s and warm
refit under 1 s (the evaluation follows the head, in the background). Large rows: ${largeNote}.

${table}`,
  );
}
