/**
 * Cholesky factorization A = L Lᵀ of a symmetric positive definite matrix, and a variant
 * that adds growing diagonal jitter until it succeeds, for kernel matrices that are
 * positive semi-definite only up to rounding.
 *
 * Only the lower triangle of A is read (LAPACK dpotrf with uplo = 'L'). L is returned as
 * a full n×n Matrix whose strict upper triangle is zero.
 */
import { assertFinite, assertSquare, zeros, type Matrix } from './matrix.ts';

/**
 * Lower-triangular L with A = L Lᵀ; throws if A is not (numerically) positive definite.
 * @example cholesky(fromRows([[4, 2], [2, 5]])).data // Float64Array [2, 0, 1, 2]
 */
export function cholesky(matrix: Matrix): Matrix {
  validate('cholesky', matrix);
  const result = factorize(matrix, 0);
  if ('failedPivot' in result) {
    throw new Error(
      `cholesky: matrix is not positive definite (pivot ${result.failedPivot} of ${matrix.rows} is ` +
        `${result.pivotValue}); choleskyWithJitter adds a diagonal shift for semi-definite matrices`,
    );
  }
  return result;
}

/** Options of `choleskyWithJitter`; both are relative to the mean of A's diagonal. */
export interface JitterOptions {
  /** The first jitter tried after a plain factorization fails (default 1e-10). */
  initialRelativeJitter?: number;
  /** The largest jitter tried; each try multiplies the previous one by 10 (default 1e-4). */
  maxRelativeJitter?: number;
}

/** L with A + jitter·I = L Lᵀ, and the jitter that made the factorization succeed (0 if none). */
export interface JitteredCholesky {
  factor: Matrix;
  jitter: number;
}

/**
 * Cholesky of A + jitter·I with the smallest jitter in 0, j₀, 10j₀, 100j₀, … (up to the
 * limit) that succeeds, where j₀ = initialRelativeJitter × mean(diag A), the usual remedy
 * for PSD kernel matrices that rounding made indefinite (as in GPyTorch's psd_safe_cholesky).
 * @example choleskyWithJitter(fromRows([[1, 1], [1, 1]])).jitter // 1e-10
 */
export function choleskyWithJitter(matrix: Matrix, options: JitterOptions = {}): JitteredCholesky {
  validate('choleskyWithJitter', matrix);
  const { initialRelativeJitter = 1e-10, maxRelativeJitter = 1e-4 } = options;
  if (!(initialRelativeJitter > 0) || !(maxRelativeJitter >= initialRelativeJitter)) {
    throw new Error(
      `choleskyWithJitter: need 0 < initialRelativeJitter <= maxRelativeJitter, got ` +
        `${initialRelativeJitter} and ${maxRelativeJitter}`,
    );
  }
  const plain = factorize(matrix, 0);
  if (!('failedPivot' in plain)) return { factor: plain, jitter: 0 };

  const n = matrix.rows;
  let trace = 0;
  for (let i = 0; i < n; i++) trace += matrix.data[i * n + i];
  const meanDiagonal = trace / n;
  if (!(meanDiagonal > 0)) {
    throw new Error(
      `choleskyWithJitter: matrix is not positive semi-definite (mean diagonal ${meanDiagonal} <= 0), ` +
        `so no jitter scale can be derived from it`,
    );
  }
  const limit = maxRelativeJitter * meanDiagonal * (1 + 1e-12); // tolerate rounding in 10^k
  let last = plain;
  for (let jitter = initialRelativeJitter * meanDiagonal; jitter <= limit; jitter *= 10) {
    const attempt = factorize(matrix, jitter);
    if (!('failedPivot' in attempt)) return { factor: attempt, jitter };
    last = attempt;
  }
  throw new Error(
    `choleskyWithJitter: matrix is not positive definite even with jitter ${maxRelativeJitter} × mean diagonal ` +
      `(${maxRelativeJitter * meanDiagonal}); last failing pivot ${last.failedPivot} of ${n} was ${last.pivotValue}`,
  );
}

function validate(functionName: string, matrix: Matrix): void {
  assertSquare(functionName, 'matrix', matrix);
  assertFinite(functionName, 'matrix', matrix);
}

interface FailedFactorization {
  failedPivot: number;
  pivotValue: number;
}

/**
 * Row-oriented Cholesky of A + shift·I (the dot-product form, Golub & Van Loan §4.2.5):
 * L(i, j) = (A(i, j) − L(i, 0:j)·L(j, 0:j)) / L(j, j), so the inner loop is a dot product
 * of two contiguous rows of L. A pivot that is not positive (or is NaN) means failure.
 */
function factorize(matrix: Matrix, shift: number): Matrix | FailedFactorization {
  const n = matrix.rows;
  const a = matrix.data;
  const factor = zeros(n, n);
  const l = factor.data;
  for (let i = 0; i < n; i++) {
    const rowI = i * n;
    for (let j = 0; j < i; j++) {
      const rowJ = j * n;
      l[rowI + j] = (a[rowI + j] - rowDot(l, rowI, rowJ, j)) / l[rowJ + j];
    }
    const pivot = a[rowI + i] + shift - rowDot(l, rowI, rowI, i);
    if (!(pivot > 0)) return { failedPivot: i, pivotValue: pivot };
    l[rowI + i] = Math.sqrt(pivot);
  }
  return factor;
}

/** Σ_{k<length} data[first+k]·data[second+k], with four partial sums to hide add latency. */
function rowDot(data: Float64Array, first: number, second: number, length: number): number {
  let sum0 = 0;
  let sum1 = 0;
  let sum2 = 0;
  let sum3 = 0;
  let k = 0;
  for (; k + 4 <= length; k += 4) {
    sum0 += data[first + k] * data[second + k];
    sum1 += data[first + k + 1] * data[second + k + 1];
    sum2 += data[first + k + 2] * data[second + k + 2];
    sum3 += data[first + k + 3] * data[second + k + 3];
  }
  for (; k < length; k++) sum0 += data[first + k] * data[second + k];
  return sum0 + sum1 + (sum2 + sum3);
}
