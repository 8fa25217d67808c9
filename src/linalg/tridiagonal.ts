/**
 * Householder reduction of a symmetric matrix to tridiagonal form, A = Q T Qᵀ
 * (Golub & Van Loan, 4th ed., Algorithm 8.3.1); reflectors.ts applies Q. Internal to
 * linalg/: eigen.ts is the public entry point.
 *
 * Written for row-major storage and memory bandwidth, the bottleneck at n in the
 * thousands: only the upper triangle is stored and updated, and each step streams over its
 * trailing block exactly once, fusing the rank-2 update of step k with the matrix–vector
 * product that step k+1 needs (the reuse LAPACK's blocked dsytrd gets from dlatrd).
 */
import type { Matrix } from './matrix.ts';
import { multiplyByPowerOfTwo, normalizingExponent } from './scaling.ts';

/** The output of `tridiagonalize`: T's diagonal and off-diagonal, and Q in factored form. */
export interface Tridiagonalization {
  /** T = 2^exponent · Qᵀ A Q: the power of two brings max|A| near 1, so nothing overflows. */
  exponent: number;
  /** T's diagonal, length n. */
  diagonal: Float64Array;
  /** T's off-diagonal: `offDiagonal[i]` = T(i, i+1); the last entry is 0. Length n. */
  offDiagonal: Float64Array;
  /** Row k, columns k+1…n−1, holds the Householder vector v_k of H_k = I − β_k v_k v_kᵀ. */
  reflectors: Float64Array;
  /** β_k for each reflector (0 where the column was already reduced). */
  betas: Float64Array;
}

/**
 * Reduces symmetric A (its lower triangle is read) to tridiagonal T = 2^exponent·Qᵀ A Q,
 * Q = H_0 H_1 ⋯ H_{n−3}. Scaling by a power of two is exact and keeps squares and
 * products of entries within range (as LAPACK dsyev scales by the norm).
 * @example tridiagonalize(fromRows([[2, 1], [1, 2]])).offDiagonal // Float64Array [0.5, 0], as T = 2^−1·A here
 */
export function tridiagonalize(matrix: Matrix): Tridiagonalization {
  const n = matrix.rows;
  let largest = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) largest = Math.max(largest, Math.abs(matrix.data[i * n + j]));
  }
  const exponent = normalizingExponent(largest);
  // Work on the upper triangle of a copy, row by row; fill it from the lower triangle.
  const work = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) work[i * n + j] = multiplyByPowerOfTwo(matrix.data[j * n + i], exponent);
  }
  const betas = new Float64Array(n);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  let reflector = new Float64Array(n); // v_k, indexed globally: entries k+1…n−1
  let product = new Float64Array(n); // p_k = B v_k for the current trailing block B
  let nextReflector = new Float64Array(n);
  let nextProduct = new Float64Array(n);
  const update = new Float64Array(n); // w_k of the rank-2 update B ← B − v wᵀ − w vᵀ

  if (n >= 3) {
    betas[0] = makeReflector(work, n, 0, reflector, offDiagonal);
    symmetricProduct(work, n, 1, reflector, product);
  }
  for (let k = 0; k + 2 < n; k++) {
    const beta = betas[k];
    // w = β p − (β² pᵀv / 2) v, so that H B H = B − v wᵀ − w vᵀ (Golub & Van Loan eq. 8.3.2).
    let dot = 0;
    for (let j = k + 1; j < n; j++) dot += product[j] * reflector[j];
    const correction = 0.5 * beta * beta * dot;
    for (let j = k + 1; j < n; j++) update[j] = beta * product[j] - correction * reflector[j];

    // Row k+1 is updated first because it alone determines the next reflector; the
    // remaining rows are then updated in the same pass that multiplies by that reflector.
    const first = k + 1;
    rankTwoUpdateRow(work, n, first, reflector, update);
    if (first + 2 < n) {
      betas[first] = makeReflector(work, n, first, nextReflector, offDiagonal);
      nextProduct.fill(0);
      updateAndMultiply(work, n, first + 1, reflector, update, nextReflector, nextProduct);
      [reflector, nextReflector] = [nextReflector, reflector];
      [product, nextProduct] = [nextProduct, product];
    } else {
      for (let i = first + 1; i < n; i++) rankTwoUpdateRow(work, n, i, reflector, update);
    }
  }

  for (let i = 0; i < n; i++) diagonal[i] = work[i * n + i];
  // The last off-diagonal entry needs no reflection: it is whatever the updates left there.
  if (n >= 2) offDiagonal[n - 2] = work[(n - 2) * n + n - 1];
  return { exponent, diagonal, offDiagonal, reflectors: work, betas };
}

/** Below this (for max|A| near 1) a column to annihilate is set to zero instead. */
const NEGLIGIBLE_COLUMN = 2 ** -900;

/**
 * Overwrites row k's entries k+1…n−1 (the vector x to annihilate below its first entry)
 * with v such that (I − β v vᵀ) x = α e_1, α = −sign(x_0)‖x‖, and returns β
 * (Golub & Van Loan Algorithm 5.1.1: v ∝ x − α e_1, whose first entry x_0 − α involves
 * no cancellation). α, the new off-diagonal entry T(k, k+1), goes to offDiagonal[k].
 */
