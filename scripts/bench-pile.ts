/**
 * `npx tsx scripts/bench-pile.ts [--photos 2000] [--umap] [--write]`: what sorting a pile costs on
 * the CPU, with synthetic 2,048-number embeddings (10 groups; the cost does not depend on the
 * values): the pile sketch (once per pile change, in the pile worker), one "Check these next"
 * call in each phase (after every answer), and the photo map by PCA; with --umap also umap-js on
 * the 32-number sketch, the cheapest way to run it, for comparison. Prints a markdown table; with
 * --write, also puts it in BENCHMARKS.md.
 */
import { parseArgs } from 'node:util';
import { UMAP } from 'umap-js';
import { gaussianClusters } from '../src/head/testData';
import { photoMap, pileSketch, reviewQueue } from '../src/pile';

const { values } = parseArgs({
  options: {
    photos: { type: 'string', default: '2000' },
    umap: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
  },
});
const count = Number(values.photos);
const classCount = 10;
const { embeddings } = gaussianClusters(
  Array.from({ length: classCount }, () => Math.ceil(count / classCount)),
  2048,
  0.6,
  1,
);
const pile = embeddings.slice(0, count);

function time(run: () => unknown, repeats = 1): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)];
}

const rows: [string, number][] = [];
let sketch = pileSketch(pile.slice(0, 50));
rows.push([`pile sketch (PCA to 32, typicality), ${count} photos`, time(() => (sketch = pileSketch(pile)))]);
const probabilities = pile.map((_, i) => {
  const p = new Float32Array(classCount).fill(0.4 / (classCount - 1));
  p[i % classCount] = 0.6 - (i % 13) * 0.01;
  return p;
});
const labelled = pile.slice(0, 200).map((embedding, i) => ({ embedding, classIndex: i % classCount }));
const queue = (known: typeof labelled) => () => reviewQueue({ pile, labelled: known, probabilities, count: 10, sketch, classCount });
rows.push([`"Check these next", 10 photos, covering (${classCount} labelled)`, time(queue(labelled.slice(0, classCount)), 5)]);
rows.push([`"Check these next", 10 photos, doubtful (200 labelled)`, time(queue(labelled), 5)]);
rows.push([`photo map by PCA, ${count} photos`, time(() => photoMap(pile))]);
if (values.umap) {
  const points = Array.from({ length: count }, (_, i) => Array.from(sketch.points.subarray(i * sketch.dim, (i + 1) * sketch.dim)));
  rows.push([`photo map by umap-js on the sketch, ${count} photos`, time(() => new UMAP({ nComponents: 2 }).fit(points))]);
}

const table = ['| step | ms (median) |', '|---|---|', ...rows.map(([name, ms]) => `| ${name} | ${ms.toFixed(ms < 10 ? 1 : 0)} |`)].join(
  '\n',
);
console.log(table);
if (values.write) {
  const { machineDescription, writeBenchmarkSection } = await import('./lib/lab');
  await writeBenchmarkSection(
    'pile-speed',
    `## Sorting a pile: CPU cost (\`npx tsx scripts/bench-pile.ts ${process.argv.slice(2).join(' ')}\`)

Measured ${new Date().toISOString().slice(0, 10)} on ${machineDescription()}, in Node (the same
JavaScript engine as Chromium's). The sketch and the map run in the pile worker; the queue runs after
each answer, while the page already shows the next photo of the previous queue.

${table}`,
  );
}
