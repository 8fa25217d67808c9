/**
 * Triangular solves (forward and back substitution, Golub & Van Loan §3.1) for one
 * right-hand side (a vector) or many (the columns of a Matrix B), and symmetric positive
 * definite solves through a Cholesky factor (§4.2).
 *
 * Only the relevant triangle of the coefficient matrix is read. With `transpose: true`
 * the system solved is Tᵀ X = B, without forming Tᵀ: the substitution then walks T by
 * rows in the column-oriented order (§3.1.4), so every inner loop stays contiguous.
 */
import { cholesky } from './cholesky.ts';
import { assertFinite, assertMatrix, assertSquare, shape, type Matrix } from './matrix.ts';

/** Options of the triangular solves. */
export interface TriangularSolveOptions {
  /** Solve Tᵀ X = B instead of T X = B (default false). */
  transpose?: boolean;
}

/**
 * Solves L X = B (or Lᵀ X = B) for lower-triangular L.
 * @example solveLowerTriangular(fromRows([[2, 0], [1, 1]]), [2, 3]) // Float64Array [1, 2]
 */
export function solveLowerTriangular(lower: Matrix, rhs: Matrix, options?: TriangularSolveOptions): Matrix;
export function solveLowerTriangular(
  lower: Matrix,
  rhs: ArrayLike<number>,
  options?: TriangularSolveOptions,
): Float64Array;
export function solveLowerTriangular(
  lower: Matrix,
  rhs: Matrix | ArrayLike<number>,
  options: TriangularSolveOptions = {},
): Matrix | Float64Array {
  return solveTriangular('solveLowerTriangular', lower, rhs, true, options.transpose ?? false);
}

/**
 * Solves U X = B (or Uᵀ X = B) for upper-triangular U.
 * @example solveUpperTriangular(fromRows([[1, 1], [0, 2]]), [3, 4]) // Float64Array [1, 2]
 */
export function solveUpperTriangular(upper: Matrix, rhs: Matrix, options?: TriangularSolveOptions): Matrix;
export function solveUpperTriangular(
  upper: Matrix,
  rhs: ArrayLike<number>,
  options?: TriangularSolveOptions,
): Float64Array;
export function solveUpperTriangular(
  upper: Matrix,
  rhs: Matrix | ArrayLike<number>,
  options: TriangularSolveOptions = {},
): Matrix | Float64Array {
  return solveTriangular('solveUpperTriangular', upper, rhs, false, options.transpose ?? false);
}

/**
 * Solves A X = B given the Cholesky factor L of A = L Lᵀ: L Y = B, then Lᵀ X = Y.
 * @example solveWithCholesky(cholesky(fromRows([[4, 2], [2, 5]])), [6, 7]) // Float64Array [1, 1]
 */
export function solveWithCholesky(factor: Matrix, rhs: Matrix): Matrix;
export function solveWithCholesky(factor: Matrix, rhs: ArrayLike<number>): Float64Array;
export function solveWithCholesky(factor: Matrix, rhs: Matrix | ArrayLike<number>): Matrix | Float64Array {
  return solveWithFactor('solveWithCholesky', factor, rhs);
}

/**
 * Solves A X = B for symmetric positive definite A (lower triangle read) by Cholesky.
 * @example solvePositiveDefinite(fromRows([[4, 2], [2, 5]]), [6, 7]) // Float64Array [1, 1]
 */
export function solvePositiveDefinite(matrix: Matrix, rhs: Matrix): Matrix;
export function solvePositiveDefinite(matrix: Matrix, rhs: ArrayLike<number>): Float64Array;
export function solvePositiveDefinite(matrix: Matrix, rhs: Matrix | ArrayLike<number>): Matrix | Float64Array {
  checkRightHandSide('solvePositiveDefinite', matrix, rhs);
  return solveWithFactor('solvePositiveDefinite', cholesky(matrix), rhs);
}

function solveWithFactor(functionName: string, factor: Matrix, rhs: Matrix | ArrayLike<number>): Matrix | Float64Array {
  const intermediate = solveTriangular(functionName, factor, rhs, true, false);
  return solveTriangular(functionName, factor, intermediate, true, true);
}

