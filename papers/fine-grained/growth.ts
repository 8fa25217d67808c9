/**
 * Abstract claim (iii), Theorem 6.1 of Arora et al. 2019 (§6): for targets y_i = α(βᵀx_i)^p with
 * p = 1 or p = 2l, the complexity √(yᵀ(H∞)⁻¹y) ≤ 3p|α|‖β‖^p for every n and any unit-norm inputs,
 * so such functions are learnable with a sample size independent of n (Corollary 6.2 extends it to
 * sums of such terms, e.g. the even Taylor series of cos); for random labels it grows with n.
 * The reason odd p ≥ 3 are excluded: H∞_ij = t/4 + t·arcsin(t)/(2π) in t = x_iᵀx_j has only t and
 * even powers in its Taylor series, so a degree-3 harmonic has no weight in its RKHS.
 *
 * Computed over nested samples from one factorization: the Cholesky factor of H∞ on the first n
 * points is the leading n×n block of the factor on all N, and the forward solve L z = y reads only
 * the first n rows for z_1 … z_n, so yᵀ(H∞_n)⁻¹y = Σ_{i ≤ n} z_i² for every n at once.
 */
import * as ad from '../../autodiff/index.ts';
import { Random, deriveSeed } from '../../src/data/index.ts';
import { cholesky, solveLowerTriangular, type Matrix } from '../../src/linalg/index.ts';
import type { Configuration } from './config.ts';
import { gramInfinity } from './gram.ts';

/** One target's complexity curve over n, for every seed. */
export interface GrowthTarget {
  name: string;
  /** Covered by Theorem 6.1 (p = 1 or even p; cos through Corollary 6.2's series). */
  covered: boolean;
  /** √(yᵀ(H∞_n)⁻¹y) [seed][size], targets scaled to unit root-mean-square over the N points. */
  complexity: number[][];
  /** Theorem 6.1's bound 3p‖β‖^p in the same scaling, per seed; null where the theorem gives none here. */
  bound: number[] | null;
}

/** The Theorem 6.1 experiment: sizes n and one curve per target. */
export interface GrowthResult {
  dimension: number;
  sizes: number[];
  targets: GrowthTarget[];
  seconds: number;
}

/**
 * `count` points uniform on the unit sphere of R^dimension, rows of a float64 tensor.
 * @example sphereInputs(100, 10, 0).shape // [100, 10]
 */
export function sphereInputs(count: number, dimension: number, seed: number): ad.Tensor {
  const rng = new Random(seed);
  const data = new Float64Array(count * dimension);
  for (let i = 0; i < count; i++) {
    const row = data.subarray(i * dimension, (i + 1) * dimension);
    for (let j = 0; j < dimension; j++) row[j] = rng.normal();
    const norm = Math.hypot(...row);
    for (let j = 0; j < dimension; j++) row[j] /= norm;
  }
  return ad.tensor(data, { shape: [count, dimension], dtype: 'float64' });
}

/**
 * Theorem 6.1's bound 3p|α|‖β‖^p on √(yᵀ(H∞)⁻¹y) for y = α(βᵀx)^p; only p = 1 and even p are covered.
 * @example theoremBound(2, 1) // 6
 */
export function theoremBound(power: number, betaNorm: number, alpha = 1): number {
  if (!(power === 1 || (Number.isInteger(power) && power >= 2 && power % 2 === 0)))
    throw new Error(`theoremBound: Theorem 6.1 covers p = 1 and even p ≥ 2, got p = ${power}`);
  return 3 * power * Math.abs(alpha) * betaNorm ** power;
}

/**
 * √(yᵀ(H∞_n)⁻¹y) at each n of `sizes` for the first n entries of `labels`, from the Cholesky
 * factor of H∞ on all of them (see the module comment).
 * @example complexityCurve(cholesky(gramInfinity(x)), y, [10, 20])
 */
export function complexityCurve(factor: Matrix, labels: ArrayLike<number>, sizes: readonly number[]): number[] {
  if (labels.length !== factor.rows)
    throw new Error(`complexityCurve: ${labels.length} labels for a ${factor.rows}×${factor.rows} factor`);
  const solved = solveLowerTriangular(factor, labels);
  const cumulative = new Float64Array(solved.length + 1);
  solved.forEach((value, i) => (cumulative[i + 1] = cumulative[i] + value * value));
  return sizes.map((n) => {
    if (!Number.isInteger(n) || n < 1 || n > solved.length)
      throw new Error(`complexityCurve: size ${n} outside 1 … ${solved.length}`);
    return Math.sqrt(cumulative[n]);
  });
}

/**
 * √(yᵀ(H∞)⁻¹y) for inputs X [n, d] (unit rows) and labels y.
 * @example complexityOf(sphereInputs(50, 5, 0), labels)
 */
export function complexityOf(inputs: ad.Tensor, labels: ArrayLike<number>): number {
  return complexityCurve(cholesky(gramInfinity(inputs)), labels, [inputs.shape[0]])[0];
}

const rootMeanSquare = (values: ArrayLike<number>) =>
  Math.sqrt(Array.from(values).reduce((sum, value) => sum + value * value, 0) / values.length);

/**
 * The complexity of (βᵀx)^p for each p of `config.powers`, of cos(βᵀx) and of random ±1 labels on
 * nested samples of unit inputs uniform on the sphere, ‖β‖ = 1 (a random direction per seed).
 * @example runGrowth(configuration(true).growth, 0).targets.map((target) => target.name)
 */
export function runGrowth(config: Configuration['growth'], seed: number): GrowthResult {
  const start = performance.now();
  const { dimension, sizes, seeds, powers } = config;
  const count = Math.max(...sizes);
  const names = [...powers.map((p) => `(βᵀx)^${p}`), 'cos(βᵀx)', 'random ±1'];
  const targets: GrowthTarget[] = names.map((name, k) => ({
    name,
    covered: k < powers.length ? powers[k] === 1 || powers[k] % 2 === 0 : k === powers.length,
    complexity: [],
    bound: k < powers.length && (powers[k] === 1 || powers[k] % 2 === 0) ? [] : null,
  }));
  for (let s = 0; s < seeds; s++) {
    const inputs = sphereInputs(count, dimension, deriveSeed(seed, 100 + s));
    const direction = Float64Array.from(sphereInputs(1, dimension, deriveSeed(seed, 200 + s)).data);
    const factor = cholesky(gramInfinity(inputs));
    const x = inputs.data;
    const projections = Float64Array.from({ length: count }, (_, i) =>
      direction.reduce((sum, b, j) => sum + b * x[i * dimension + j], 0),
    );
    const rng = new Random(deriveSeed(seed, 300 + s));
    const labels = [
      ...powers.map((p) => projections.map((t) => t ** p)),
      projections.map(Math.cos),
      Float64Array.from({ length: count }, () => (rng.uniform() < 0.5 ? 1 : -1)),
    ];
    labels.forEach((y, k) => {
      const scale = rootMeanSquare(y);
      targets[k].complexity.push(
        complexityCurve(
          factor,
          y.map((value) => value / scale),
          sizes,
        ),
      );
      targets[k].bound?.push(theoremBound(powers[k], 1) / scale);
    });
  }
  return { dimension, sizes: [...sizes], targets, seconds: (performance.now() - start) / 1000 };
}
