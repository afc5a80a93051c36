/**
 * The app's own way to a head, for the harness's `--app-path`: a person makes one class after
 * another and adds its photos a drop at a time; after each drop, once two classes have photos,
 * the trainer worker's code (src/trainer/trainHead.ts) trains on everything so far, warm-started
 * from the head before, as src/ui/project/useProject.ts asks it to.
 */
import {
  finish,
  predictBatch,
  PreparedRows,
  type Evaluation,
  type EvaluationSteps,
  type LogisticModel,
  type TrainingData,
} from '../../src/head';
import { trainHead } from '../../src/trainer/trainHead';
import type { Method } from './methods';

/** Photos per drop. */
export const APP_BATCH = 10;

export interface AppPathResult {
  /** The photos of the last training, in the order the app lists them (class by class). */
  data: TrainingData;
  model: LogisticModel;
  /** What the app shows for the last head. */
  evaluation: Evaluation;
  /** Trainings along the way. */
  trainings: number;
}

/**
 * Adds `data`'s photos class by class (in class order, each class's photos in their given order),
 * APP_BATCH at a time, training after each drop as the app does. Like the app's training set
 * (trainingSet in src/ui/project/derive.ts), each training sees only the classes with photos.
 */
export function trainAsTheAppDoes(data: TrainingData): AppPathResult {
  const byClass = data.classes.map((_, c) => data.labels.flatMap((label, i) => (label === c ? [i] : [])));
  if (byClass.some((rows) => rows.length === 0)) throw new Error('every class needs photos to be added');
  const added: number[][] = [];
  let last: { data: TrainingData; model: LogisticModel; evaluation: EvaluationSteps } | undefined;
  let trainings = 0;
  // Kept from one training to the next, as the trainer worker keeps them between requests.
  const prepared = new PreparedRows();
  byClass.forEach((rows) => {
    added.push([]);
    for (let start = 0; start < rows.length; start += APP_BATCH) {
      added[added.length - 1].push(...rows.slice(start, start + APP_BATCH));
      if (added.length < 2) continue;
      const sofar: TrainingData = {
        classes: added.map((classRows) => data.classes[data.labels[classRows[0]]]),
        embeddings: added.flat().map((i) => data.embeddings[i]),
        labels: added.flatMap((classRows, label) => classRows.map(() => label)),
      };
      last = { data: sofar, ...trainHead(sofar, last?.model, undefined, prepared) };
      trainings++;
    }
  });
  if (!last) throw new Error('the app trains once two classes have photos');
  // Only the last head's evaluation is shown for good: the app drops (or soon replaces) the others'.
  return { data: last.data, model: last.model, evaluation: finish(last.evaluation), trainings };
}

/**
 * `--app-path` in the harness: the app's way to a head on `features`, and what the app shows for
 * it (its cross-validated accuracy, collected per fit until taken).
 */
export function appPath(features: string): Method & { takeShownAccuracies(): number[] } {
  let shown: number[] = [];
  return {
    name: 'app',
    features,
    fit: async (data) => {
      const { model, evaluation } = trainAsTheAppDoes(data);
      if (evaluation.accuracy !== null) shown.push(evaluation.accuracy);
      return (embeddings) => predictBatch(model, embeddings);
    },
    takeShownAccuracies() {
      const taken = shown;
      shown = [];
      return taken;
    },
  };
}