function makeReflector(
  work: Float64Array,
  n: number,
  k: number,
  reflector: Float64Array,
  offDiagonal: Float64Array,
): number {
  const rowOffset = k * n;
  // Divide by the largest entry so the sum of squares cannot overflow or underflow.
  let largest = 0;
  for (let j = k + 1; j < n; j++) largest = Math.max(largest, Math.abs(work[rowOffset + j]));
  reflector.fill(0);
  offDiagonal[k] = 0;
  // With max|A| scaled near 1, a column this small is already reduced for all purposes;
  // dropping it moves A by far less than rounding does, whereas building a reflector from
  // subnormal entries would lose orthogonality to their missing significand bits.
  if (largest < NEGLIGIBLE_COLUMN) {
    work.fill(0, rowOffset + k + 1, rowOffset + n);
    return 0;
  }
  let sumOfSquares = 0;
  for (let j = k + 1; j < n; j++) {
    const ratio = work[rowOffset + j] / largest;
    sumOfSquares += ratio * ratio;
  }
  const norm = largest * Math.sqrt(sumOfSquares);
  const head = work[rowOffset + k + 1];
  const alpha = head >= 0 ? -norm : norm;
  offDiagonal[k] = alpha;
  // Normalize v to v_0 = 1 (as LAPACK dlarfg does): then |v_j| ≤ 1 and β = 2/vᵀv lies in
  // [1, 2], so neither overflows however small or large x is. Dividing, rather than
  // multiplying by 1/(x_0 − α), avoids overflow when x_0 − α is subnormal.
  const newHead = head - alpha;
  work[rowOffset + k + 1] = 1;
  for (let j = k + 2; j < n; j++) work[rowOffset + j] /= newHead;
  for (let j = k + 1; j < n; j++) reflector[j] = work[rowOffset + j];
  return (norm + Math.abs(head)) / norm;
}

/** product = B v for the symmetric block B = rows/columns ≥ first, stored as its upper triangle. */
function symmetricProduct(
  work: Float64Array,
  n: number,
  first: number,
  vector: Float64Array,
  product: Float64Array,
): void {
  product.fill(0);
  for (let i = first; i < n; i++) {
    const rowOffset = i * n;
    const vi = vector[i];
    let sum = work[rowOffset + i] * vi;
    for (let j = i + 1; j < n; j++) {
      const entry = work[rowOffset + j];
      sum += entry * vector[j];
      product[j] += entry * vi;
    }
    product[i] += sum;
  }
}

/**
 * For rows i ≥ first of the upper triangle, in one pass: apply the rank-2 update
 * B ← B − v wᵀ − w vᵀ, and accumulate nextProduct = B_new·nextVector using symmetry
 * (entry (i, j), j > i, also stands for entry (j, i)). Rows go in pairs so each load of
 * v_j, w_j, nextVector_j and nextProduct_j serves two matrix entries.
 */
function updateAndMultiply(
  work: Float64Array,
  n: number,
  first: number,
  vector: Float64Array,
  update: Float64Array,
  nextVector: Float64Array,
  nextProduct: Float64Array,
): void {
  let i = first;
  for (; i + 1 < n; i += 2) {
    const top = i * n;
    const bottom = top + n;
    const vTop = vector[i];
    const wTop = update[i];
    const nextTop = nextVector[i];
    const vBottom = vector[i + 1];
    const wBottom = update[i + 1];
    const nextBottom = nextVector[i + 1];
    // The three entries of the 2×2 diagonal block first, then both rows together.
    const diagonalTop = work[top + i] - 2 * vTop * wTop;
    const corner = work[top + i + 1] - vTop * wBottom - wTop * vBottom;
    const diagonalBottom = work[bottom + i + 1] - 2 * vBottom * wBottom;
    work[top + i] = diagonalTop;
    work[top + i + 1] = corner;
    work[bottom + i + 1] = diagonalBottom;
    let sumTop = diagonalTop * nextTop + corner * nextBottom;
    let sumBottom = diagonalBottom * nextBottom + corner * nextTop;
    for (let j = i + 2; j < n; j++) {
      const vj = vector[j];
      const wj = update[j];
      const nextJ = nextVector[j];
      const entryTop = work[top + j] - vTop * wj - wTop * vj;
      const entryBottom = work[bottom + j] - vBottom * wj - wBottom * vj;
      work[top + j] = entryTop;
      work[bottom + j] = entryBottom;
      sumTop += entryTop * nextJ;
      sumBottom += entryBottom * nextJ;
      nextProduct[j] += entryTop * nextTop + entryBottom * nextBottom;
    }
    nextProduct[i] += sumTop;
    nextProduct[i + 1] += sumBottom;
  }
  if (i < n) {
    // The last row alone holds only its diagonal entry.
    const entry = work[i * n + i] - 2 * vector[i] * update[i];
    work[i * n + i] = entry;
    nextProduct[i] += entry * nextVector[i];
  }
}

/** Row i (upper part, j ≥ i) ← row i − v_i wᵀ − w_i vᵀ. */
function rankTwoUpdateRow(
  work: Float64Array,
  n: number,
  i: number,
  reflector: Float64Array,
  update: Float64Array,
): void {
  const rowOffset = i * n;
  const vi = reflector[i];
  const wi = update[i];
  for (let j = i; j < n; j++) work[rowOffset + j] -= vi * update[j] + wi * reflector[j];
}
