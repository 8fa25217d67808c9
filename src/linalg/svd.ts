/**
 * Thin singular value decomposition A = U diag(S) Vᵀ by one-sided Jacobi rotations
 * (Hestenes 1958; Demmel & Veselić 1992, who show it computes small singular values to
 * high relative accuracy; Golub & Van Loan §8.6.3).
 *
 * For A (m×n, m ≥ n) the columns a_p of A are rotated in pairs until every pair is
 * orthogonal to working precision; then σ_p = ‖a_p‖, u_p = a_p / σ_p, and V is the
 * product of the rotations. The columns are kept as rows of Aᵀ (and V as Vᵀ), so each
 * rotation combines two contiguous rows. A wide A is handled through Aᵀ = V S Uᵀ.
 */
import { assertFinite, assertMatrix, transpose, zeros, type Matrix } from './matrix.ts';
import { multiplyByPowerOfTwo, normalizingExponent } from './scaling.ts';

/** A = U diag(singularValues) Vᵀ with k = min(m, n). */
export interface SingularValueDecomposition {
  /** m×k, orthonormal columns (left singular vectors). */
  U: Matrix;
  /** Length k, descending, non-negative. */
  singularValues: Float64Array;
  /** n×k, orthonormal columns (right singular vectors). */
  V: Matrix;
}

/** Sweeps allowed; one-sided Jacobi converges quadratically, in about 10 for n = 100–200. */
const MAX_SWEEPS = 60;

/**
 * Thin SVD of any m×n matrix; singular values descending.
 * @example svd(fromRows([[3, 0], [0, -2]])).singularValues // Float64Array [3, 2]
 */
export function svd(matrix: Matrix): SingularValueDecomposition {
  validate('svd', matrix);
  const tall = matrix.rows >= matrix.cols;
  // The rows of Aᵀ are A's columns; for a wide A its own rows are the columns of Aᵀ.
  const columns = tall ? transpose(matrix).data : matrix.data.slice();
  const [m, n] = tall ? [matrix.rows, matrix.cols] : [matrix.cols, matrix.rows];
  const rightTransposed = new Float64Array(n * n);
  for (let i = 0; i < n; i++) rightTransposed[i * n + i] = 1;
  const { norms, exponent } = orthogonalizeColumns(columns, m, n, rightTransposed);
  const order = descendingOrder(norms);

  const left = zeros(m, n);
  const right = zeros(n, n);
  const values = Float64Array.from(order, (source) => multiplyByPowerOfTwo(norms[source], -exponent));
  const zeroColumns: number[] = [];
  order.forEach((source, target) => {
    for (let j = 0; j < n; j++) right.data[j * n + target] = rightTransposed[source * n + j];
    // Converged columns are orthogonal relative to their norms, so even tiny ones give
    // accurate directions; only exact zeros carry none.
    if (norms[source] === 0) {
      zeroColumns.push(target);
      return;
    }
    for (let i = 0; i < m; i++) left.data[i * n + target] = columns[source * m + i] / norms[source];
  });
  completeOrthonormalColumns(left, zeroColumns);
  // For a wide A we decomposed Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ.
  return tall ? { U: left, singularValues: values, V: right } : { U: right, singularValues: values, V: left };
}

/**
 * Singular values only, descending (the same Jacobi iteration without accumulating V).
 * @example singularValues(fromRows([[0, 2], [1, 0]])) // Float64Array [2, 1]
 */
export function singularValues(matrix: Matrix): Float64Array {
  validate('singularValues', matrix);
  const tall = matrix.rows >= matrix.cols;
  const columns = tall ? transpose(matrix).data : matrix.data.slice();
  const [m, n] = tall ? [matrix.rows, matrix.cols] : [matrix.cols, matrix.rows];
  const { norms, exponent } = orthogonalizeColumns(columns, m, n, null);
  return Float64Array.from(descendingOrder(norms), (index) => multiplyByPowerOfTwo(norms[index], -exponent));
}

function validate(functionName: string, matrix: Matrix): void {
  assertMatrix(functionName, 'matrix', matrix);
  assertFinite(functionName, 'matrix', matrix);
}

