/**
 * Symmetric eigendecomposition: A V = V Λ, VᵀV = I, ascending values, agreement with a
 * textbook Jacobi eigenvalue iteration, and the awkward spectra (repeated, clustered,
 * zero, graded) that stress deflation in the QL sweeps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import {
  fromRows,
  identity,
  symmetricEigen,
  symmetricEigenvalues,
  zeros,
  type Matrix,
} from '../../src/linalg/index.ts';
import {
  matrixArb,
  maxAbs,
  maxAbsDifference,
  naiveMatmul,
  naiveTranspose,
  orthogonalityError,
  randomGram,
  randomMatrix,
  randomSymmetric,
  rbfKernel,
  seedArb,
} from './helpers.ts';

/**
 * The classical cyclic Jacobi eigenvalue algorithm (Golub & Van Loan Algorithm 8.5.3),
 * written independently of the code under test: rotate away each off-diagonal entry in
 * turn until the off-diagonal mass is negligible. Returns the eigenvalues ascending.
 */
function jacobiEigenvalues(matrix: Matrix): number[] {
  const n = matrix.rows;
  const a = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => matrix.data[i * n + j]));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ((total += a[i][j] ** 2), i !== j && (off += a[i][j] ** 2));
    if (off <= 1e-30 * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]).sort((x, y) => x - y);
}

/** Checks A V = V Λ and VᵀV = I to n·ε-level tolerances, values ascending. */
function expectEigendecomposition(a: Matrix): void {
  const n = a.rows;
  const { values, vectors } = symmetricEigen(a);
  expect([vectors.rows, vectors.cols, values.length]).toEqual([n, n, n]);
  for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  // Normwise backward stability: errors of order nε‖A‖ (plus subnormal rounding).
  const tolerance = 20 * n * n * Number.EPSILON * maxAbs(a.data) + 4 * Number.MIN_VALUE;
  const product = naiveMatmul(a, vectors);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      expect(Math.abs(product.data[r * n + c] - vectors.data[r * n + c] * values[c])).toBeLessThanOrEqual(tolerance);
    }
  }
  expect(orthogonalityError(vectors)).toBeLessThanOrEqual(20 * n * Number.EPSILON);
  expect(maxAbsDifference(symmetricEigenvalues(a), values)).toBeLessThanOrEqual(tolerance);
}

