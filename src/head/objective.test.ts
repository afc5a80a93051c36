import { describe, expect, it } from 'vitest';
import { prepareDataset, preparePhotos } from './dataset';
import { minimize, type Objective } from './lbfgs';
import { gramMatrix } from './kernels';
import { centreDataset, centredProblem, parameterCount, primalParams } from './logistic';
import { kernelProblem, softmaxObjective, softmaxProblem, startingPoint } from './objective';
import { gaussianClusters, seededRandom } from './testData';

// Unequal classes and a row count that is not a multiple of 4, so padding and weights are exercised.
const data = gaussianClusters([4, 2, 3], 5, 0.8, 3);
const problem = softmaxProblem(centreDataset(prepareDataset(data)));
const size = parameterCount(3, 5);

describe('softmaxObjective', () => {
  it.each([3, 6])('has the gradient that central finite differences give (%i classes)', (classCount) => {
    const sizes = [4, 2, 3, 5, 1, 2].slice(0, classCount);
    const checked = softmaxProblem(centreDataset(prepareDataset(gaussianClusters(sizes, 5, 0.8, 3))));
    const checkedSize = parameterCount(classCount, 5);
    const objective = softmaxObjective(checked, 0.7);
    const random = seededRandom(11);
    const params = Float64Array.from({ length: checkedSize }, () => random.normal());
    const gradient = new Float64Array(checkedSize);
    objective.evaluate(params, gradient);
    const scratch = new Float64Array(checkedSize);
    const h = 1e-6;
    for (let p = 0; p < checkedSize; p++) {
      const shifted = Float64Array.from(params);
      shifted[p] = params[p] + h;
      const up = objective.evaluate(shifted, scratch);
      shifted[p] = params[p] - h;
      const down = objective.evaluate(shifted, scratch);
      expect(gradient[p]).toBeCloseTo((up - down) / (2 * h), 7);
    }
  });

  it('moves along a line exactly as evaluating the moved point would', () => {
    const objective = softmaxObjective(problem, 0.3);
    const random = seededRandom(12);
    const params = Float64Array.from({ length: size }, () => random.normal());
    const direction = Float64Array.from({ length: size }, () => random.normal());
    const gradient = new Float64Array(size);
    objective.evaluate(params, gradient);
    const line = objective.line(direction);
    const trial = line.at(0.7);
    const movedGradient = new Float64Array(size);
    const movedValue = line.moveTo(0.7, movedGradient);
    const moved = params.map((value, p) => value + 0.7 * direction[p]);
    const expectedGradient = new Float64Array(size);
    const expectedValue = softmaxObjective(problem, 0.3).evaluate(moved, expectedGradient);
    expect(trial.value).toBeCloseTo(expectedValue, 10);
    expect(movedValue).toBeCloseTo(expectedValue, 10);
    expect(trial.slope).toBeCloseTo(
      expectedGradient.reduce((sum, g, p) => sum + g * direction[p], 0),
      10,
    );
    movedGradient.forEach((g, p) => expect(g).toBeCloseTo(expectedGradient[p], 10));
  });

  it('is the mean cross-entropy log(C) at zero, with the gradient norm the problem reports', () => {
    const gradient = new Float64Array(size);
    const value = softmaxObjective(problem, 1).evaluate(new Float64Array(size), gradient);
    expect(value).toBeCloseTo(Math.log(3), 12);
    expect(Math.hypot(...gradient)).toBeCloseTo(problem.gradientScale, 12);
  });
});