function isMatrix(value: Matrix | ArrayLike<number>): value is Matrix {
  return typeof value === 'object' && value !== null && 'data' in value && 'rows' in value;
}

function checkRightHandSide(functionName: string, coefficients: Matrix, rhs: Matrix | ArrayLike<number>): void {
  assertSquare(functionName, 'matrix', coefficients);
  if (isMatrix(rhs)) {
    assertMatrix(functionName, 'rhs', rhs);
    if (rhs.rows !== coefficients.rows) {
      throw new Error(
        `${functionName}: rhs must have ${coefficients.rows} rows, got matrix ${shape(coefficients)} and rhs ${shape(rhs)}`,
      );
    }
  } else if (rhs === null || typeof rhs !== 'object' || typeof rhs.length !== 'number') {
    throw new Error(`${functionName}: rhs must be a Matrix or an array of numbers`);
  } else if (rhs.length !== coefficients.rows) {
    throw new Error(
      `${functionName}: rhs must have length ${coefficients.rows}, got matrix ${shape(coefficients)} and rhs length ${rhs.length}`,
    );
  }
  assertFinite(functionName, 'rhs', rhs);
}

/**
 * The four substitutions on a copy X of B (n×m, row-major, so each "entry" x_i is a row of
 * m numbers and each step is an axpy on rows). `lower` says which triangle of `triangle`
 * holds the coefficients; `transpose` solves with its transpose.
 */
function solveTriangular(
  functionName: string,
  triangle: Matrix,
  rhs: Matrix | ArrayLike<number>,
  lower: boolean,
  transpose: boolean,
): Matrix | Float64Array {
  checkRightHandSide(functionName, triangle, rhs);
  const n = triangle.rows;
  const t = triangle.data;
  for (let i = 0; i < n; i++) {
    for (let j = lower ? 0 : i; j < (lower ? i + 1 : n); j++) {
      if (!Number.isFinite(t[i * n + j])) {
        throw new Error(`${functionName}: matrix must be finite, got ${t[i * n + j]} at entry (${i}, ${j})`);
      }
    }
    if (t[i * n + i] === 0) {
      throw new Error(`${functionName}: matrix is singular (diagonal entry ${i} of ${n} is zero)`);
    }
  }
  const m = isMatrix(rhs) ? rhs.cols : 1;
  const x = Float64Array.from(isMatrix(rhs) ? rhs.data : rhs);
  // Lower, or upper transposed, is a forward sweep; the other two go backwards.
  const forward = lower !== transpose;
  for (let step = 0; step < n; step++) {
    const i = forward ? step : n - 1 - step;
    const rowI = i * n;
    const target = i * m;
    if (!transpose) {
      // Row-oriented: x_i = (b_i − Σ_k T(i, k) x_k) / T(i, i) over the solved k.
      const from = forward ? 0 : i + 1;
      const to = forward ? i : n;
      for (let k = from; k < to; k++) {
        const coefficient = t[rowI + k];
        const source = k * m;
        for (let c = 0; c < m; c++) x[target + c] -= coefficient * x[source + c];
      }
      const inverse = 1 / t[rowI + i];
      for (let c = 0; c < m; c++) x[target + c] *= inverse;
    } else {
      // Column-oriented: x_i is final; remove T(i, k) x_i from the unsolved b_k, since
      // Tᵀ(k, i) = T(i, k) is row i of T.
      const inverse = 1 / t[rowI + i];
      for (let c = 0; c < m; c++) x[target + c] *= inverse;
      const from = forward ? i + 1 : 0;
      const to = forward ? n : i;
      for (let k = from; k < to; k++) {
        const coefficient = t[rowI + k];
        const destination = k * m;
        for (let c = 0; c < m; c++) x[destination + c] -= coefficient * x[target + c];
      }
    }
  }
  return isMatrix(rhs) ? { rows: n, cols: m, data: x } : x;
}
