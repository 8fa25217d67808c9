/**
 * Dense float64 matrices for linalg/ and kernel-methods/.
 *
 * Layout: row-major, entry (i, j) at `data[i * cols + j]`. Every routine here reads and
 * writes whole rows in its inner loop, so the innermost index walks contiguous memory.
 * Functions never mutate their arguments unless their name says so.
 */

/** A dense row-major float64 matrix: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** `rows`×`cols` matrix of zeros. @example zeros(2, 3).data.length === 6 */
export function zeros(rows: number, cols: number): Matrix {
  assertDimension('zeros', 'rows', rows);
  assertDimension('zeros', 'cols', cols);
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** The n×n identity. @example identity(3).data[4] === 1 */
export function identity(n: number): Matrix {
  assertDimension('identity', 'n', n);
  const result = zeros(n, n);
  for (let i = 0; i < n; i++) result.data[i * n + i] = 1;
  return result;
}

/** Matrix from nested rows (all of equal length). @example fromRows([[1, 2], [3, 4]]).cols === 2 */
export function fromRows(rows: number[][]): Matrix {
  if (!Array.isArray(rows)) throw new Error('fromRows: rows must be an array of number arrays');
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const result = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new Error(`fromRows: row ${i} has length ${row.length}, expected ${cols} (the length of row 0)`);
    }
    result.data.set(row, i * cols);
  });
  return result;
}

