/**
 * C-SVC on a precomputed kernel along a path of costs, with warm starts: the dual
 *     min_α ½αᵀQα − Σα,  0 ≤ α_i ≤ C,  Σ y_i α_i = 0,  Q_ij = y_i y_j K_ij
 * is solved by SMO with the second-order working-set selection of Fan, Chen & Lin (2005),
 * as src/kernel-methods/svm.ts (libsvm's algorithm, stopping at a maximal KKT violation below
 * `tolerance`). Going up the C grid, each solve starts from the previous solution scaled by
 * C_new/C_old (still feasible: the box scales and yᵀα = 0 is kept), which cuts the iteration
 * count by orders of magnitude where the kernel is close to linear and C is large (the UCI
 * protocol's depth-1 NTK at C = 10⁴). Multiclass is one-vs-one with voting, ties to the
 * smaller class id, as libsvm and svm.ts. Unlike svm.ts it shrinks the active set as libsvm
 * does (see solveBinary). Kernels are n×n row-major Float64Arrays.
 */

/** A binary SVM solution: f(x) = Σ_i y_i α_i K(x, x_i) + bias. */
export interface BinarySolution {
  alpha: Float64Array;
  bias: number;
  /** ½αᵀQα − Σα at the solution. */
  objective: number;
  iterations: number;
  converged: boolean;
}

/** Below this the curvature K_ii + K_jj − 2K_ij is replaced (libsvm's TAU). */
const MINIMUM_CURVATURE = 1e-12;

/**
 * Solves the binary dual for one C, from `start` (feasible) or α = 0.
 * @example solveBinary(Float64Array.from([1, 0, 0, 1]), Float64Array.from([1, -1]), 10).bias // 0
 */