describe('softmaxObjective in kernel form', () => {
  // Fewer photos (9) than dimensions (12), the case the kernel form is for.
  const dataset = centreDataset(prepareDataset(gaussianClusters([4, 2, 3], 12, 0.8, 4)));
  const rows = Array.from({ length: dataset.count }, (_, i) => i);
  const kernel = kernelProblem(dataset, gramMatrix(dataset.features, dataset.count, dataset.dim), rows);
  const primal = softmaxProblem(dataset);
  const random = seededRandom(13);
  const coefficients = Float64Array.from({ length: 3 * 9 + 3 }, () => random.normal());

  it('has the value and the gradient of the primal objective at W = A·X', () => {
    const params = startingPoint(kernel, coefficients);
    const weights = primalParams(params, dataset);
    const kernelGradient = new Float64Array(params.length);
    const primalGradient = new Float64Array(weights.length);
    const kernelValue = softmaxObjective(kernel, 0.3).evaluate(params, kernelGradient);
    const primalValue = softmaxObjective(primal, 0.3).evaluate(weights, primalGradient);
    expect(kernelValue).toBeCloseTo(primalValue, 5);
    // The gradient's coefficients on the photos give the primal gradient.
    const mapped = primalParams(kernelGradient, dataset);
    mapped.forEach((g, p) => expect(g).toBeCloseTo(primalGradient[p], 5));
    expect(kernel.gradientScale).toBeCloseTo(primal.gradientScale, 12);
    // And its norm in the weights' inner product is the primal gradient's norm.
    const objective = softmaxObjective(kernel, 0.3);
    expect(Math.sqrt(objective.dot!(kernelGradient, kernelGradient))).toBeCloseTo(Math.hypot(...primalGradient), 5);
  });

  it('moves along a line exactly as evaluating the moved point would', () => {
    const params = startingPoint(kernel, coefficients);
    const direction = startingPoint(
      kernel,
      Float64Array.from({ length: 3 * 9 + 3 }, () => random.normal()),
    );
    const objective = softmaxObjective(kernel, 0.3);
    objective.evaluate(params, new Float64Array(params.length));
    const line = objective.line(direction);
    const trial = line.at(0.4);
    const movedGradient = new Float64Array(params.length);
    const movedValue = line.moveTo(0.4, movedGradient);
    const expectedGradient = new Float64Array(params.length);
    const expectedValue = softmaxObjective(kernel, 0.3).evaluate(
      params.map((value, p) => value + 0.4 * direction[p]),
      expectedGradient,
    );
    expect(trial.value).toBeCloseTo(expectedValue, 10);
    expect(movedValue).toBeCloseTo(expectedValue, 10);
    expect(trial.slope).toBeCloseTo(objective.dot!(expectedGradient, direction), 10);
    movedGradient.forEach((g, p) => expect(g).toBeCloseTo(expectedGradient[p], 10));
  });

  it('reaches the primal optimum', () => {
    const tolerance = 1e-8 * primal.gradientScale;
    const options = { gradientTolerance: tolerance, maxIterations: 2000 };
    const kernelResult = minimize(softmaxObjective(kernel, 0.05), new Float64Array(2 * 3 * 9 + 3), options);
    const primalResult = minimize(softmaxObjective(primal, 0.05), new Float64Array(parameterCount(3, 12)), options);
    expect(kernelResult.converged).toBe(true);
    const weights = primalParams(kernelResult.x, dataset);
    const gradient = new Float64Array(weights.length);
    softmaxObjective(primal, 0.05).evaluate(weights, gradient);
    expect(Math.hypot(...gradient)).toBeLessThanOrEqual(1e-6 * primal.gradientScale);
    weights.forEach((w, p) => expect(w).toBeCloseTo(primalResult.x[p], 4));
  });
});

