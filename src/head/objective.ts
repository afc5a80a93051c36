import { balancedWeights, type Dataset } from './dataset';
import { addResidualProducts, multiplyByWeights } from './kernels';
import type { Objective } from './lbfgs';

/**
 * A class-balanced softmax regression problem. Parameters are packed as the classCount × dim
 * weights (row-major) followed by classCount biases.
 */
export interface SoftmaxProblem {
  /** count rows, then zero rows up to paddedCount, a multiple of 4, for the kernels. */
  features: Float32Array;
  labels: Int32Array;
  /** Balanced (see balancedWeights) and summing to 1. */
  sampleWeights: Float64Array;
  count: number;
  paddedCount: number;
  dim: number;
  classCount: number;
  /**
   * ‖gradient‖ at zero parameters, where every class has probability 1/classCount: the natural
   * scale against which to judge convergence, whatever the data's spread or the class count.
   */
  gradientScale: number;
}

export function softmaxProblem(dataset: Dataset): SoftmaxProblem {
  const { count, dim } = dataset;
  const paddedCount = Math.ceil(count / 4) * 4;
  const features = new Float32Array(paddedCount * dim);
  features.set(dataset.features.subarray(0, count * dim));
  const sampleWeights = balancedWeights(dataset.labels, dataset.classCount);
  return {
    ...dataset,
    features,
    paddedCount,
    sampleWeights,
    gradientScale: gradientNormAtZero(dataset, sampleWeights),
  };
}

/** With all parameters zero the residual of photo i for class c is w_i·(1/C − [y_i = c]). */
function gradientNormAtZero(dataset: Dataset, sampleWeights: Float64Array): number {
  const { features, labels, count, dim, classCount } = dataset;
  const classSums = new Float64Array(classCount * dim);
  const classWeights = new Float64Array(classCount);
  const total = new Float64Array(dim);
  for (let i = 0; i < count; i++) {
    const weight = sampleWeights[i];
    classWeights[labels[i]] += weight;
    for (let d = 0; d < dim; d++) {
      const value = weight * features[i * dim + d];
      classSums[labels[i] * dim + d] += value;
      total[d] += value;
    }
  }
  let squaredNorm = 0;
  for (let c = 0; c < classCount; c++) {
    squaredNorm += (1 / classCount - classWeights[c]) ** 2;
    for (let d = 0; d < dim; d++) squaredNorm += (total[d] / classCount - classSums[c * dim + d]) ** 2;
  }
  return Math.sqrt(squaredNorm);
}

/**
 * (1/n)·[Σ_i n·w_i · crossEntropy(softmax(W x_i + b), y_i) + (λ/2)‖W‖²] and its gradient, where the
 * balanced weights n·w_i average 1. λ thus weighs against a sum over photos, like a Gaussian prior
 * on W: its best value depends little on how many photos there are, so a penalty chosen on 4/5 of
 * the photos carries over to all of them. Dividing by n only keeps the numbers near 1.
 *
 * The bias is not penalised: shrinking it would pull predictions toward arbitrary classes rather
 * than toward caution.
 *
 * Along a line the logits move linearly, Z + α·Z_d, so once Z_d is known each trial step of the
 * line search costs count × classCount operations instead of two passes over the features.
 */
export function softmaxObjective(problem: SoftmaxProblem, lambda: number): Objective {
  const { features, labels, sampleWeights, count, paddedCount, dim, classCount } = problem;
  const penalty = lambda / count;
  const weightCount = classCount * dim;
  const current = new Float64Array(weightCount + classCount);
  const logits = new Float64Array(paddedCount * classCount);
  // Padding rows keep zero residuals, so they add nothing to the gradient.
  const residuals = new Float64Array(paddedCount * classCount);
  const directionLogits = new Float64Array(paddedCount * classCount);
  const trialLogits = new Float64Array(count * classCount);
  const trialResiduals = new Float64Array(count * classCount);

  /** Writes w_i·(p_i − onehot(y_i)) for every photo into `out` and returns the weighted loss. */
  const crossEntropy = (rowLogits: Float64Array, out: Float64Array): number => {
    let loss = 0;
    for (let i = 0; i < count; i++) {
      const row = i * classCount;
      const label = labels[i];
      let max = -Infinity;
      for (let c = 0; c < classCount; c++) if (rowLogits[row + c] > max) max = rowLogits[row + c];
      const labelMargin = rowLogits[row + label] - max;
      let othersSum = 0;
      for (let c = 0; c < classCount; c++) {
        out[row + c] = Math.exp(rowLogits[row + c] - max);
        if (c !== label) othersSum += out[row + c];
      }
      const labelExp = out[row + label];
      const sum = othersSum + labelExp;
      const weight = sampleWeights[i];
      // log1p keeps the loss of confidently right photos accurate, which the line search needs near the optimum.
      loss += weight * (labelMargin > -30 ? Math.log1p(othersSum / labelExp) : Math.log(sum) - labelMargin);
      for (let c = 0; c < classCount; c++) out[row + c] = (weight * out[row + c]) / sum;
      // p_label − 1 computed as −Σ others avoids cancellation when p_label ≈ 1.
      out[row + label] = -(weight * othersSum) / sum;
    }
    return loss;
  };

  /** Value and gradient at `current`, whose logits are already in `logits`. */
  const valueAndGradient = (gradient: Float64Array): number => {
    const loss = crossEntropy(logits, residuals);
    gradient.fill(0);
    addResidualProducts(residuals, features, paddedCount, dim, classCount, gradient);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < classCount; c++) gradient[weightCount + c] += residuals[i * classCount + c];
    }
    let squaredNorm = 0;
    for (let j = 0; j < weightCount; j++) {
      squaredNorm += current[j] * current[j];
      gradient[j] += penalty * current[j];
    }
    return loss + 0.5 * penalty * squaredNorm;
  };

  /** `out` = features · Wᵀ + b for the weights and biases packed in `params`. */
  const logitsOf = (params: Float64Array, out: Float64Array) => {
    multiplyByWeights(features, paddedCount, dim, params, classCount, out);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < classCount; c++) out[i * classCount + c] += params[weightCount + c];
    }
  };

  return {
    evaluate(x, gradient) {
      current.set(x);
      logitsOf(current, logits);
      return valueAndGradient(gradient);
    },
    line(direction) {
      logitsOf(direction, directionLogits);
      let currentDotDirection = 0;
      let directionSquared = 0;
      let currentSquared = 0;
      for (let j = 0; j < weightCount; j++) {
        currentDotDirection += current[j] * direction[j];
        directionSquared += direction[j] * direction[j];
        currentSquared += current[j] * current[j];
      }
      return {
        at(alpha) {
          for (let j = 0; j < trialLogits.length; j++) trialLogits[j] = logits[j] + alpha * directionLogits[j];
          const loss = crossEntropy(trialLogits, trialResiduals);
          let slope = 0;
          for (let j = 0; j < trialResiduals.length; j++) slope += trialResiduals[j] * directionLogits[j];
          return {
            value: loss + 0.5 * penalty * (currentSquared + alpha * (2 * currentDotDirection + alpha * directionSquared)),
            slope: slope + penalty * (currentDotDirection + alpha * directionSquared),
          };
        },
        moveTo(alpha, gradient) {
          for (let j = 0; j < current.length; j++) current[j] += alpha * direction[j];
          for (let j = 0; j < count * classCount; j++) logits[j] += alpha * directionLogits[j];
          return valueAndGradient(gradient);
        },
      };
    },
  };
}