describe('symmetricEigen', () => {
  it('decomposes random symmetric matrices (A V = V Λ, VᵀV = I, ascending)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 40 }), (seed, n) =>
        expectEigendecomposition(randomSymmetric(new Random(seed), n)),
      ),
      { numRuns: 60 },
    );
  });
  it('decomposes fast-check matrices, including subnormal and widely scaled entries', () => {
    fc.assert(
      fc.property(matrixArb(1, 10, 1, 10), (b) => {
        const n = Math.min(b.rows, b.cols);
        const a = zeros(n, n);
        for (let i = 0; i < n; i++)
          for (let j = 0; j <= i; j++) a.data[j * n + i] = a.data[i * n + j] = b.data[i * b.cols + j];
        expectEigendecomposition(a);
      }),
      { numRuns: 300 },
    );
    // Regression: 1/(x_0 − α) overflowed for a subnormal column.
    const subnormal = zeros(4, 4);
    subnormal.data[8] = subnormal.data[2] = -3e-323;
    subnormal.data[15] = -5.024295867788068e-15;
    expectEigendecomposition(subnormal);
  });
  it('agrees with a naive Jacobi eigenvalue iteration on small matrices', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const a = randomSymmetric(new Random(seed), n);
        const reference = jacobiEigenvalues(a);
        expect(maxAbsDifference(symmetricEigen(a).values, reference)).toBeLessThanOrEqual(
          1e-13 * Math.max(1, maxAbs(reference)),
        );
      }),
      { numRuns: 100 },
    );
  });
  it('reads only the lower triangle', () => {
    const { values } = symmetricEigen(
      fromRows([
        [2, 100],
        [1, 2],
      ]),
    );
    expect(maxAbsDifference(values, [1, 3])).toBeLessThan(1e-15);
  });
  it('handles repeated, zero and exactly tridiagonal spectra', () => {
    expectEigendecomposition(zeros(5, 5));
    expectEigendecomposition(identity(70));
    const { values } = symmetricEigen(identity(4));
    expect(Array.from(values)).toEqual([1, 1, 1, 1]);
    // All-ones: eigenvalue n once and 0 with multiplicity n−1.
    const ones = { rows: 50, cols: 50, data: new Float64Array(2500).fill(1) };
    expectEigendecomposition(ones);
    expect(symmetricEigenvalues(ones)[49]).toBeCloseTo(50, 12);
    // The second-difference matrix has eigenvalues 2 − 2cos(kπ/(n+1)).
    const n = 60;
    const laplacian = zeros(n, n);
    for (let i = 0; i < n; i++) {
      laplacian.data[i * n + i] = 2;
      if (i > 0) laplacian.data[i * n + i - 1] = laplacian.data[(i - 1) * n + i] = -1;
    }
    expectEigendecomposition(laplacian);
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    expect(maxAbsDifference(symmetricEigenvalues(laplacian), expected)).toBeLessThan(1e-13);
  });
  it('handles low-rank PSD kernels with clustered near-zero eigenvalues', () => {
    const random = new Random(7);
    expectEigendecomposition(randomGram(random, 90, 3, 0));
    const points = randomMatrix(random, 120, 2);
    const kernel = rbfKernel(points, points, 1.5);
    expectEigendecomposition(kernel);
    expect(symmetricEigenvalues(kernel)[0]).toBeGreaterThan(-1e-12 * 120);
  });
  it('handles graded matrices spanning many orders of magnitude', () => {
    const n = 30;
    const a = zeros(n, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) a.data[i * n + j] = 10 ** (-(i + j) / 3) * Math.cos(i - 2 * j);
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[j * n + i] = a.data[i * n + j];
    expectEigendecomposition(a);
    expectEigendecomposition(
      fromRows([
        [1e-300, 0],
        [0, 1e300],
      ]),
    );
    // One large entry among tiny ones: unnormalized Householder vectors would overflow β.
    const tiny = randomSymmetric(new Random(9), 10);
    const mixed = { ...tiny, data: tiny.data.map((value) => value * 1e-170) };
    mixed.data[0] = 1;
    expectEigendecomposition(mixed);
    // Entries near the overflow threshold (their squares overflow) and near underflow.
    const random = new Random(5);
    for (const magnitude of [1e200, 1e-200]) {
      const a = randomSymmetric(random, 12);
      expectEigendecomposition({ ...a, data: a.data.map((value) => value * magnitude) });
    }
  });
  it('is unchanged by similarity with a permutation (values) and scales linearly', () => {
    const random = new Random(11);
    const a = randomSymmetric(random, 45);
    const scaled = { ...a, data: a.data.map((value) => -3 * value) };
    const values = symmetricEigenvalues(a);
    const scaledValues = Array.from(symmetricEigenvalues(scaled)).reverse();
    expect(
      maxAbsDifference(
        scaledValues,
        Array.from(values, (value) => -3 * value),
      ),
    ).toBeLessThan(1e-12);
    const permutation = Array.from({ length: 45 }, (_, i) => (i * 7) % 45);
    const permuted = zeros(45, 45);
    for (let i = 0; i < 45; i++)
      for (let j = 0; j < 45; j++) permuted.data[i * 45 + j] = a.data[permutation[i] * 45 + permutation[j]];
    expect(maxAbsDifference(symmetricEigenvalues(permuted), values)).toBeLessThan(1e-12);
  });
  it('spans several reflector blocks and rotation batches (n = 150)', () => {
    const a = randomSymmetric(new Random(3), 150);
    expectEigendecomposition(a);
    const { values, vectors } = symmetricEigen(a);
    // V Λ Vᵀ reconstructs A.
    const scaledVectors = { ...vectors, data: vectors.data.map((value, index) => value * values[index % 150]) };
    const reconstruction = naiveMatmul(scaledVectors, naiveTranspose(vectors));
    expect(maxAbsDifference(reconstruction.data, a.data)).toBeLessThan(1e-12 * 150);
  });
  it('rejects non-square and non-finite input', () => {
    expect(() => symmetricEigen(zeros(3, 4))).toThrow('symmetricEigen: matrix must be square, got 3x4');
    expect(() =>
      symmetricEigenvalues(
        fromRows([
          [1, 0],
          [NaN, 1],
        ]),
      ),
    ).toThrow('symmetricEigenvalues: matrix must be finite, got NaN at entry (1, 0)');
    expect(symmetricEigen(zeros(0, 0)).values.length).toBe(0);
  });
});