describe('minimize', () => {
  it('reaches a point where the gradient vanishes', () => {
    const objective = softmaxObjective(problem, 0.05);
    const result = minimize(objective, new Float64Array(size), {
      gradientTolerance: 1e-9 * problem.gradientScale,
      maxIterations: 2000,
    });
    expect(result.converged).toBe(true);
    const gradient = new Float64Array(size);
    objective.evaluate(result.x, gradient);
    expect(Math.hypot(...gradient)).toBeLessThanOrEqual(1e-9 * problem.gradientScale);
    // The unpenalised bias gradient sums to zero, so the biases keep summing to zero from a zero start.
    expect(result.x[15] + result.x[16] + result.x[17]).toBeCloseTo(0, 10);
  });

  it('minimises a badly scaled quadratic exactly', () => {
    const scales = [1, 10, 100, 1000];
    const quadratic = (x: Float64Array, gradient?: Float64Array) => {
      let value = 0;
      x.forEach((xi, i) => {
        if (gradient) gradient[i] = scales[i] * (xi - 1);
        value += 0.5 * scales[i] * (xi - 1) ** 2;
      });
      return value;
    };
    const current = new Float64Array(4);
    const objective: Objective = {
      evaluate(x, gradient) {
        current.set(x);
        return quadratic(current, gradient);
      },
      line(direction) {
        const moved = (alpha: number) => current.map((xi, i) => xi + alpha * direction[i]);
        return {
          at(alpha) {
            const slope = moved(alpha).reduce((sum, xi, i) => sum + scales[i] * (xi - 1) * direction[i], 0);
            return { value: quadratic(moved(alpha)), slope };
          },
          moveTo(alpha, gradient) {
            current.set(moved(alpha));
            return quadratic(current, gradient);
          },
        };
      },
    };
    const result = minimize(objective, new Float64Array(4), { gradientTolerance: 1e-12, maxIterations: 200 });
    expect(result.converged).toBe(true);
    for (const xi of result.x) expect(xi).toBeCloseTo(1, 10);
  });

  it('asks whether to go on before every pass over the photos, the first gradient included', () => {
    // A pass: the first gradient (evaluate), a line's direction logits (line), the new gradient (moveTo).
    const inner = softmaxObjective(problem, 0.05);
    const calls: string[] = [];
    const objective: Objective = {
      ...inner,
      evaluate(x, gradient) {
        calls.push('pass');
        return inner.evaluate(x, gradient);
      },
      line(direction) {
        calls.push('pass');
        const line = inner.line(direction);
        return {
          at: (alpha) => line.at(alpha),
          moveTo(alpha, gradient) {
            calls.push('pass');
            return line.moveTo(alpha, gradient);
          },
        };
      },
    };
    const result = minimize(objective, new Float64Array(size), {
      gradientTolerance: 1e-9 * problem.gradientScale,
      maxIterations: 2000,
      interrupt: () => calls.push('asked'),
    });
    expect(result.iterations).toBeGreaterThan(2);
    expect(calls.filter((call) => call === 'pass')).toHaveLength(1 + 2 * result.iterations);
    calls.forEach((call, i) => {
      if (call === 'pass') expect(calls[i - 1]).toBe('asked');
    });

    // And stops at once when told to.
    let passes = 0;
    const stop = new Error('replaced');
    const counting: Objective = { ...inner, evaluate: (x, gradient) => (passes++, inner.evaluate(x, gradient)) };
    expect(() =>
      minimize(counting, new Float64Array(size), {
        gradientTolerance: 0,
        maxIterations: 10,
        interrupt: () => {
          throw stop;
        },
      }),
    ).toThrow(stop);
    expect(passes).toBe(0);
  });
});

describe('centredProblem', () => {
  it('gives the very numbers of packing the photos, centring, then softmaxProblem', () => {
    // Unequal classes in no order, and more dimensions than photos.
    const mixed = gaussianClusters([5, 2, 4], 7, 0.9, 8);
    const order = [3, 9, 0, 6, 1, 10, 4, 7, 2, 8, 5];
    const data = { ...mixed, embeddings: order.map((i) => mixed.embeddings[i]), labels: order.map((i) => mixed.labels[i]) };
    const centred = centreDataset(prepareDataset(data));
    const fused = centredProblem(preparePhotos(data));
    expect(fused.centred).toEqual(centred);
    expect(fused.problem).toEqual(softmaxProblem(centred));
  });
});
