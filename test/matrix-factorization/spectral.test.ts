/** Spectral measures: effective rank, Gram singular values, singular value shrinkage, PSD powers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/data/index.ts';
import * as la from '../../src/linalg/index.ts';
import { maxAbsDifference } from '../helpers/close.ts';
import {
  effectiveRank,
  gramSingularValues,
  nuclearNorm,
  psdPower,
  shrinkSingularValues,
} from '../../src/matrix-factorization/index.ts';

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

function gaussian(rows: number, cols: number, random: Random): la.Matrix {
  return la.fromArray(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => random.normal()),
  );
}

describe('effectiveRank', () => {
  it('is k for k equal singular values, whatever their size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 5 }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        (k, zeros, value) => {
          const values = [...Array(k).fill(value), ...Array(zeros).fill(0)];
          expect(effectiveRank(values)).toBeCloseTo(k, 9);
        },
      ),
    );
  });
  it('lies between 1 and the rank, and is 0 for the zero matrix', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }), (values) => {
        const rank = values.filter((value) => value > 0).length;
        const measured = effectiveRank(values);
        if (rank === 0) expect(measured).toBe(0);
        else {
          expect(measured).toBeGreaterThanOrEqual(1 - 1e-12);
          expect(measured).toBeLessThanOrEqual(rank + 1e-9);
        }
      }),
    );
  });
  it('matches exp(entropy) on a worked example', () => {
    // p = (0.75, 0.25): exp(−0.75 ln 0.75 − 0.25 ln 0.25)
    expect(effectiveRank([3, 1])).toBeCloseTo(Math.exp(-0.75 * Math.log(0.75) - 0.25 * Math.log(0.25)), 12);
    expect(nuclearNorm([3, 1])).toBe(4);
  });
});

describe('gramSingularValues', () => {
  it('agrees with the SVD to about ‖X‖·√ε', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (seed, rows, cols) => {
        const matrix = gaussian(rows, cols, new Random(seed));
        const exact = la.singularValues(matrix);
        const fast = gramSingularValues(matrix);
        expect(fast.length).toBe(exact.length);
        expect(maxAbsDifference(fast, exact)).toBeLessThanOrEqual(1e-6 * (exact[0] + 1));
      }),
      { numRuns: 50 },
    );
  });
});

describe('shrinkSingularValues', () => {
  it('is U max(Σ − τ, 0) Vᵀ, the proximal map of τ‖·‖_*', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (seed, rows, cols, threshold) => {
          const matrix = gaussian(rows, cols, new Random(seed));
          const { U, singularValues, V } = la.svd(matrix);
          const k = singularValues.length;
          const expected = la.zeros(rows, cols);
          for (let r = 0; r < k; r++) {
            const shrunk = Math.max(singularValues[r] - threshold, 0);
            for (let i = 0; i < rows; i++)
              for (let j = 0; j < cols; j++)
                expected.data[i * cols + j] += shrunk * U.data[i * k + r] * V.data[j * k + r];
          }
          const shrinkage = shrinkSingularValues(matrix, threshold);
          expect(maxAbsDifference(shrinkage.result.data, expected.data)).toBeLessThanOrEqual(
            1e-9 * (singularValues[0] + 1),
          );
          expect(shrinkage.rank).toBe(Array.from(singularValues).filter((value) => value > threshold).length);
          expect(shrinkage.nuclearNorm).toBeCloseTo(nuclearNorm(la.singularValues(expected)), 9);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('psdPower', () => {
  it('composes: (S^p)^q = S^{pq}, S^1 = S and S^0 = I', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 8 }), (seed, n) => {
        const b = gaussian(n, n, new Random(seed));
        const s = la.matmul(b, la.transpose(b));
        const scale = la.singularValues(s)[0] + 1;
        expect(maxAbsDifference(psdPower(s, 1).data, s.data)).toBeLessThanOrEqual(1e-10 * scale);
        expect(maxAbsDifference(psdPower(psdPower(s, 0.5), 2).data, s.data)).toBeLessThanOrEqual(1e-10 * scale);
        expect(psdPower(s, 0).data).toEqual(la.identity(n).data);
      }),
      { numRuns: 40 },
    );
  });
});