export function solveBinary(
  kernel: Float64Array,
  signs: Float64Array,
  cost: number,
  options: { tolerance?: number; maxIterations?: number; start?: Float64Array } = {},
): BinarySolution {
  const n = signs.length;
  if (kernel.length !== n * n) throw new Error(`solveBinary: kernel has ${kernel.length} entries, expected ${n}×${n}`);
  if (!(cost > 0) || !Number.isFinite(cost)) throw new Error(`solveBinary: cost must be finite and > 0, got ${cost}`);
  const { tolerance = 1e-3, maxIterations = Math.max(10_000_000, 100 * n), start } = options;
  const k = kernel;
  const alpha = start ? Float64Array.from(start, (a) => Math.min(cost, Math.max(0, a))) : new Float64Array(n);
  const gradient = new Float64Array(n).fill(-1);
  for (let s = 0; s < n; s++) {
    if (alpha[s] === 0) continue;
    for (let t = 0; t < n; t++) gradient[t] += signs[t] * signs[s] * alpha[s] * k[s * n + t];
  }
  const diagonal = Float64Array.from({ length: n }, (_, t) => k[t * n + t]);
  // Shrinking (libsvm's, Chang & Lin 2011 §5.1): every min(n, 1000) iterations, drop from the
  // active set the bounded α_t that cannot enter a working set (t only in I_up with
  // m_t < min_{I_low} m, or only in I_low with m_t > max_{I_up} m); their gradients go stale
  // and are rebuilt from α before the final optimality check over all points.
  const active = Int32Array.from({ length: n }, (_, t) => t);
  let activeCount = n;
  let countdown = Math.min(n, 1000);
  const inUp = (t: number) => (signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0);
  const inLow = (t: number) => (signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost);
  const unshrink = () => {
    const isActive = new Uint8Array(n);
    for (let a = 0; a < activeCount; a++) isActive[active[a]] = 1;
    for (let t = 0; t < n; t++) {
      if (isActive[t]) continue;
      let sum = -1;
      for (let s = 0; s < n; s++) if (alpha[s] !== 0) sum += signs[t] * signs[s] * alpha[s] * k[t * n + s];
      gradient[t] = sum;
    }
    for (let t = 0; t < n; t++) active[t] = t;
    activeCount = n;
  };
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    let i = -1;
    let largestUp = -Infinity;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (inUp(t) && -signs[t] * gradient[t] >= largestUp) {
        largestUp = -signs[t] * gradient[t];
        i = t;
      }
    }
    let j = -1;
    let smallestLow = Infinity;
    let bestGain = Infinity;
    const rowI = i * n;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (!inLow(t)) continue;
      const score = -signs[t] * gradient[t];
      if (score < smallestLow) smallestLow = score;
      const violation = largestUp - score;
      if (i >= 0 && violation > 0) {
        const curvature = diagonal[i] + diagonal[t] - 2 * k[rowI + t];
        const gain = (-violation * violation) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
        if (gain <= bestGain) {
          bestGain = gain;
          j = t;
        }
      }
    }
    if (j < 0 || largestUp - smallestLow < tolerance) {
      if (activeCount < n) {
        unshrink(); // optimal on the active set: check again over all points
        countdown = Math.min(n, 1000);
        continue;
      }
      converged = true;
      break;
    }
    if (--countdown === 0) {
      countdown = Math.min(n, 1000);
      let kept = 0;
      for (let a = 0; a < activeCount; a++) {
        const t = active[a];
        const score = -signs[t] * gradient[t];
        const up = inUp(t);
        const low = inLow(t);
        const removable = (up && !low && score < smallestLow) || (low && !up && score > largestUp);
        if (!removable) active[kept++] = t;
      }
      activeCount = kept;
    }
    iterations++;
    const rowJ = j * n;
    const curvature = diagonal[i] + diagonal[j] - 2 * k[rowI + j];
    const boundI = signs[i] > 0 ? cost - alpha[i] : alpha[i];
    const boundJ = signs[j] > 0 ? alpha[j] : cost - alpha[j];
    const newton = (largestUp + signs[j] * gradient[j]) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
    const step = Math.min(newton, boundI, boundJ);
    alpha[i] = step === boundI ? (signs[i] > 0 ? cost : 0) : alpha[i] + signs[i] * step;
    alpha[j] = step === boundJ ? (signs[j] > 0 ? 0 : cost) : alpha[j] - signs[j] * step;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      gradient[t] += signs[t] * step * (k[rowI + t] - k[rowJ + t]);
    }
  }
  if (activeCount < n) unshrink(); // the iteration cap was hit while shrunk: fresh gradients for the objective and bias
  let objective = 0;
  let freeSum = 0;
  let freeCount = 0;
  let upper = Infinity;
  let lower = -Infinity;
  for (let t = 0; t < n; t++) {
    objective += 0.5 * alpha[t] * (gradient[t] - 1);
    const score = -signs[t] * gradient[t];
    if (alpha[t] > 0 && alpha[t] < cost) {
      freeSum += score;
      freeCount++;
    }
    if (signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0) lower = Math.max(lower, score);
    if (signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost) upper = Math.min(upper, score);
  }
  const bias = freeCount > 0 ? freeSum / freeCount : (lower + upper) / 2;
  return { alpha, bias, objective, iterations, converged };
}

/** One-vs-one models along a C path, and per-C iteration statistics. */
export interface PathModel {
  cost: number;
  classes: number[];
  /** Per pair (a < b in `classes`): the training positions of the two classes and the solution. */
  pairs: { positive: number; negative: number; indices: Int32Array; signs: Float64Array; solution: BinarySolution }[];
  iterations: number;
  maxIterations: number;
  converged: boolean;
}

/**
 * One-vs-one SVMs for each C of `costs` (ascending), each binary solve warm-started from the
 * previous C's solution scaled by C_new/C_old. `kernel` is the n×n training kernel.
 * @example svmCostPath(Float64Array.from([1, 0, 0, 1]), [0, 1], [1, 10])[1].cost // 10
 */
