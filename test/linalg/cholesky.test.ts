/** Cholesky: reconstruction on random SPD matrices, jitter retry, and errors. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import { cholesky, choleskyWithJitter, fromRows, zeros } from '../../src/linalg/index.ts';
import {
  addIdentity,
  maxAbs,
  maxAbsDifference,
  naiveMatmul,
  naiveTranspose,
  randomGram,
  randomMatrix,
  seedArb,
} from './helpers.ts';

describe('cholesky', () => {
  it('reconstructs random SPD matrices, L lower triangular with positive diagonal', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 30 }), (seed, n) => {
        const a = randomGram(new Random(seed), n, n, 0.1);
        const l = cholesky(a);
        for (let i = 0; i < n; i++) {
          expect(l.data[i * n + i]).toBeGreaterThan(0);
          for (let j = i + 1; j < n; j++) expect(l.data[i * n + j]).toBe(0);
        }
        const reconstruction = naiveMatmul(l, naiveTranspose(l));
        expect(maxAbsDifference(reconstruction.data, a.data)).toBeLessThanOrEqual(
          4 * n * Number.EPSILON * maxAbs(a.data),
        );
      }),
      { numRuns: 60 },
    );
  });
  it('reads only the lower triangle', () => {
    const l = cholesky(
      fromRows([
        [4, 999],
        [2, 5],
      ]),
    );
    expect(Array.from(l.data)).toEqual([2, 0, 1, 2]);
  });
  it('rejects an indefinite matrix, naming the pivot', () => {
    expect(() =>
      cholesky(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toThrow('cholesky: matrix is not positive definite (pivot 1 of 2');
  });
  it('rejects non-square and non-finite input', () => {
    expect(() => cholesky(zeros(3, 4))).toThrow('cholesky: matrix must be square, got 3x4');
    expect(() =>
      cholesky(
        fromRows([
          [1, 0],
          [NaN, 1],
        ]),
      ),
    ).toThrow('cholesky: matrix must be finite, got NaN at entry (1, 0)');
    expect(() => choleskyWithJitter(fromRows([[Infinity]]))).toThrow('choleskyWithJitter: matrix must be finite');
  });
});

describe('choleskyWithJitter', () => {
  it('needs no jitter on a positive definite matrix', () => {
    expect(
      choleskyWithJitter(
        fromRows([
          [4, 2],
          [2, 5],
        ]),
      ).jitter,
    ).toBe(0);
  });
  it('uses the first jitter, 1e-10 × mean diagonal, on an exactly singular matrix', () => {
    expect(
      choleskyWithJitter(
        fromRows([
          [1, 1],
          [1, 1],
        ]),
      ).jitter,
    ).toBe(1e-10);
    // x xᵀ for x = (1, 2, 3): the second pivot is exactly 0 without jitter.
    const { factor, jitter } = choleskyWithJitter(
      fromRows([
        [1, 2, 3],
        [2, 4, 6],
        [3, 6, 9],
      ]),
    );
    expect(jitter).toBeCloseTo((1e-10 * 14) / 3, 22);
    expect(factor.data[4]).toBeGreaterThan(0);
  });
  it('succeeds on singular PSD Gram matrices and reports the jitter it added', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 3, max: 25 }), (seed, n) => {
        const random = new Random(seed);
        const rank = 1 + random.int(n - 1);
        // Integer factors make B Bᵀ exactly singular in floating point.
        const b = randomMatrix(random, n, rank);
        b.data.forEach((value, index) => (b.data[index] = Math.round(3 * value)));
        const a = naiveMatmul(b, naiveTranspose(b));
        const meanDiagonal = a.data.reduce((sum, value, index) => sum + (index % (n + 1) === 0 ? value : 0), 0) / n;
        if (meanDiagonal === 0) return;
        const { factor, jitter } = choleskyWithJitter(a);
        expect(jitter).toBeLessThanOrEqual(1e-4 * meanDiagonal * (1 + 1e-9));
        const reconstruction = naiveMatmul(factor, naiveTranspose(factor));
        const tolerance = 8 * n * Number.EPSILON * maxAbs(a.data);
        expect(maxAbsDifference(reconstruction.data, addIdentity(a, jitter).data)).toBeLessThanOrEqual(tolerance);
      }),
      { numRuns: 40 },
    );
  });
  it('throws when even the largest jitter fails', () => {
    expect(() =>
      choleskyWithJitter(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
      ),
    ).toThrow('choleskyWithJitter: matrix is not positive definite even with jitter 0.0001 × mean diagonal');
    expect(
      choleskyWithJitter(
        fromRows([
          [1, 1.01],
          [1.01, 1],
        ]),
        { maxRelativeJitter: 0.1 },
      ).jitter,
    ).toBeCloseTo(0.1, 12);
  });
  it('rejects a matrix whose diagonal gives no jitter scale, and bad options', () => {
    expect(() =>
      choleskyWithJitter(
        fromRows([
          [0, 1],
          [1, 0],
        ]),
      ),
    ).toThrow('mean diagonal 0 <= 0');
    expect(() => choleskyWithJitter(fromRows([[1]]), { initialRelativeJitter: 1, maxRelativeJitter: 0.1 })).toThrow(
      'choleskyWithJitter: need 0 < initialRelativeJitter <= maxRelativeJitter',
    );
  });
});