/** Matrix over a copy of row-major `data`. @example fromArray(2, 2, [1, 0, 0, 1]).data[3] === 1 */
export function fromArray(rows: number, cols: number, data: ArrayLike<number>): Matrix {
  assertDimension('fromArray', 'rows', rows);
  assertDimension('fromArray', 'cols', cols);
  if (data.length !== rows * cols) {
    throw new Error(`fromArray: data has length ${data.length}, expected ${rows}*${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: Float64Array.from(data) };
}

/** Nested-array copy, handy in tests and reports. @example toRows(identity(2)) // [[1, 0], [0, 1]] */
export function toRows(matrix: Matrix): number[][] {
  assertMatrix('toRows', 'matrix', matrix);
  const result: number[][] = [];
  for (let i = 0; i < matrix.rows; i++) {
    result.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
  }
  return result;
}

/** Deep copy. @example clone(identity(2)).data[0] === 1 */
export function clone(matrix: Matrix): Matrix {
  assertMatrix('clone', 'matrix', matrix);
  return { rows: matrix.rows, cols: matrix.cols, data: matrix.data.slice() };
}

/** Aᵀ, blocked so both the reads and the writes stay in cache. @example transpose(zeros(2, 3)).rows === 3 */
export function transpose(matrix: Matrix): Matrix {
  assertMatrix('transpose', 'matrix', matrix);
  const { rows, cols, data } = matrix;
  const result = zeros(cols, rows);
  const out = result.data;
  const block = 32;
  for (let i0 = 0; i0 < rows; i0 += block) {
    const iEnd = Math.min(i0 + block, rows);
    for (let j0 = 0; j0 < cols; j0 += block) {
      const jEnd = Math.min(j0 + block, cols);
      for (let i = i0; i < iEnd; i++) {
        for (let j = j0; j < jEnd; j++) out[j * rows + i] = data[i * cols + j];
      }
    }
  }
  return result;
}

/**
 * A·B with the i-k-j loop order: the inner loop is an axpy over a row of B into a row
 * of the result, so both stream contiguously (Golub & Van Loan, 4th ed., §1.1.10–1.1.11).
 * @example matmul(identity(2), fromRows([[1, 2], [3, 4]])).data[3] === 4
 */
export function matmul(left: Matrix, right: Matrix): Matrix {
  assertMatrix('matmul', 'left', left);
  assertMatrix('matmul', 'right', right);
  if (left.cols !== right.rows) {
    throw new Error(`matmul: left.cols must equal right.rows, got ${shape(left)} times ${shape(right)}`);
  }
  const { rows, cols: inner } = left;
  const cols = right.cols;
  const a = left.data;
  const b = right.data;
  const result = zeros(rows, cols);
  const c = result.data;
  for (let i = 0; i < rows; i++) {
    const cRow = i * cols;
    for (let k = 0; k < inner; k++) {
      const aik = a[i * inner + k];
      const bRow = k * cols;
      for (let j = 0; j < cols; j++) c[cRow + j] += aik * b[bRow + j];
    }
  }
  return result;
}

/** A·x for a vector x. @example matvec(identity(2), [5, 6]) // Float64Array [5, 6] */
export function matvec(matrix: Matrix, vector: ArrayLike<number>): Float64Array {
  assertMatrix('matvec', 'matrix', matrix);
  if (vector.length !== matrix.cols) {
    throw new Error(`matvec: vector length must equal matrix.cols, got ${shape(matrix)} times length ${vector.length}`);
  }
  const { rows, cols, data } = matrix;
  const result = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    const offset = i * cols;
    for (let j = 0; j < cols; j++) sum += data[offset + j] * vector[j];
    result[i] = sum;
  }
  return result;
}

/** The rows `rowIndices` and columns `columnIndices` of A, e.g. a train×train block of a kernel. @example submatrix(identity(3), [0, 2], [0, 2]).data // [1, 0, 0, 1] */
export function submatrix(matrix: Matrix, rowIndices: ArrayLike<number>, columnIndices: ArrayLike<number>): Matrix {
  assertMatrix('submatrix', 'matrix', matrix);
  assertIndices('submatrix', 'rowIndices', rowIndices, matrix.rows);
  assertIndices('submatrix', 'columnIndices', columnIndices, matrix.cols);
  const result = zeros(rowIndices.length, columnIndices.length);
  for (let i = 0; i < rowIndices.length; i++) {
    const sourceRow = rowIndices[i] * matrix.cols;
    const targetRow = i * columnIndices.length;
    for (let j = 0; j < columnIndices.length; j++) {
      result.data[targetRow + j] = matrix.data[sourceRow + columnIndices[j]];
    }
  }
  return result;
}

/** "3x4", the form every error message uses for a shape. @example shape(zeros(3, 4)) === '3x4' */
export function shape(matrix: Matrix): string {
  return `${matrix.rows}x${matrix.cols}`;
}

/** Throws unless `matrix` is a well-formed Matrix. @example assertMatrix('solve', 'A', identity(2)) */
export function assertMatrix(functionName: string, argumentName: string, matrix: Matrix): void {
  if (
    matrix === null ||
    typeof matrix !== 'object' ||
    !(matrix.data instanceof Float64Array) ||
    !Number.isInteger(matrix.rows) ||
    !Number.isInteger(matrix.cols) ||
    matrix.rows < 0 ||
    matrix.cols < 0
  ) {
    throw new Error(`${functionName}: ${argumentName} must be a Matrix {rows, cols, data: Float64Array}`);
  }
  if (matrix.data.length !== matrix.rows * matrix.cols) {
    throw new Error(
      `${functionName}: ${argumentName} is ${shape(matrix)} but its data has length ${matrix.data.length}`,
    );
  }
}

/** Throws unless `matrix` is square. @example assertSquare('cholesky', 'matrix', identity(2)) */
export function assertSquare(functionName: string, argumentName: string, matrix: Matrix): void {
  assertMatrix(functionName, argumentName, matrix);
  if (matrix.rows !== matrix.cols) {
    throw new Error(`${functionName}: ${argumentName} must be square, got ${shape(matrix)}`);
  }
}

/** Throws unless every entry is finite (NaN and ±Infinity are rejected). @example assertFinite('eigen', 'matrix', identity(2)) */
export function assertFinite(functionName: string, argumentName: string, values: Matrix | ArrayLike<number>): void {
  const data = 'data' in values ? values.data : values;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const where = 'data' in values ? `entry (${Math.floor(i / values.cols)}, ${i % values.cols})` : `entry ${i}`;
      throw new Error(`${functionName}: ${argumentName} must be finite, got ${data[i]} at ${where}`);
    }
  }
}

function assertDimension(functionName: string, argumentName: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${functionName}: ${argumentName} must be a non-negative integer, got ${value}`);
  }
}

function assertIndices(functionName: string, argumentName: string, indices: ArrayLike<number>, bound: number): void {
  for (let i = 0; i < indices.length; i++) {
    const index = indices[i];
    if (!Number.isInteger(index) || index < 0 || index >= bound) {
      throw new Error(`${functionName}: ${argumentName}[${i}] = ${index} is not an integer in [0, ${bound})`);
    }
  }
}
