/**
 * Applying the Q of a Householder tridiagonalization, Q = H_0 H_1 ⋯ H_{n−3}, to the rows
 * of a matrix, blocked in compact WY form (internal to linalg/).
 *
 * A block of reflectors is applied as one rank-`BLOCK_SIZE` update, H_{k0} ⋯ H_{k1−1} =
 * I − Y T Yᵀ (Schreiber & Van Loan 1989; Golub & Van Loan, 4th ed., §5.1.7; LAPACK dlarft
 * and dlarfb), so each row of the target is read once per block instead of once per
 * reflector. The inner loops work on two rows at a time against four reflectors at a time:
 * every loaded value then feeds several multiply-adds, which is what bounds these loops.
 */
import type { Tridiagonalization } from './tridiagonal.ts';

/** Reflectors per block: the panel (BLOCK_SIZE·n·8 bytes) stays in L2. */
const BLOCK_SIZE = 32;

/**
 * M ← M·Qᵀ = M·H_{n−3} ⋯ H_1 H_0 in place, for row-major M with n columns: for each row
 * m and block, y = mY, z = Ty, m ← m − zᵀYᵀ. With `startsAsIdentity` (M = I, giving Qᵀ
 * itself) rows that are still unit vectors are skipped, the backward accumulation of
 * Golub & Van Loan §5.1.6. Rows of Qᵀ are the columns of Q.
 * @example
 *   const reduction = tridiagonalize(fromRows([[4, 1, 2], [1, 3, 0], [2, 0, 1]]));
 *   const transposedQ = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
 *   multiplyByTransposedQ(reduction, transposedQ, true); // transposedQ now holds Qᵀ
 */
export function multiplyByTransposedQ(
  tridiagonal: Tridiagonalization,
  matrix: Float64Array,
  startsAsIdentity: boolean,
): void {
  const { reflectors, betas } = tridiagonal;
  const n = betas.length;
  const rowCount = matrix.length / n;
  const panel = new Float64Array(BLOCK_SIZE * n);
  const triangle = new Float64Array(BLOCK_SIZE * BLOCK_SIZE);
  const projections = [new Float64Array(BLOCK_SIZE), new Float64Array(BLOCK_SIZE)];
  const weights = [new Float64Array(BLOCK_SIZE), new Float64Array(BLOCK_SIZE)];
  const reflectorCount = Math.max(0, n - 2);
  // Blocks are applied last first: M·H_{n−3} ⋯ H_0 multiplies by the highest k first.
  for (let blockEnd = reflectorCount; blockEnd > 0; blockEnd -= BLOCK_SIZE) {
    const blockStart = Math.max(0, blockEnd - BLOCK_SIZE);
    const size = blockEnd - blockStart;
    const first = blockStart + 1; // every reflector of the block is zero before this column
    buildPanel(reflectors, n, blockStart, size, panel);
    buildTriangle(panel, betas, n, blockStart, size, triangle);
    for (let row = startsAsIdentity ? first : 0; row < rowCount; row += 2) {
      // An odd last row is paired with itself, its second copy given zero weights below.
      const second = row + 1 < rowCount ? row + 1 : row;
      project(matrix, row * n, second * n, panel, n, first, size, projections);
      // P = H_{k1−1} ⋯ H_{k0} = I − Y Tᵀ Yᵀ, so each row's weights are T·projections.
      for (let copy = 0; copy < 2; copy++) {
        for (let b = 0; b < size; b++) {
          let sum = 0;
          for (let a = b; a < size; a++) sum += triangle[b * BLOCK_SIZE + a] * projections[copy][a];
          weights[copy][b] = copy === 1 && second === row ? 0 : sum;
        }
      }
      subtract(matrix, row * n, second * n, panel, n, first, size, weights);
    }
  }
}

/** Copies v_{k0}, …, v_{k0+size−1} into dense rows of `panel`, zero outside their support. */
function buildPanel(reflectors: Float64Array, n: number, blockStart: number, size: number, panel: Float64Array): void {
  panel.fill(0);
  for (let a = 0; a < size; a++) {
    const k = blockStart + a;
    panel.set(reflectors.subarray(k * n + k + 1, (k + 1) * n), a * n + k + 1);
  }
}

/**
 * Upper-triangular T with H_{k0} ⋯ H_{k0+size−1} = I − Y T Yᵀ, column by column:
 * T(0:j, j) = −β_j T(0:j, 0:j) Y(:, 0:j)ᵀ v_j, T(j, j) = β_j (LAPACK dlarft, forward).
 */
