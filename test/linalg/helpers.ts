/** Shared generators and references for the linalg/ and kernel-methods/ tests. */
import fc from 'fast-check';
import { Random } from '../../gpu/random.ts';
import { zeros, type Matrix } from '../../src/linalg/matrix.ts';

export { maxAbs, maxAbsDifference } from '../helpers/close.ts';

/** rows×cols matrix with standard normal entries. */
export function randomMatrix(random: Random, rows: number, cols: number): Matrix {
  const result = zeros(rows, cols);
  for (let i = 0; i < result.data.length; i++) result.data[i] = random.normal();
  return result;
}

/** Symmetric n×n matrix (B + Bᵀ)/2 with B standard normal. */
export function randomSymmetric(random: Random, n: number): Matrix {
  const b = randomMatrix(random, n, n);
  const result = zeros(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) result.data[i * n + j] = (b.data[i * n + j] + b.data[j * n + i]) / 2;
  }
  return result;
}

/** B Bᵀ + shift·I for B n×rank, positive definite when shift > 0. */
export function randomGram(random: Random, n: number, rank: number, shift: number): Matrix {
  const b = randomMatrix(random, n, rank);
  return addIdentity(naiveMatmul(b, naiveTranspose(b)), shift);
}

/** Gaussian (RBF) kernel exp(−‖x_i − y_j‖² / (2·bandwidth²)) between the rows of X and Y. */
export function rbfKernel(x: Matrix, y: Matrix, bandwidth: number): Matrix {
  const result = zeros(x.rows, y.rows);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < y.rows; j++) {
      let squared = 0;
      for (let d = 0; d < x.cols; d++) squared += (x.data[i * x.cols + d] - y.data[j * y.cols + d]) ** 2;
      result.data[i * y.rows + j] = Math.exp(-squared / (2 * bandwidth * bandwidth));
    }
  }
  return result;
}

export function addIdentity(matrix: Matrix, shift: number): Matrix {
  const result = { rows: matrix.rows, cols: matrix.cols, data: matrix.data.slice() };
  for (let i = 0; i < matrix.rows; i++) result.data[i * matrix.cols + i] += shift;
  return result;
}

/** The textbook triple loop, as an independent reference. */
export function naiveMatmul(a: Matrix, b: Matrix): Matrix {
  const result = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < b.cols; j++) {
      let sum = 0;
      for (let k = 0; k < a.cols; k++) sum += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      result.data[i * b.cols + j] = sum;
    }
  }
  return result;
}

export function naiveTranspose(a: Matrix): Matrix {
  const result = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < a.cols; j++) result.data[j * a.rows + i] = a.data[i * a.cols + j];
  return result;
}

/** max |VᵀV − I| for the columns of V. */
export function orthogonalityError(v: Matrix): number {
  const gram = naiveMatmul(naiveTranspose(v), v);
  let largest = 0;
  for (let i = 0; i < gram.rows; i++) {
    for (let j = 0; j < gram.cols; j++)
      largest = Math.max(largest, Math.abs(gram.data[i * gram.cols + j] - (i === j ? 1 : 0)));
  }
  return largest;
}

/** A fast-check matrix with the given size ranges and entries in [−bound, bound] (shrinks well). */
export function matrixArb(
  minRows: number,
  maxRows: number,
  minCols: number,
  maxCols: number,
  bound = 10,
): fc.Arbitrary<Matrix> {
  return fc
    .tuple(fc.integer({ min: minRows, max: maxRows }), fc.integer({ min: minCols, max: maxCols }))
    .chain(([rows, cols]) =>
      fc
        .array(fc.double({ min: -bound, max: bound, noNaN: true, noDefaultInfinity: true }), {
          minLength: rows * cols,
          maxLength: rows * cols,
        })
        .map((values) => ({ rows, cols, data: Float64Array.from(values) })),
    );
}

/** A seed for `new Random(seed)`, for properties over larger random matrices. */
export const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
