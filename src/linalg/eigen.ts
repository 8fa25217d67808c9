/**
 * Symmetric eigendecomposition A = V diag(λ) Vᵀ in two stages:
 *   1. Householder tridiagonalization A = Q T Qᵀ (tridiagonal.ts; Golub & Van Loan §8.3.1);
 *   2. the implicit QL algorithm with Wilkinson shifts on T (Bowdler, Martin, Reinsch &
 *      Wilkinson 1968, EISPACK tql2; Golub & Van Loan §8.3.3–8.3.5), whose plane rotations
 *      are accumulated into Qᵀ.
 * The eigenvectors are kept transposed while the rotations are applied (one eigenvector per
 * row), so each rotation combines two contiguous rows; they are batched and replayed over
 * column strips that fit in cache (rotations.ts).
 */
import { assertFinite, assertSquare, zeros, type Matrix } from './matrix.ts';
import { RotationBatch } from './rotations.ts';
import { multiplyByPowerOfTwo } from './scaling.ts';
import { multiplyByTransposedQ } from './reflectors.ts';
import { tridiagonalize } from './tridiagonal.ts';

/** Eigenvalues ascending; `vectors` holds the matching unit eigenvectors as its columns. */
export interface SymmetricEigen {
  /** λ_0 ≤ λ_1 ≤ … ≤ λ_{n−1}. */
  values: Float64Array;
  /** n×n orthogonal V, column c (entries V(r, c), r = 0…n−1) is the eigenvector of λ_c. */
  vectors: Matrix;
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns of `vectors`) of a symmetric matrix;
 * only the lower triangle is read, as in LAPACK's dsyev with uplo = 'L'. Each eigenvector's
 * sign is arbitrary, and for a repeated eigenvalue any orthonormal basis of its eigenspace
 * may come back. Errors are of order nε‖A‖ (normwise backward stable).
 * @example symmetricEigen(fromRows([[2, 1], [1, 2]])).values // ≈ [1, 3]
 */
export function symmetricEigen(matrix: Matrix): SymmetricEigen {
  validate('symmetricEigen', matrix);
  const n = matrix.rows;
  const tridiagonal = tridiagonalize(matrix);
  const transposedVectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) transposedVectors[i * n + i] = 1;
  multiplyByTransposedQ(tridiagonal, transposedVectors, true);
  const { diagonal, offDiagonal, exponent } = tridiagonal;
  tridiagonalQL('symmetricEigen', diagonal, offDiagonal, new RotationBatch(transposedVectors, n));
  const order = ascendingOrder(diagonal);
  const values = Float64Array.from(order, (index) => multiplyByPowerOfTwo(diagonal[index], -exponent));
  // vectors(r, c) = transposedVectors(order[c], r): transpose in tiles to stay in cache.
  const vectors = zeros(n, n);
  const tile = 32;
  for (let c0 = 0; c0 < n; c0 += tile) {
    const cEnd = Math.min(c0 + tile, n);
    for (let r0 = 0; r0 < n; r0 += tile) {
      const rEnd = Math.min(r0 + tile, n);
      for (let c = c0; c < cEnd; c++) {
        const sourceRow = order[c] * n;
        for (let r = r0; r < rEnd; r++) vectors.data[r * n + c] = transposedVectors[sourceRow + r];
      }
    }
  }
  return { values, vectors };
}

/**
 * Eigenvalues only, ascending: skips forming Q and the rotations, so it costs about
 * (4/3)n³ flops instead of roughly 9n³.
 * @example symmetricEigenvalues(fromRows([[2, 0], [0, 1]])) // Float64Array [1, 2]
 */
export function symmetricEigenvalues(matrix: Matrix): Float64Array {
  validate('symmetricEigenvalues', matrix);
  const { diagonal, offDiagonal, exponent } = tridiagonalize(matrix);
  tridiagonalQL('symmetricEigenvalues', diagonal, offDiagonal, null);
  return diagonal.map((value) => multiplyByPowerOfTwo(value, -exponent)).sort();
}

