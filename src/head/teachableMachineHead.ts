/**
 * Teachable Machine v2's image head, trained the way its library (@teachablemachine/image,
 * TeachableMobileNet.train) trains it, as a baseline for the evaluation harness. The only module
 * of the head that uses tfjs.
 *
 * Faithful to TM: Dense(100, relu, bias) → Dense(C, softmax, no bias), both varianceScaling
 * initialised; Adam at 0.001; categorical cross-entropy; batches of 16 for 50 epochs; raw (not
 * normalised) embeddings; ⌈15%⌉ of each class's photos held out for validation and never trained
 * on, so a class with a single photo is not learnt at all; one shuffle before training, none
 * between epochs (fitDataset over an unshuffled dataset).
 *
 * Differs from TM only where TM is not reproducible: the shuffles use a seeded generator of
 * our own (TM uses seedrandom when given a seed, Math.random otherwise), and the initialiser is
 * seeded from `seed` (TM uses the constant 3.14 when seeded, a random draw otherwise), so that
 * different seeds give independent runs. TM's per-epoch validation metrics are not computed: they
 * do not affect training.
 */
import * as tf from '@tensorflow/tfjs';
import { HeadError } from './errors';
import { seededRandom, shuffled } from './random';

const DENSE_UNITS = 100;
const LEARNING_RATE = 0.001;
const BATCH_SIZE = 16;
const EPOCHS = 50;
const VALIDATION_FRACTION = 0.15;

export interface TeachableMachineOptions {
  seed: number;
  /** Only for tests that cannot afford TM's 50 epochs. */
  epochs?: number;
}

export interface TeachableMachineHead {
  /** Class probabilities for raw embeddings. */
  predict(embeddings: Float32Array[]): Float32Array[];
  /** The photos TM held out for validation, which the head never trained on. */
  validationIndices: number[];
  dispose(): void;
}

function checkInput(embeddings: Float32Array[], labels: number[], classCount: number): void {
  if (embeddings.length !== labels.length) {
    throw new HeadError('length-mismatch', `Got ${embeddings.length} embeddings but ${labels.length} labels.`);
  }
  labels.forEach((label, index) => {
    if (!Number.isInteger(label) || label < 0 || label >= classCount) {
      throw new HeadError('invalid-label', `Photo ${index} is labelled ${label}, not one of ${classCount} classes.`, index);
    }
  });
  embeddings.forEach((embedding, index) => {
    if (embedding.length !== embeddings[0].length) {
      throw new HeadError('dimension-mismatch', `Photo ${index} has an embedding of a different length.`, index);
    }
  });
}

export async function trainTeachableMachineHead(
  embeddings: Float32Array[],
  labels: number[],
  classCount: number,
  { seed, epochs = EPOCHS }: TeachableMachineOptions,
): Promise<TeachableMachineHead> {
  checkInput(embeddings, labels, classCount);
  if (classCount < 2) throw new HeadError('too-few-classes', 'Training needs at least two classes with photos.');
  await tf.ready();
  const dim = embeddings[0]?.length ?? 0;
  const random = seededRandom(seed);

  const training: number[] = [];
  const validation: number[] = [];
  for (let c = 0; c < classCount; c++) {
    const photos = shuffled(
      labels.flatMap((label, index) => (label === c ? [index] : [])),
      random,
    );
    const trainingCount = photos.length - Math.ceil(VALIDATION_FRACTION * photos.length);
    training.push(...photos.slice(0, trainingCount));
    validation.push(...photos.slice(trainingCount));
  }
  const trainingOrder = shuffled(training, random);
  const validationIndices = shuffled(validation, random);

  const initializer = tf.initializers.varianceScaling({ seed });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [dim], units: DENSE_UNITS, activation: 'relu', kernelInitializer: initializer, useBias: true }),
      tf.layers.dense({ units: classCount, activation: 'softmax', kernelInitializer: initializer, useBias: false }),
    ],
  });
  const optimizer = tf.train.adam(LEARNING_RATE);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  // With every photo held out (one per class), TM's model stays as initialised; so does this one.
  if (trainingOrder.length > 0) {
    const oneHot = (label: number) => Array.from({ length: classCount }, (_, c) => (c === label ? 1 : 0));
    const dataset = tf.data
      .zip({
        xs: tf.data.array(trainingOrder.map((i) => embeddings[i])),
        ys: tf.data.array(trainingOrder.map((i) => oneHot(labels[i]))),
      })
      .batch(BATCH_SIZE);
    await model.fitDataset(dataset, { epochs, verbose: 0 });
  }
  optimizer.dispose();

  return {
    validationIndices,
    predict(batch) {
      if (batch.length === 0) return [];
      const probabilities = tf.tidy(() => {
        const values = new Float32Array(batch.length * dim);
        batch.forEach((embedding, row) => values.set(embedding, row * dim));
        const input = tf.tensor2d(values, [batch.length, dim]);
        return (model.predict(input) as tf.Tensor).dataSync() as Float32Array;
      });
      return batch.map((_, row) => probabilities.slice(row * classCount, (row + 1) * classCount));
    },
    dispose() {
      model.dispose();
    },
  };
}
