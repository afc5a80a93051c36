/**
 * A smooth function explored from a current point. Separating the cheap question "how does f
 * change along this line?" from the expensive gradient lets the softmax objective answer the
 * line search from logits alone, so each iteration costs one gradient however many trial steps
 * the line search takes.
 */
export interface Objective {
  /** Makes `x` the current point; returns f(x) and writes ∇f(x) into `gradient`. */
  evaluate(x: Float64Array, gradient: Float64Array): number;
  /** The line from the current point along `direction`. */
  line(direction: Float64Array): Line;
  /**
   * The inner product the gradient is taken in (Euclidean if absent): vectors may be coordinates
   * in a basis that is not orthonormal, as long as `evaluate` writes the matching gradient.
   */
  dot?(a: Float64Array, b: Float64Array): number;
  /**
   * A diagonal estimate of the inverse Hessian: the first step is a Newton step for it, and later
   * steps keep its proportions between coordinates (rescaled to the curvature measured). It only
   * changes the path to the optimum, never the optimum.
   */
  inverseCurvature?: Float64Array;
}

export interface Line {
  /** φ(α) = f(current + α·direction) and its derivative φ'(α). */
  at(alpha: number): { value: number; slope: number };
  /** Makes current + α·direction the current point; returns f there and writes the gradient. */
  moveTo(alpha: number, gradient: Float64Array): number;
}

export interface MinimizeOptions {
  /** Stop once the norm of the gradient (in the objective's inner product) is at most this… */
  gradientTolerance: number;
  /** …and, if given, this holds too. */
  converged?: (x: Float64Array, gradientNorm: number) => boolean;
  maxIterations: number;
  /**
   * Called before each pass over the data (the first gradient, and each iteration's two: the
   * direction's logits and the new gradient); it may throw to abandon the minimisation (a newer
   * request came). At thousands of photos one pass takes about a tenth of a second.
   */
  interrupt?: () => void;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  gradientNorm: number;
  iterations: number;
  converged: boolean;
}

const MEMORY = 10;
// Standard strong Wolfe constants for quasi-Newton methods (Nocedal & Wright, ch. 3).
const SUFFICIENT_DECREASE = 1e-4;
const CURVATURE = 0.9;
const MAX_LINE_SEARCH_TRIALS = 25;
/** Relative rounding error of a value of f, a sum of many terms, with a wide margin. */
const ROUNDING = 1e-12;

