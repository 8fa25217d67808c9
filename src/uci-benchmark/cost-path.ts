/**
 * One-vs-one C-SVC on a precomputed kernel along a path of costs, with warm starts: each
 * binary dual is solved by the SMO of src/kernel-methods/smo.ts (libsvm's algorithm, stopping
 * at a maximal KKT violation below `tolerance`). Going up the C grid, each solve starts from the
 * previous solution scaled by C_new/C_old (still feasible: the box scales and yᵀα = 0 is kept),
 * which cuts the iteration count by orders of magnitude where C is large. Multiclass is
 * one-vs-one with voting, ties to the smaller class id, as libsvm. Kernels are n×n row-major
 * Float64Arrays; each pair's block is copied once and serves every C of the path.
 */
import { solveBinary, type BinarySolution } from '../kernel-methods/smo.ts';

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
      const start = last && last.map((a) => (a * cost) / costs[c - 1]);
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
 * Class ids by one-vs-one voting for a prediction kernel between t points and all n training
 * points: each pair votes for its first class where Σ y_s α_s K + bias > 0. The kernel is t×n
 * row-major, or n×t (training-major) with `trainingMajor`, the faster layout: each support point's
 * entries for all t points are then contiguous, so each pair's decisions accumulate in one
 * sequential sweep per support point (plant-* datasets: 4,950 pairs, most of the time here).
 * Both layouts add the terms in the same order, so they give identical votes.
 * @example predictPath(svmCostPath(Float64Array.from([1, 0, 0, 1]), [0, 1], [1])[0], Float64Array.from([1, 0]), 2) // [0]
 */
export function predictPath(
  model: PathModel,
  predictionKernel: Float64Array,
  trainingSize: number,
  options: { trainingMajor?: boolean } = {},
): Int32Array {
  if (predictionKernel.length % trainingSize !== 0)
    throw new Error(`predictPath: ${predictionKernel.length} kernel entries are not rows of ${trainingSize} columns`);
  const rows = predictionKernel.length / trainingSize;
  // stride between consecutive points (r) and consecutive training points (s)
  const [rowStride, supportStride] = options.trainingMajor ? [1, rows] : [trainingSize, 1];
  const classCount = model.classes.length;
  const votes = new Int32Array(rows * classCount);
  const decisions = new Float64Array(rows);
  for (const pair of model.pairs) {
    const a = model.classes.indexOf(pair.positive);
    const b = model.classes.indexOf(pair.negative);
    const { alpha, bias } = pair.solution;
    decisions.fill(bias);
    for (let s = 0; s < pair.indices.length; s++) {
      if (alpha[s] === 0) continue;
      const weight = alpha[s] * pair.signs[s];
      const offset = pair.indices[s] * supportStride;
      for (let r = 0; r < rows; r++) decisions[r] += weight * predictionKernel[offset + r * rowStride];
    }
    for (let r = 0; r < rows; r++) votes[r * classCount + (decisions[r] > 0 ? a : b)]++;
  }
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classCount; c++) if (votes[r * classCount + c] > votes[r * classCount + best]) best = c;
    result[r] = model.classes[best];
  }
  return result;
}
