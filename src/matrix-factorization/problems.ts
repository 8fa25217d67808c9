/**
 * The synthetic problems of deep-matrix-factorization (PAPERS.md §7), as the official code
 * generates them (`gen_gt.py`, `gen_obs.py`): a random low-rank ground truth scaled to
 * ‖W*‖_F = size (so its entries have unit mean square), observed entries drawn uniformly
 * without replacement (completion), or Gaussian measurements y_i = ⟨A_i, W*⟩ with A_i
 * entrywise N(0, 1/size²) (sensing, so y has unit mean square too).
 */
import * as la from '../linalg/index.ts';
import { Random, sampleWithoutReplacement } from '../data/index.ts';

/**
 * W* = UVᵀ with U, V size×rank standard normal, scaled to ‖W*‖_F = size.
 * @example lowRankTarget(100, 5, 0) // a rank-5 100×100 matrix with ‖W*‖_F = 100
 */
export function lowRankTarget(size: number, rank: number, seed: number): la.Matrix {
  if (!(Number.isInteger(rank) && rank >= 1 && rank <= size))
    throw new Error(`lowRankTarget: rank must be an integer in 1…${size}, got ${rank}`);
  const random = new Random(seed);
  const left = la.fromArray(
    size,
    rank,
    Float64Array.from({ length: size * rank }, () => random.normal()),
  );
  const right = la.fromArray(
    rank,
    size,
    Float64Array.from({ length: size * rank }, () => random.normal()),
  );
  const product = la.matmul(left, right);
  const norm = Math.sqrt(product.data.reduce((total, value) => total + value * value, 0));
  return { ...product, data: product.data.map((value) => (value * size) / norm) };
}

/** Observed entries of a matrix: flat row-major positions and their values. */
export interface Observations {
  indices: Int32Array;
  values: Float64Array;
}

/**
 * `count` entries of `target` chosen uniformly without replacement, in random order.
 * @example observeEntries(lowRankTarget(100, 5, 0), 2000, 1).indices.length // 2000
 */
export function observeEntries(target: la.Matrix, count: number, seed: number): Observations {
  const indices = sampleWithoutReplacement(target.rows * target.cols, count, new Random(seed));
  return { indices, values: Float64Array.from(indices, (index) => target.data[index]) };
}

/** Linear measurements: row i of `sensing` is vec(A_i) (row-major), measurements[i] = ⟨A_i, W*⟩. */
export interface Measurements {
  sensing: la.Matrix;
  measurements: Float64Array;
}

/**
 * `count` Gaussian measurements of `target` with A_i entrywise N(0, 1/size²), size = rows.
 * @example gaussianMeasurements(lowRankTarget(30, 3, 0), 200, 1).sensing.rows // 200
 */
export function gaussianMeasurements(target: la.Matrix, count: number, seed: number): Measurements {
  const random = new Random(seed);
  const scale = 1 / target.rows;
  const sensing = la.fromArray(
    count,
    target.rows * target.cols,
    Float64Array.from({ length: count * target.rows * target.cols }, () => random.normal() * scale),
  );
  return { sensing, measurements: la.matvec(sensing, target.data) };
}

/**
 * Mean squared difference over all entries: the official code's test error
 * (mean (W* − W)²), which equals ‖W − W*‖²_F/‖W*‖²_F for the targets above.
 * @example reconstructionError(la.zeros(2, 2), la.identity(2)) // 0.5
 */
export function reconstructionError(estimate: ArrayLike<number>, target: la.Matrix): number {
  if (estimate.length !== target.data.length)
    throw new Error(`reconstructionError: ${estimate.length} entries but the target has ${target.data.length}`);
  let total = 0;
  for (let i = 0; i < estimate.length; i++) total += (estimate[i] - target.data[i]) ** 2;
  return total / estimate.length;
}
