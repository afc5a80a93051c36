/**
 * `npm run eval -- --data ../shared/datasets/oxford_flowers12 --shots 1,2,5,10,20,all --seeds 10`
 *
 * For each seed and shot count, samples k training photos per class, fits every method on their
 * embeddings and measures accuracy on the dataset's whole test split. Prints a table (or, with
 * --json, only a JSON array) and writes the table to BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { readDataset } from './datasets';
import { appPath } from './appPath';
import { createEmbeddingSource } from './embeddings';
import { knn, logistic, teachableMachine, tmHead, type Method } from './methods';
import { meanAndStd, sampleShots } from './sampling';
import { labellingRows, labellingTable, type LabellingRow } from './labelling';
import { machineDescription, writeBenchmarkSection } from '../lib/lab';
import { topClass } from '../../src/head';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

// Teachable Machine's head trains with tfjs layers; the WASM backend runs it ~4x faster than the
// pure-JS one in Node, with the same results up to float rounding.
await tf.setBackend('wasm');

const { values } = parseArgs({
  options: {
    data: { type: 'string', multiple: true },
    shots: { type: 'string', default: '1,2,5,10,20,all' },
    seeds: { type: 'string', default: '10' },
    // With every photo there is nothing to sample: seeds then only vary cross-validation folds and
    // network initialisation, and Teachable Machine's head is slow on thousands of photos.
    'seeds-all': { type: 'string' },
    methods: { type: 'string', default: 'logistic:v1-0.75,knn:v1-0.75,tm-head:v1-0.75' },
    json: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    // Also the app's own way to a head (scripts/eval/appPath.ts) on the default features, as the
    // "app" method, beside the default configuration's fresh fit on the same photos.
    'app-path': { type: 'boolean', default: false },
    // A person sorting the train split as an unlabelled pile (scripts/eval/labelling.ts).
    'simulate-labelling': { type: 'boolean', default: false },
    budgets: { type: 'string', default: '5%,10%,20%' },
  },
});

if (!values.data?.length) {
  console.error('usage: npm run eval -- --data <dataset folder> [--data ...] [--shots 1,5,all] [--seeds 10] [--methods ...] [--json]');
  process.exit(2);
}

const factories: Record<string, (features: string) => Method> = { logistic, knn, 'tm-head': tmHead };
const methods = values.methods.split(',').map((name) => {
  if (name === teachableMachine.name) return teachableMachine;
  const [head, features] = name.split(':');
  const factory = factories[head];
  if (!factory || !features) throw new Error(`unknown method "${name}"; use <${Object.keys(factories).join('|')}>:<features>`);
  return factory(features);
});
const shotCounts = values.shots.split(',').map((s) => (s === 'all' ? 'all' : Number(s))) as (number | 'all')[];
const seeds = Number(values.seeds);
const seedsFor = (shots: number | 'all') => (shots === 'all' && values['seeds-all'] ? Number(values['seeds-all']) : seeds);
const log = (line: string) => (values.json ? console.error(line) : console.log(line));

export interface Row {
  dataset: string;
  shots: number | 'all';
  method: string;
  seeds: number;
  meanAccuracy: number;
  stdAccuracy: number;
  meanFitMs: number;
  default?: true;
  /** "app" rows: the accuracy the app shows (its own cross-validated estimate), mean over seeds. */
  meanShownAccuracy?: number;
}

const rows: Row[] = [];
const testSplits = new Map<string, string>();
const source = createEmbeddingSource(log);
const defaultFeaturesId = await source.defaultFeaturesId();
const app = values['app-path'] ? appPath(defaultFeaturesId) : undefined;
if (app) {
  if (!methods.some((m) => m.name === `logistic:${defaultFeaturesId}`)) methods.push(logistic(defaultFeaturesId));
  methods.push(app);
}
if (values['simulate-labelling']) {
  await simulateLabellingOnEveryDataset();
  process.exit(0);
}
try {
  for (const dataPath of values.data) {
    const dataset = readDataset(resolve(dataPath));
    testSplits.set(dataset.name, dataset.testSplit);
    log(
      `${dataset.name}: ${dataset.classes.length} classes, ${dataset.train.length} train / ${dataset.test.length} ${dataset.testSplit} photos`,
    );
    const trainLabels = dataset.train.map((p) => p.label);
    // Only the training photos some seed samples are embedded (all of them with 'all').
    const sampled = new Set(
      shotCounts.flatMap((shots) => Array.from({ length: seedsFor(shots) }, (_, s) => sampleShots(trainLabels, shots, s + 1)).flat()),
    );
    const neededTrain = dataset.train.map((_, i) => i).filter((i) => sampled.has(i));
    const embeddings = new Map<string, { train: Float32Array[]; test: Float32Array[] }>();
    for (const features of new Set(methods.map((m) => m.features))) {
      const all = await source.embed(features, dataset.root, [
        ...neededTrain.map((i) => dataset.train[i].path),
        ...dataset.test.map((p) => p.path),
      ]);
      const train: Float32Array[] = [];
      neededTrain.forEach((i, j) => (train[i] = all[j]));
      embeddings.set(features, { train, test: all.slice(neededTrain.length) });
    }
    const testLabels = dataset.test.map((p) => p.label);
    for (const shots of shotCounts) {
      // With every photo there is nothing to sample; seeds then only vary training randomness.
      for (const method of methods) {
        const accuracies: number[] = [];
        const fitMs: number[] = [];
        for (let seed = 1; seed <= seedsFor(shots); seed++) {
          const chosen = sampleShots(trainLabels, shots, seed);
          const features = embeddings.get(method.features)!;
          const data = {
            classes: dataset.classes,
            embeddings: chosen.map((i) => features.train[i]),
            labels: chosen.map((i) => trainLabels[i]),
          };
          const started = performance.now();
          const predict = await method.fit(data, seed);
          fitMs.push(performance.now() - started);
          const predictions = predict(features.test);
          accuracies.push(predictions.filter((p, i) => topClass(p) === testLabels[i]).length / testLabels.length);
        }
        const { mean, std } = meanAndStd(accuracies);
        const row: Row = {
          dataset: dataset.name,
          shots,
          method: method.name,
          seeds: seedsFor(shots),
          meanAccuracy: mean,
          stdAccuracy: std,
          meanFitMs: meanAndStd(fitMs).mean,
        };
        if (method.name === `logistic:${defaultFeaturesId}`) row.default = true;
        if (method === app) row.meanShownAccuracy = meanAndStd(app.takeShownAccuracies()).mean;
        rows.push(row);
        log(
          `${dataset.name} shots=${shots} ${method.name}: ${(mean * 100).toFixed(1)} ± ${(std * 100).toFixed(1)} % (fit ${row.meanFitMs.toFixed(0)} ms)`,
        );
      }
    }
  }
} finally {
  await source.close();
}

