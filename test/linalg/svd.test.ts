/** Thin SVD: reconstruction, orthonormal factors, descending values, agreement with eig(AᵀA). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import { fromRows, singularValues, svd, symmetricEigenvalues, zeros, type Matrix } from '../../src/linalg/index.ts';
import {
  matrixArb,
  maxAbs,
  maxAbsDifference,
  naiveMatmul,
  naiveTranspose,
  orthogonalityError,
  randomMatrix,
  seedArb,
} from './helpers.ts';

/** Checks A = U diag(S) Vᵀ, UᵀU = VᵀV = I, S descending and non-negative. */
function expectSvd(a: Matrix): void {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  const { U, singularValues: values, V } = svd(a);
  expect([U.rows, U.cols, values.length, V.rows, V.cols]).toEqual([m, k, k, n, k]);
  for (let i = 0; i < k; i++) {
    expect(values[i]).toBeGreaterThanOrEqual(0);
    if (i > 0) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  }
  const scaledU = { ...U, data: U.data.map((value, index) => value * values[index % k]) };
  const reconstruction = naiveMatmul(scaledU, naiveTranspose(V));
  const scale = Math.max(m, n) * Number.EPSILON * Math.max(values[0] ?? 0, Number.MIN_VALUE);
  // The floor allows for rounding of subnormal singular values.
  expect(maxAbsDifference(reconstruction.data, a.data)).toBeLessThanOrEqual(20 * scale + 4 * Number.MIN_VALUE);
  expect(orthogonalityError(U)).toBeLessThanOrEqual(20 * Math.max(m, n) * Number.EPSILON);
  expect(orthogonalityError(V)).toBeLessThanOrEqual(20 * Math.max(m, n) * Number.EPSILON);
  expect(Array.from(singularValues(a))).toEqual(Array.from(values));
}

describe('svd', () => {
  it('decomposes random tall, wide and square matrices', () => {
    fc.assert(fc.property(matrixArb(1, 9, 1, 9), expectSvd), { numRuns: 150 });
  });
  it('keeps regression cases found by fast-check (subnormal and widely scaled entries)', () => {
    expectSvd(fromRows([[5e-324]]));
    expectSvd(fromRows([[5e-324, 5e-324]]));
    // √(αβ) underflowed to 0 here, so every pair looked non-orthogonal.
    const underflow = zeros(5, 7);
    underflow.data.set([9.135073938267358e-181, 0, 0, 0, 3.203332952292962e-145], 9);
    underflow.data[15] = 8.730880122944518e-35;
    underflow.data.set([6.46030824396391e-143, -1.480896777735365e-161], 33);
    expectSvd(underflow);
    // A column reduced to rounding noise by cancellation kept being rotated forever.
    expectSvd(
      fromRows([
        [0, -2.1984204514428612e-75, -9.899676989743548e-15],
        [7.382190472348332e-192, 0, 2.3142533795422375e-38],
        [0, 0, 0],
      ]),
    );
  });
  it('agrees with the square roots of eig(AᵀA)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }), (seed, m, n) => {
        const a = randomMatrix(new Random(seed), m, n);
        const small = m >= n ? naiveMatmul(naiveTranspose(a), a) : naiveMatmul(a, naiveTranspose(a));
        const eigenvalues = Array.from(symmetricEigenvalues(small)).reverse();
        const values = svd(a).singularValues;
        // Compare σ² with λ: eig(AᵀA) is accurate to ε‖A‖², not to ε relative for small σ.
        const squared = Array.from(values, (value) => value * value);
        expect(maxAbsDifference(squared, eigenvalues)).toBeLessThanOrEqual(
          50 * Math.max(m, n) * Number.EPSILON * squared[0],
        );
      }),
      { numRuns: 60 },
    );
  });
  it('handles rank deficiency with orthonormal completed U columns', () => {
    expectSvd(zeros(4, 3));
    expectSvd(zeros(2, 5));
    expectSvd(
      fromRows([
        [1, 2],
        [2, 4],
        [3, 6],
      ]),
    );
    const random = new Random(2);
    const left = randomMatrix(random, 30, 3);
    const right = randomMatrix(random, 3, 20);
    const lowRank = naiveMatmul(left, right);
    expectSvd(lowRank);
    expectSvd(naiveTranspose(lowRank));
    const values = svd(lowRank).singularValues;
    expect(values[3] / values[0]).toBeLessThan(1e-14);
  });
  it('computes a tiny singular value to high relative accuracy (diagonal scaling)', () => {
    // A = D B with badly scaled rows: one-sided Jacobi keeps σ_min's relative accuracy.
    const a = fromRows([
      [1, 1],
      [1e-12, -1e-12],
    ]);
    const values = svd(a).singularValues;
    expect(values[0]).toBeCloseTo(Math.SQRT2, 15);
    expect(Math.abs(values[1] / (Math.SQRT2 * 1e-12) - 1)).toBeLessThan(1e-14);
  });
  it('decomposes a 100×100 and a 200×60 random matrix', () => {
    const random = new Random(4);
    expectSvd(randomMatrix(random, 100, 100));
    expectSvd(randomMatrix(random, 200, 60));
  });
  it('rejects non-finite input', () => {
    expect(() => svd(fromRows([[1, Infinity]]))).toThrow('svd: matrix must be finite, got Infinity at entry (0, 1)');
    expect(() => singularValues({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      'singularValues: matrix is 2x2 but its data has length 3',
    );
  });
  it('returns empty factors for an empty matrix', () => {
    const { U, singularValues: values, V } = svd(zeros(3, 0));
    expect([U.rows, U.cols, values.length, V.rows, V.cols]).toEqual([3, 0, 0, 0, 0]);
  });
  it('matches the documented example', () => {
    expect(
      maxAbs(
        svd(
          fromRows([
            [3, 0],
            [0, -2],
          ]),
        ).singularValues.map((value, i) => value - [3, 2][i]),
      ),
    ).toBe(0);
  });
});