function validate(functionName: string, matrix: Matrix): void {
  assertSquare(functionName, 'matrix', matrix);
  assertFinite(functionName, 'matrix', matrix);
}

/** Iterations allowed per eigenvalue; EISPACK allows 30, and 2–3 is typical. */
const MAX_ITERATIONS_PER_EIGENVALUE = 60;

/**
 * Implicit QL with Wilkinson shifts on the symmetric tridiagonal T (`diagonal`,
 * `offDiagonal[i]` = T(i, i+1)), in place: on return `diagonal` holds the eigenvalues,
 * unsorted. Each sweep chases the bulge upwards from the bottom of the unreduced block
 * [l, m] with plane rotations; an off-diagonal entry below ε‖T‖ is treated as zero
 * (the absolute criterion of EISPACK tql2), which bounds the error by ε‖T‖.
 */
function tridiagonalQL(
  functionName: string,
  diagonal: Float64Array,
  offDiagonal: Float64Array,
  rotations: RotationBatch | null,
): void {
  const n = diagonal.length;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const left = i > 0 ? Math.abs(offDiagonal[i - 1]) : 0;
    norm = Math.max(norm, Math.abs(diagonal[i]) + Math.abs(offDiagonal[i]) + left);
  }
  const threshold = Number.EPSILON * norm;
  if (n > 0) offDiagonal[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    for (let iteration = 0; ; iteration++) {
      let m = l;
      while (m < n - 1 && Math.abs(offDiagonal[m]) > threshold) m++;
      if (m === l) break;
      if (iteration >= MAX_ITERATIONS_PER_EIGENVALUE) {
        throw new Error(`${functionName}: the QL iteration did not converge for eigenvalue ${l} of ${n}`);
      }
      // Wilkinson shift: the eigenvalue of T's leading 2×2 block [l, l+1] nearer d_l.
      let g = (diagonal[l + 1] - diagonal[l]) / (2 * offDiagonal[l]);
      let r = hypotenuse(g, 1);
      g = diagonal[m] - diagonal[l] + offDiagonal[l] / (g + (g >= 0 ? r : -r));
      let sine = 1;
      let cosine = 1;
      let shift = 0;
      let deflatedEarly = false;
      for (let i = m - 1; i >= l; i--) {
        const f = sine * offDiagonal[i];
        const b = cosine * offDiagonal[i];
        r = hypotenuse(f, g);
        offDiagonal[i + 1] = r;
        if (r === 0) {
          // The bulge vanished (underflow): T split at i+1; restart on the smaller block.
          diagonal[i + 1] -= shift;
          offDiagonal[m] = 0;
          deflatedEarly = true;
          break;
        }
        sine = f / r;
        cosine = g / r;
        g = diagonal[i + 1] - shift;
        r = (diagonal[i] - g) * sine + 2 * cosine * b;
        shift = sine * r;
        diagonal[i + 1] = g + shift;
        g = cosine * r - b;
        rotations?.push(i, cosine, sine);
      }
      if (deflatedEarly) continue;
      diagonal[l] -= shift;
      offDiagonal[l] = g;
      offDiagonal[m] = 0;
    }
  }
  rotations?.flush();
}

/** √(a² + b²) without overflow or underflow (Math.hypot is much slower in V8). */
function hypotenuse(a: number, b: number): number {
  const absoluteA = Math.abs(a);
  const absoluteB = Math.abs(b);
  if (absoluteA > absoluteB) {
    const ratio = absoluteB / absoluteA;
    return absoluteA * Math.sqrt(1 + ratio * ratio);
  }
  if (absoluteB === 0) return 0;
  const ratio = absoluteA / absoluteB;
  return absoluteB * Math.sqrt(1 + ratio * ratio);
}

function ascendingOrder(values: Float64Array): Int32Array {
  const order = Int32Array.from(values, (_, index) => index);
  return order.sort((a, b) => values[a] - values[b]);
}