function buildTriangle(
  panel: Float64Array,
  betas: Float64Array,
  n: number,
  blockStart: number,
  size: number,
  triangle: Float64Array,
): void {
  triangle.fill(0);
  const overlaps = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    const beta = betas[blockStart + j];
    for (let a = 0; a < j; a++) {
      let sum = 0;
      for (let column = blockStart + j + 1; column < n; column++) sum += panel[a * n + column] * panel[j * n + column];
      overlaps[a] = sum;
    }
    for (let a = 0; a < j; a++) {
      let sum = 0;
      for (let b = a; b < j; b++) sum += triangle[a * BLOCK_SIZE + b] * overlaps[b];
      triangle[a * BLOCK_SIZE + j] = -beta * sum;
    }
    triangle[j * BLOCK_SIZE + j] = beta;
  }
}

/** projections[r][a] = Σ_{j ≥ first} row_r[j]·panel_a[j] for the two rows, four panel rows per pass. */
function project(
  matrix: Float64Array,
  top: number,
  bottom: number,
  panel: Float64Array,
  n: number,
  first: number,
  size: number,
  projections: Float64Array[],
): void {
  const [topProjections, bottomProjections] = projections;
  let a = 0;
  for (; a + 4 <= size; a += 4) {
    const p0 = a * n;
    const p1 = p0 + n;
    const p2 = p1 + n;
    const p3 = p2 + n;
    let top0 = 0;
    let top1 = 0;
    let top2 = 0;
    let top3 = 0;
    let bottom0 = 0;
    let bottom1 = 0;
    let bottom2 = 0;
    let bottom3 = 0;
    for (let j = first; j < n; j++) {
      const x = matrix[top + j];
      const y = matrix[bottom + j];
      const q0 = panel[p0 + j];
      const q1 = panel[p1 + j];
      const q2 = panel[p2 + j];
      const q3 = panel[p3 + j];
      top0 += x * q0;
      top1 += x * q1;
      top2 += x * q2;
      top3 += x * q3;
      bottom0 += y * q0;
      bottom1 += y * q1;
      bottom2 += y * q2;
      bottom3 += y * q3;
    }
    topProjections.set([top0, top1, top2, top3], a);
    bottomProjections.set([bottom0, bottom1, bottom2, bottom3], a);
  }
  for (; a < size; a++) {
    let topSum = 0;
    let bottomSum = 0;
    for (let j = first; j < n; j++) {
      topSum += matrix[top + j] * panel[a * n + j];
      bottomSum += matrix[bottom + j] * panel[a * n + j];
    }
    topProjections[a] = topSum;
    bottomProjections[a] = bottomSum;
  }
}

/** row_r[j] −= Σ_b weights[r][b]·panel_b[j] over j ≥ first for the two rows, four panel rows per pass. */
function subtract(
  matrix: Float64Array,
  top: number,
  bottom: number,
  panel: Float64Array,
  n: number,
  first: number,
  size: number,
  weights: Float64Array[],
): void {
  const [topWeights, bottomWeights] = weights;
  let b = 0;
  for (; b + 4 <= size; b += 4) {
    const p0 = b * n;
    const p1 = p0 + n;
    const p2 = p1 + n;
    const p3 = p2 + n;
    const [t0, t1, t2, t3] = [topWeights[b], topWeights[b + 1], topWeights[b + 2], topWeights[b + 3]];
    const [u0, u1, u2, u3] = [bottomWeights[b], bottomWeights[b + 1], bottomWeights[b + 2], bottomWeights[b + 3]];
    for (let j = first; j < n; j++) {
      const q0 = panel[p0 + j];
      const q1 = panel[p1 + j];
      const q2 = panel[p2 + j];
      const q3 = panel[p3 + j];
      matrix[top + j] -= t0 * q0 + t1 * q1 + t2 * q2 + t3 * q3;
      matrix[bottom + j] -= u0 * q0 + u1 * q1 + u2 * q2 + u3 * q3;
    }
  }
  for (; b < size; b++) {
    for (let j = first; j < n; j++) {
      matrix[top + j] -= topWeights[b] * panel[b * n + j];
      matrix[bottom + j] -= bottomWeights[b] * panel[b * n + j];
    }
  }
}
