/**
 * `npm run eval -- --data DIR --simulate-labelling --budgets 5%,10%,20% --seeds 3`
 *
 * A person sorting a pile, simulated: DIR's train split is the unlabelled pile; one photo per class
 * starts labelled; the person answers the next 10 photos (truthfully) in the order the strategy
 * gives, the head is retrained, and so on. At each budget it measures what the app would deliver:
 * the pile's accuracy if every photo not labelled by hand takes its suggestion, and the precision
 * and share of the "sure ones" at the app's accept bar against the precision it promised.
 * Training, held-out predictions, suggestions, the queue and the bar are the app's own code.
 */
import { evaluate, finish, predictBatch, topClass, type Evaluation, type LogisticModel } from '../../src/head';
import { trainHead } from '../../src/trainer/trainHead';
import { seededRandom, shuffled } from '../../src/head/random';
import { acceptBar, pileSketch, pileWeights, reviewQueue, type PileSketch } from '../../src/pile';

export type Strategy = 'random' | 'app';

export interface PileTask {
  classes: string[];
  pile: Float32Array[];
  labels: number[];
}

export interface BudgetResult {
  labelled: number;
  pileAccuracy: number;
  /** Null when nothing cleared the bar. */
  acceptedPrecision: number | null;
  acceptedFraction: number;
  /** The precision the app stated for the accepted photos (1 − expected wrong / accepted). */
  promisedPrecision: number | null;
}

export const BATCH = 10;

/** Budgets as photo counts: "5%" of the pile or a plain count, at least one photo per class. */
export function budgetCounts(spec: string, pileSize: number, classCount: number): number[] {
  return spec.split(',').map((part) => {
    const value = part.trim();
    const count = value.endsWith('%') ? Math.round((Number(value.slice(0, -1)) / 100) * pileSize) : Number(value);
    if (!Number.isFinite(count) || count <= 0) throw new Error(`budget "${value}" is neither a percentage nor a count`);
    return Math.min(pileSize, Math.max(classCount, count));
  });
}

/** One photo of each class, drawn with the seed: where a person starts. */
function startingPhotos(labels: readonly number[], classCount: number, random: () => number): number[] {
  const order = shuffled(
    labels.map((_, i) => i),
    random,
  );
  return Array.from({ length: classCount }, (_, c) => order.find((i) => labels[i] === c)!).filter((i) => i !== undefined);
}

export function simulateLabelling(
  task: PileTask,
  budgets: readonly number[],
  strategy: Strategy,
  seed: number,
  sketch?: PileSketch,
): BudgetResult[] {
  const { classes, pile, labels } = task;
  const random = seededRandom(seed);
  const labelled = startingPhotos(labels, classes.length, random);
  const isLabelled = new Set(labelled);
  const randomOrder = shuffled(
    pile.map((_, i) => i),
    random,
  ).filter((i) => !isLabelled.has(i));
  let known = sketch;
  const pileSketchOf = () => (known ??= pileSketch(pile));
  const appSketch = strategy === 'app' ? pileSketchOf() : undefined;
  const results: BudgetResult[] = [];
  let model: LogisticModel | undefined;
  let evaluation: Evaluation | undefined;
  let probabilities: Float32Array[] = [];
  const data = () => ({ classes, embeddings: labelled.map((i) => pile[i]), labels: labelled.map((i) => labels[i]) });
  const retrain = (measuring: boolean) => {
    // The app's training worker step, warm-started from the head before. Its cross-validation
    // changes nothing the person sees next, so it runs only where the harness measures.
    const trained = trainHead(data(), model);
    model = trained.model;
    if (measuring) evaluation = finish(trained.evaluation);
    probabilities = predictBatch(model, pile);
  };
  retrain(labelled.length >= Math.min(...budgets));
  for (const budget of [...budgets].sort((a, b) => a - b)) {
    while (labelled.length < budget) {
      const size = Math.min(BATCH, budget - labelled.length);
      const next =
        strategy === 'random'
          ? randomOrder.filter((i) => !isLabelled.has(i)).slice(0, size)
          : reviewQueue({
              pile,
              labelled: labelled.map((i) => ({ embedding: pile[i], classIndex: labels[i] })),
              probabilities,
              exclude: isLabelled,
              count: size,
              sketch: appSketch,
              classCount: classes.length,
            });
      if (next.length === 0) break;
      for (const i of next) {
        labelled.push(i);
        isLabelled.add(i);
      }
      retrain(labelled.length >= budget);
    }
    evaluation ??= evaluate(data(), model!);
    results.push(measure(task, pileSketchOf(), labelled, isLabelled, evaluation, probabilities));
    evaluation = undefined;
  }
  return results;
}