/**
 * Cyclic-by-rows one-sided Jacobi on the n columns (length m ≥ n) of a tall matrix, given
 * as the rows of `columns` (overwritten); rotations are also applied to the rows of
 * `rightTransposed` (Vᵀ) when given. The columns are first multiplied by 2^exponent
 * (exact), bringing max|A| near 1, and columns below NEGLIGIBLE_COLUMN are zeroed: a
 * change far below the ε‖A‖ rounding error of any SVD, which keeps every surviving column
 * out of the subnormal range, where rotations could not make it orthogonal to working
 * precision. Returns the final norms of the scaled columns, and the exponent.
 */
function orthogonalizeColumns(
  columns: Float64Array,
  m: number,
  n: number,
  rightTransposed: Float64Array | null,
): { norms: Float64Array; exponent: number } {
  const largest = largestMagnitude(columns, 0, columns.length);
  const exponent = normalizingExponent(largest);
  for (let i = 0; i < columns.length; i++) columns[i] = multiplyByPowerOfTwo(columns[i], exponent);
  for (let p = 0; p < n; p++) {
    if (largestMagnitude(columns, p * m, m) < NEGLIGIBLE_COLUMN) columns.fill(0, p * m, (p + 1) * m);
  }
  // Columns count as orthogonal once |a_pᵀa_q| ≤ m·ε·‖a_p‖‖a_q‖, the rounding level of the
  // inner product itself; a stricter test could chase noise forever.
  const tolerance = Math.max(m, 1) * Number.EPSILON;
  let norms = columnNorms(columns, m, n);
  let converged = n < 2;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (orthogonalize(columns, m, p, q, rightTransposed, n, tolerance)) converged = false;
      }
    }
    // A column that lost all but a rounding-level fraction of its norm in this sweep (its
    // content was rotated into a nearly parallel column) is rounding noise whose direction
    // means nothing and which rotations cannot make relatively orthogonal: set it to zero,
    // a change of at most 8mε times that column's norm, within the SVD's backward error.
    const previous = norms;
    norms = columnNorms(columns, m, n);
    for (let p = 0; p < n; p++) {
      if (norms[p] > 0 && norms[p] <= 8 * tolerance * previous[p]) {
        columns.fill(0, p * m, (p + 1) * m);
        norms[p] = 0;
      }
    }
  }
  if (!converged) throw new Error(`svd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps (${m}x${n})`);
  return { norms, exponent };
}

function columnNorms(columns: Float64Array, m: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, p) => scaledNorm(columns, p * m, m));
}

function descendingOrder(values: Float64Array): number[] {
  return Array.from({ length: values.length }, (_, index) => index).sort((a, b) => values[b] - values[a]);
}

/**
 * One Jacobi rotation of rows p and q of `columns` (and of Vᵀ), making them orthogonal
 * (Golub & Van Loan Algorithm 8.5.1's symmetric Schur step applied to the 2×2 Gram matrix
 * [[α, γ], [γ, β]]). Returns whether a rotation was needed.
 */