function euclidean(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/**
 * Work arrays of `sparesSize` elements left by the last call of minimize, for the next one of the
 * same size: a fit solves the same folds at several penalties, and allocating (and zeroing) some
 * two dozen arrays for each solve cost more than their reuse. Each is written before it is read.
 */
const spares: Float64Array[] = [];
let sparesSize = -1;

function workArray(size: number): Float64Array {
  return (size === sparesSize && spares.pop()) || new Float64Array(size);
}

/**
 * Limited-memory BFGS with a strong Wolfe line search. Deterministic: no randomness, and the
 * arithmetic happens in a fixed order, so equal inputs give bit-identical results.
 */
export function minimize(objective: Objective, start: Float64Array, options: MinimizeOptions): MinimizeResult {
  const size = start.length;
  const dot = objective.dot ?? euclidean;
  const scaling = objective.inverseCurvature;
  const x = Float64Array.from(start);
  options.interrupt?.();
  let gradient = workArray(size);
  let nextGradient = workArray(size);
  let value = objective.evaluate(x, gradient);
  let gradientNorm = Math.sqrt(Math.max(0, dot(gradient, gradient)));
  const scaledChange = scaling && workArray(size);

  const steps: Float64Array[] = [];
  const gradientChanges: Float64Array[] = [];
  const inverseCurvatures: number[] = [];
  const direction = workArray(size);
  const alphas = new Float64Array(MEMORY);
  let spareStep: Float64Array = workArray(size);
  let spareChange: Float64Array = workArray(size);

  const converged = () => gradientNorm <= options.gradientTolerance && (!options.converged || options.converged(x, gradientNorm));
  let iterations = 0;
  while (!converged() && iterations < options.maxIterations) {
    options.interrupt?.();
    // Two-loop recursion: direction = -H·gradient with H the L-BFGS inverse Hessian estimate.
    for (let i = 0; i < size; i++) direction[i] = -gradient[i];
    for (let m = steps.length - 1; m >= 0; m--) {
      const alphaM = inverseCurvatures[m] * dot(steps[m], direction);
      alphas[m] = alphaM;
      const change = gradientChanges[m];
      for (let i = 0; i < size; i++) direction[i] -= alphaM * change[i];
    }
    // The initial inverse Hessian: `scaling` (or the identity) times the factor that matches the
    // curvature measured by the latest step (Nocedal & Wright, eq. 7.20).
    let initialStep = 1;
    if (steps.length > 0) {
      const last = steps.length - 1;
      const change = gradientChanges[last];
      let changeSquared: number;
      if (scaledChange) {
        for (let i = 0; i < size; i++) scaledChange[i] = scaling[i] * change[i];
        changeSquared = dot(change, scaledChange);
      } else {
        changeSquared = dot(change, change);
      }
      const scale = dot(steps[last], change) / changeSquared;
      if (scaling) {
        for (let i = 0; i < size; i++) direction[i] *= scale * scaling[i];
      } else {
        for (let i = 0; i < size; i++) direction[i] *= scale;
      }
    } else if (scaling) {
      // A Newton step for the curvature `scaling` describes.
      for (let i = 0; i < size; i++) direction[i] *= scaling[i];
    } else {
      // Without curvature information, a first step of unit length is as good a guess as any.
      initialStep = 1 / gradientNorm;
    }
    for (let m = 0; m < steps.length; m++) {
      const beta = inverseCurvatures[m] * dot(gradientChanges[m], direction);
      const step = steps[m];
      const factor = alphas[m] - beta;
      for (let i = 0; i < size; i++) direction[i] += factor * step[i];
    }

    const slope = dot(gradient, direction);
    if (!(slope < 0)) break;
    const line = objective.line(direction);
    const alpha = lineSearch(line, value, slope, initialStep);
    if (alpha === undefined) break;
    options.interrupt?.();
    iterations++;
    value = line.moveTo(alpha, nextGradient);

    const step = spareStep;
    const gradientChange = spareChange;
    for (let i = 0; i < size; i++) {
      const stepI = alpha * direction[i];
      step[i] = stepI;
      x[i] += stepI;
      gradientChange[i] = nextGradient[i] - gradient[i];
    }
    [gradient, nextGradient] = [nextGradient, gradient];
    gradientNorm = Math.sqrt(Math.max(0, dot(gradient, gradient)));

    const curvature = dot(step, gradientChange);
    // A pair without positive curvature would make the inverse Hessian estimate indefinite.
    if (curvature > 1e-12 * Math.sqrt(dot(step, step) * dot(gradientChange, gradientChange))) {
      // The oldest pair is forgotten, and its arrays hold the next one.
      const full = steps.length === MEMORY;
      spareStep = full ? steps.shift()! : workArray(size);
      spareChange = full ? gradientChanges.shift()! : workArray(size);
      if (full) inverseCurvatures.shift();
      steps.push(step);
      gradientChanges.push(gradientChange);
      inverseCurvatures.push(1 / curvature);
    }
  }
  const result = { x, value, gradientNorm, iterations, converged: converged() };
  if (size !== sparesSize) {
    spares.length = 0;
    sparesSize = size;
  }
  spares.push(gradient, nextGradient, direction, spareStep, spareChange, ...steps, ...gradientChanges);
  if (scaledChange) spares.push(scaledChange);
  return result;
}

interface Trial {
  alpha: number;
  value: number;
  slope: number;
}

/**
 * A step length satisfying the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5 and
 * 3.6), or undefined when rounding leaves no progress to make.
 */
function lineSearch(line: Line, value: number, slope: number, initialStep: number): number | undefined {
  if (-slope * initialStep < ROUNDING * Math.abs(value)) return slopeSearch(line, slope, initialStep);
  let trials = 0;
  const tryStep = (alpha: number): Trial => {
    trials++;
    return { alpha, ...line.at(alpha) };
  };
  const decreasesEnough = (trial: Trial) => trial.value <= value + SUFFICIENT_DECREASE * trial.alpha * slope;
  const flatEnough = (trial: Trial) => Math.abs(trial.slope) <= -CURVATURE * slope;

  const zoom = (low: Trial, high: Trial): number | undefined => {
    while (trials < MAX_LINE_SEARCH_TRIALS) {
      const alpha = interpolate(low, high);
      if (alpha === low.alpha || alpha === high.alpha) break;
      const trial = tryStep(alpha);
      if (!decreasesEnough(trial) || trial.value >= low.value) {
        high = trial;
      } else {
        if (flatEnough(trial)) return alpha;
        if (trial.slope * (high.alpha - low.alpha) >= 0) high = low;
        low = trial;
      }
    }
    // Near the optimum rounding can stall the bracket; a step that still decreases is worth taking.
    return low.alpha > 0 ? low.alpha : undefined;
  };

  let previous: Trial = { alpha: 0, value, slope };
  let alpha = initialStep;
  while (trials < MAX_LINE_SEARCH_TRIALS) {
    const trial = tryStep(alpha);
    if (!decreasesEnough(trial) || (trials > 1 && trial.value >= previous.value)) return zoom(previous, trial);
    if (flatEnough(trial)) return alpha;
    if (trial.slope >= 0) return zoom(trial, previous);
    previous = trial;
    alpha *= 2;
  }
  return undefined;
}

/**
 * A step where the slope has flattened as the strong Wolfe conditions ask, found from slopes
 * alone: for when the decrease to expect is smaller than the rounding error of f, so that values
 * can no longer be compared (the idea of Hager & Zhang's approximate Wolfe conditions). Brackets
 * the slope's sign change, then narrows by secant steps.
 */
function slopeSearch(line: Line, slope: number, initialStep: number): number | undefined {
  let low = { alpha: 0, slope };
  let high: { alpha: number; slope: number } | undefined;
  let alpha = initialStep;
  for (let trials = 0; trials < MAX_LINE_SEARCH_TRIALS; trials++) {
    const trial = { alpha, slope: line.at(alpha).slope };
    if (Math.abs(trial.slope) <= -CURVATURE * slope) return alpha;
    if (trial.slope < 0) low = trial;
    else high = trial;
    if (!high) {
      alpha *= 2;
      continue;
    }
    const width = high.alpha - low.alpha;
    const secant = low.alpha - (low.slope * width) / (high.slope - low.slope);
    alpha = Math.min(Math.max(secant, low.alpha + 0.1 * width), low.alpha + 0.9 * width);
  }
  return low.alpha > 0 ? low.alpha : undefined;
}

/**
 * Minimiser of the cubic matching both end points' values and slopes, kept away from the ends so
 * that the bracket keeps shrinking; falls back to bisection when the cubic has no minimum inside.
 */
function interpolate(a: Trial, b: Trial): number {
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.alpha - b.alpha);
  const discriminant = d1 * d1 - a.slope * b.slope;
  const lower = Math.min(a.alpha, b.alpha);
  const width = Math.abs(b.alpha - a.alpha);
  const midpoint = lower + width / 2;
  if (!(discriminant >= 0)) return midpoint;
  const d2 = Math.sign(b.alpha - a.alpha) * Math.sqrt(discriminant);
  const alpha = b.alpha - ((b.alpha - a.alpha) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  if (!Number.isFinite(alpha)) return midpoint;
  return Math.min(Math.max(alpha, lower + 0.1 * width), lower + 0.9 * width);
}