function measure(
  task: PileTask,
  sketch: PileSketch,
  labelled: number[],
  isLabelled: Set<number>,
  evaluation: Evaluation,
  probabilities: Float32Array[],
): BudgetResult {
  const { pile, labels } = task;
  let right = labelled.length;
  probabilities.forEach((p, i) => {
    if (!isLabelled.has(i) && topClass(p) === labels[i]) right++;
  });
  const weights = pileWeights(
    sketch,
    labelled.map((i) => pile[i]),
    isLabelled,
  );
  const plan = acceptBar({ probabilities: evaluation.predictions, labels: labelled.map((i) => labels[i]), weights }, probabilities, {
    exclude: isLabelled,
  });
  const accepted = plan.perClass.flatMap((c) => c.photos);
  const acceptedRight = accepted.filter((i) => topClass(probabilities[i]) === labels[i]).length;
  const expectedWrong = plan.perClass.reduce((sum, c) => sum + c.expectedWrong, 0);
  return {
    labelled: labelled.length,
    pileAccuracy: right / pile.length,
    acceptedPrecision: accepted.length > 0 ? acceptedRight / accepted.length : null,
    acceptedFraction: accepted.length / pile.length,
    promisedPrecision: accepted.length > 0 ? 1 - expectedWrong / accepted.length : null,
  };
}

/** One line of `--simulate-labelling --json`: means over seeds. */
export interface LabellingRow {
  dataset: string;
  strategy: Strategy;
  seeds: number;
  labelled: number;
  labelledFraction: number;
  pileAccuracy: number;
  stdPileAccuracy: number;
  /** Null when no seed accepted anything at this budget. */
  acceptedPrecision: number | null;
  acceptedFraction: number;
  promisedPrecision: number | null;
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const std = (values: number[]) =>
  values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, v) => sum + (v - mean(values)) ** 2, 0) / (values.length - 1));

/**
 * Every strategy on one pile, seeds 1..`seeds` (the same starting photos for both strategies).
 * Precision is pooled over seeds: accepted photos that were right over all accepted photos.
 */
export function labellingRows(
  name: string,
  task: PileTask,
  budgetSpec: string,
  seeds: number,
  log: (line: string) => void,
): LabellingRow[] {
  const budgets = budgetCounts(budgetSpec, task.pile.length, task.classes.length);
  const sketch = pileSketch(task.pile);
  const rows: LabellingRow[] = [];
  for (const strategy of ['random', 'app'] as const) {
    const runs: BudgetResult[][] = [];
    for (let seed = 1; seed <= seeds; seed++) runs.push(simulateLabelling(task, budgets, strategy, seed, sketch));
    budgets.forEach((budget, k) => {
      const results = runs.map((run) => run[k]);
      const accepted = results.reduce((sum, r) => sum + r.acceptedFraction * task.pile.length, 0);
      const right = results.reduce((sum, r) => sum + (r.acceptedPrecision ?? 0) * r.acceptedFraction * task.pile.length, 0);
      const promisedRight = results.reduce((sum, r) => sum + (r.promisedPrecision ?? 0) * r.acceptedFraction * task.pile.length, 0);
      const row: LabellingRow = {
        dataset: name,
        strategy,
        seeds,
        labelled: budget,
        labelledFraction: budget / task.pile.length,
        pileAccuracy: mean(results.map((r) => r.pileAccuracy)),
        stdPileAccuracy: std(results.map((r) => r.pileAccuracy)),
        acceptedPrecision: accepted > 0 ? right / accepted : null,
        acceptedFraction: mean(results.map((r) => r.acceptedFraction)),
        promisedPrecision: accepted > 0 ? promisedRight / accepted : null,
      };
      rows.push(row);
      const percent = (value: number | null) => (value === null ? '-' : `${(value * 100).toFixed(1)}%`);
      log(
        `${name} ${strategy} ${budget} labelled: pile ${percent(row.pileAccuracy)} ± ${percent(row.stdPileAccuracy)}, accepted ${percent(row.acceptedFraction)} at ${percent(row.acceptedPrecision)} right (promised ${percent(row.promisedPrecision)})`,
      );
    });
  }
  return rows;
}

/** The Markdown table for one dataset: a line per budget, random against the app's queue. */
export function labellingTable(rows: readonly LabellingRow[]): string {
  const percent = (value: number | null) => (value === null ? '–' : (value * 100).toFixed(1));
  const budgets = [...new Set(rows.map((r) => r.labelled))];
  const lines = budgets.map((labelled) => {
    const random = rows.find((r) => r.labelled === labelled && r.strategy === 'random')!;
    const app = rows.find((r) => r.labelled === labelled && r.strategy === 'app')!;
    const accepted = (r: LabellingRow) =>
      r.acceptedFraction > 0
        ? `${percent(r.acceptedFraction)}% at ${percent(r.acceptedPrecision)} (promised ${percent(r.promisedPrecision)})`
        : 'none';
    return `| ${labelled} (${percent(random.labelledFraction)}%) | ${percent(random.pileAccuracy)} ± ${percent(random.stdPileAccuracy)} | ${percent(app.pileAccuracy)} ± ${percent(app.stdPileAccuracy)} | ${accepted(random)} | ${accepted(app)} |`;
  });
  return [
    '| labelled by hand | pile right, random | pile right, app queue | sure ones accepted, random | sure ones accepted, app queue |',
    '|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}