function table(dataset: string): string {
  const ofDataset = rows.filter((r) => r.dataset === dataset);
  const names = [...new Set(ofDataset.map((r) => r.method))];
  const header = `| shots per class | ${names.map((n) => `${n}${ofDataset.find((r) => r.method === n)?.default ? ' (default)' : ''}`).join(' | ')} |`;
  const lines = shotCounts.map((shots) => {
    const cells = names.map((name) => {
      const row = ofDataset.find((r) => r.method === name && r.shots === shots)!;
      const shown = row.meanShownAccuracy === undefined ? '' : `, shows ${(row.meanShownAccuracy * 100).toFixed(1)}`;
      return `${(row.meanAccuracy * 100).toFixed(1)} ± ${(row.stdAccuracy * 100).toFixed(1)} (${row.meanFitMs.toFixed(0)} ms${shown})`;
    });
    return `| ${shots} (${seedsFor(shots)} seeds) | ${cells.join(' | ')} |`;
  });
  return [header, `|---|${names.map(() => '---|').join('')}`, ...lines].join('\n');
}

if (values.json) {
  console.log(JSON.stringify(rows));
} else {
  for (const dataset of new Set(rows.map((r) => r.dataset))) console.log(`\n${dataset}\n${table(dataset)}`);
}
if (!values['no-write']) {
  const date = new Date().toISOString().slice(0, 10);
  for (const dataset of new Set(rows.map((r) => r.dataset))) {
    await writeBenchmarkSection(
      `eval:${dataset}`,
      `## Accuracy on ${dataset} (\`npm run eval\`)

Measured ${date} on ${machineDescription()}. Test accuracy in % on the whole
${testSplits.get(dataset)} split, mean ± standard deviation over seeds (each seed samples
different training photos), and mean fit time. Embeddings by the app's own engine (WASM).
Command: \`npm run eval -- ${process.argv.slice(2).join(' ')}\`

${table(dataset)}`,
    );
  }
}

/** `--simulate-labelling`: the pile-sorting simulation with the app's default features, then exit. */
async function simulateLabellingOnEveryDataset(): Promise<void> {
  const labelling: LabellingRow[] = [];
  try {
    for (const dataPath of values.data!) {
      const dataset = readDataset(resolve(dataPath));
      log(`${dataset.name}: a pile of ${dataset.train.length} photos in ${dataset.classes.length} classes`);
      const pile = await source.embed(
        defaultFeaturesId,
        dataset.root,
        dataset.train.map((p) => p.path),
      );
      const task = { classes: dataset.classes, pile, labels: dataset.train.map((p) => p.label) };
      labelling.push(...labellingRows(dataset.name, task, values.budgets, seeds, log));
    }
  } finally {
    await source.close();
  }
  const datasets = [...new Set(labelling.map((r) => r.dataset))];
  if (values.json) console.log(JSON.stringify(labelling));
  else for (const name of datasets) console.log(`\n${name}\n${labellingTable(labelling.filter((r) => r.dataset === name))}`);
  if (values['no-write']) return;
  const date = new Date().toISOString().slice(0, 10);
  for (const name of datasets) {
    await writeBenchmarkSection(
      `labelling:${name}`,
      `## Sorting a pile: ${name} (\`npm run eval -- --simulate-labelling\`)

Measured ${date} on ${machineDescription()}. The train split is the unlabelled pile; one photo
per class starts labelled and the simulated person answers 10 photos at a time, in random order or
in the app's "Check these next" order, with the head retrained after each batch (default features
${defaultFeaturesId}). "Pile right": share of the whole pile with the right label when every photo
not labelled by hand takes its suggestion, mean ± std over ${seeds} seeds. "Sure ones": share of the
pile that clears the app's accept bar (aiming at 95% right), how many of those were right, and what
the app promised (pooled over seeds). Command: \`npm run eval -- ${process.argv.slice(2).join(' ')}\`

${labellingTable(labelling.filter((r) => r.dataset === name))}`,
    );
  }
}