function orthogonalize(
  columns: Float64Array,
  m: number,
  p: number,
  q: number,
  rightTransposed: Float64Array | null,
  n: number,
  tolerance: number,
): boolean {
  const rowP = p * m;
  const rowQ = q * m;
  let alpha = 0;
  let beta = 0;
  let gamma = 0;
  for (let i = 0; i < m; i++) {
    const x = columns[rowP + i];
    const y = columns[rowQ + i];
    alpha += x * x;
    beta += y * y;
    gamma += x * y;
  }
  // The Gram entries are used as α = s_p² α', β = s_q² β', γ = s_p s_q γ'. Normally s = 1;
  // when a squared norm may have underflowed (a column below 2^−480 of the largest entry)
  // they are recomputed from the columns divided by their largest entries, so tiny columns
  // keep their relative accuracy.
  let scaleP = 1;
  let scaleQ = 1;
  if (!(alpha > SAFE_MINIMUM && alpha < SAFE_MAXIMUM && beta > SAFE_MINIMUM && beta < SAFE_MAXIMUM)) {
    scaleP = largestMagnitude(columns, rowP, m);
    scaleQ = largestMagnitude(columns, rowQ, m);
    if (scaleP === 0 || scaleQ === 0) return false;
    alpha = beta = gamma = 0;
    for (let i = 0; i < m; i++) {
      const x = columns[rowP + i] / scaleP;
      const y = columns[rowQ + i] / scaleQ;
      alpha += x * x;
      beta += y * y;
      gamma += x * y;
    }
  }
  // √α·√β, not √(αβ): the product of two tiny squared norms would underflow to 0.
  if (!(Math.abs(gamma) > tolerance * Math.sqrt(alpha) * Math.sqrt(beta))) return false;
  // tan θ is the smaller root of t² + 2ζt − 1 = 0, ζ = (β − α) / 2γ, so |θ| ≤ π/4.
  const ratio = scaleQ / scaleP;
  const zeta = (ratio * beta - alpha / ratio) / (2 * gamma);
  const absoluteZeta = Math.abs(zeta);
  const root = absoluteZeta > 1 ? absoluteZeta * Math.sqrt(1 + 1 / (zeta * zeta)) : Math.sqrt(1 + zeta * zeta);
  const tangent = (zeta >= 0 ? 1 : -1) / (absoluteZeta + root);
  const cosine = 1 / Math.sqrt(1 + tangent * tangent);
  const sine = cosine * tangent;
  rotateRows(columns, rowP, rowQ, m, cosine, sine);
  if (rightTransposed) rotateRows(rightTransposed, p * n, q * n, n, cosine, sine);
  return true;
}

/** (row_p, row_q) ← (c·row_p − s·row_q, s·row_p + c·row_q). */
function rotateRows(
  data: Float64Array,
  rowP: number,
  rowQ: number,
  length: number,
  cosine: number,
  sine: number,
): void {
  for (let i = 0; i < length; i++) {
    const x = data[rowP + i];
    const y = data[rowQ + i];
    data[rowP + i] = cosine * x - sine * y;
    data[rowQ + i] = sine * x + cosine * y;
  }
}

/** Squared norms outside [SAFE_MINIMUM, SAFE_MAXIMUM] may have lost accuracy to under- or overflow. */
const SAFE_MINIMUM = 2 ** -960;
const SAFE_MAXIMUM = 2 ** 960;
/** Columns of the scaled matrix (max|a_ij| ≈ 1) whose entries are all below this are zeroed. */
const NEGLIGIBLE_COLUMN = 2 ** -900;

function largestMagnitude(data: Float64Array, offset: number, length: number): number {
  let largest = 0;
  for (let i = offset; i < offset + length; i++) largest = Math.max(largest, Math.abs(data[i]));
  return largest;
}

/** ‖x‖ for x = data[offset … offset+length), without under- or overflow. */
function scaledNorm(data: Float64Array, offset: number, length: number): number {
  const largest = largestMagnitude(data, offset, length);
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = offset; i < offset + length; i++) sum += (data[i] / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/**
 * Fills the listed (zero) columns of U with unit vectors orthogonal to all the others,
 * so Uᵀ U = I holds even when A is rank-deficient: Gram–Schmidt, applied twice ("twice
 * is enough", Giraud et al. 2005), on the standard basis vectors in turn.
 */
function completeOrthonormalColumns(U: Matrix, missing: number[]): void {
  const { rows: m, cols: k } = U;
  const filled = new Set(Array.from({ length: k }, (_, c) => c).filter((c) => !missing.includes(c)));
  let candidate = 0;
  for (const target of missing) {
    for (; candidate < m; candidate++) {
      const vector = new Float64Array(m);
      vector[candidate] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const c of filled) {
          let dot = 0;
          for (let i = 0; i < m; i++) dot += U.data[i * k + c] * vector[i];
          for (let i = 0; i < m; i++) vector[i] -= dot * U.data[i * k + c];
        }
      }
      const norm = scaledNorm(vector, 0, m);
      // A basis vector (nearly) inside the span so far is skipped; some e_i always has ≥ 1/√m left.
      if (norm < 0.5 / Math.sqrt(m)) continue;
      for (let i = 0; i < m; i++) U.data[i * k + target] = vector[i] / norm;
      filled.add(target);
      candidate++;
      break;
    }
  }
}