export function svmCostPath(
  kernel: Float64Array,
  labels: ArrayLike<number>,
  costs: readonly number[],
  options: { tolerance?: number; maxIterations?: number } = {},
): PathModel[] {
  const n = labels.length;
  if (kernel.length !== n * n) throw new Error(`svmCostPath: kernel has ${kernel.length} entries, expected ${n}×${n}`);
  if (costs.some((cost, i) => !(cost > 0) || (i > 0 && cost <= costs[i - 1])))
    throw new Error(`svmCostPath: costs must be positive and increasing, got [${costs.join(', ')}]`);
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  if (classes.length < 2) throw new Error(`svmCostPath: need at least two classes, got ${classes.length}`);
  const problems: {
    positive: number;
    negative: number;
    indices: Int32Array;
    kernel: Float64Array;
    signs: Float64Array;
  }[] = [];
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      const members: number[] = [];
      for (let i = 0; i < n; i++) if (labels[i] === classes[a] || labels[i] === classes[b]) members.push(i);
      const m = members.length;
      const sub = new Float64Array(m * m);
      for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) sub[r * m + c] = kernel[members[r] * n + members[c]];
      const signs = Float64Array.from(members, (i) => (labels[i] === classes[a] ? 1 : -1));
      problems.push({
        positive: classes[a],
        negative: classes[b],
        indices: Int32Array.from(members),
        kernel: sub,
        signs,
      });
    }
  }
  const previous: (Float64Array | undefined)[] = problems.map(() => undefined);
  return costs.map((cost, c) => {
    const pairs = problems.map((problem, p) => {
      const last = previous[p];
      const start = last && Float64Array.from(last, (a) => (a * cost) / costs[c - 1]);
      const solution = solveBinary(problem.kernel, problem.signs, cost, { ...options, start });
      previous[p] = solution.alpha;
      const { positive, negative, indices, signs } = problem;
      return { positive, negative, indices, signs, solution };
    });
    const iterations = pairs.map((pair) => pair.solution.iterations);
    return {
      cost,
      classes,
      pairs,
      iterations: iterations.reduce((sum, value) => sum + value, 0),
      maxIterations: Math.max(...iterations),
      converged: pairs.every((pair) => pair.solution.converged),
    };
  });
}

/**
 * Class ids by one-vs-one voting for a t×n prediction kernel (rows: points, columns: all n
 * training points): each pair votes for its first class where Σ y_s α_s K + bias > 0.
 * @example predictPath(svmCostPath(Float64Array.from([1, 0, 0, 1]), [0, 1], [1])[0], Float64Array.from([1, 0]), 2) // [0]
 */
export function predictPath(model: PathModel, predictionKernel: Float64Array, trainingSize: number): Int32Array {
  if (predictionKernel.length % trainingSize !== 0)
    throw new Error(`predictPath: ${predictionKernel.length} kernel entries are not rows of ${trainingSize} columns`);
  const rows = predictionKernel.length / trainingSize;
  const classCount = model.classes.length;
  const votes = new Int32Array(rows * classCount);
  for (const pair of model.pairs) {
    const a = model.classes.indexOf(pair.positive);
    const b = model.classes.indexOf(pair.negative);
    const { alpha, bias } = pair.solution;
    const support: number[] = [];
    const weights: number[] = [];
    for (let s = 0; s < pair.indices.length; s++) {
      if (alpha[s] === 0) continue;
      support.push(pair.indices[s]);
      weights.push(alpha[s] * pair.signs[s]);
    }
    for (let r = 0; r < rows; r++) {
      let decision = bias;
      const offset = r * trainingSize;
      for (let s = 0; s < support.length; s++) decision += weights[s] * predictionKernel[offset + support[s]];
      votes[r * classCount + (decision > 0 ? a : b)]++;
    }
  }
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if (votes[r * classCount + c] > votes[r * classCount + best]) best = c;
    result[r] = model.classes[best];
  }
  return result;
}
