/** Kernel ridge regression: the eigen path equals the Cholesky path; λ → 0 interpolates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import { kernelRidgeFit, kernelRidgePath, kernelRidgePredict } from '../../src/kernel-methods/ridge.ts';
import { fromRows, identity, zeros } from '../../src/linalg/index.ts';
import {
  maxAbs,
  maxAbsDifference,
  naiveMatmul,
  naiveTranspose,
  randomMatrix,
  rbfKernel,
  seedArb,
} from '../linalg/helpers.ts';

describe('kernel ridge regression', () => {
  it('the one-eigendecomposition path equals a Cholesky solve per ridge, on train and test points', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (seed, n, t, k) => {
          const random = new Random(seed);
          const points = randomMatrix(random, n + t, 3);
          const train = { rows: n, cols: 3, data: points.data.slice(0, 3 * n) };
          const test = { rows: t, cols: 3, data: points.data.slice(3 * n) };
          const kernel = rbfKernel(train, train, 1.3);
          const crossKernel = rbfKernel(test, train, 1.3);
          const targets = randomMatrix(random, n, k);
          const ridges = [1e-3, 0.1, 1, 10];
          const testPaths = kernelRidgePath(kernel, targets, ridges, crossKernel);
          const trainPaths = kernelRidgePath(kernel, targets, ridges);
          ridges.forEach((ridge, r) => {
            const { coefficients, jitter } = kernelRidgeFit(kernel, targets, ridge);
            expect(jitter).toBe(0);
            // cond(K + λI) ≤ (‖K‖ + λ)/λ bounds how far the two exact-arithmetic-equal answers drift.
            const tolerance = ((1e-12 * (n + ridge)) / ridge) * (1 + maxAbs(targets.data));
            expect(
              maxAbsDifference(testPaths[r].data, kernelRidgePredict(crossKernel, coefficients).data),
            ).toBeLessThanOrEqual(tolerance);
            expect(
              maxAbsDifference(trainPaths[r].data, kernelRidgePredict(kernel, coefficients).data),
            ).toBeLessThanOrEqual(tolerance);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
  it('interpolates the training targets as λ → 0 on a well-conditioned kernel', () => {
    const random = new Random(21);
    const n = 30;
    const points = randomMatrix(random, n, 5);
    // A narrow RBF kernel on spread-out points is close to the identity: well conditioned.
    const kernel = rbfKernel(points, points, 0.7);
    const targets = randomMatrix(random, n, 2);
    const [exact, tiny] = kernelRidgePath(kernel, targets, [0, 1e-10]);
    expect(maxAbsDifference(exact.data, targets.data)).toBeLessThan(1e-10);
    expect(maxAbsDifference(tiny.data, targets.data)).toBeLessThan(1e-8);
    const { coefficients } = kernelRidgeFit(kernel, targets, 0);
    expect(maxAbsDifference(kernelRidgePredict(kernel, coefficients).data, targets.data)).toBeLessThan(1e-10);
  });
  it('uses the pseudo-inverse at λ = 0 on a singular kernel, and jitter on the Cholesky path', () => {
    // K = x xᵀ has rank one: the minimum-norm fit predicts the projection of Y onto x.
    const x = [1, 2, 3];
    const kernel = fromRows(x.map((a) => x.map((b) => a * b)));
    const targets = fromRows([[1], [0], [2]]);
    const [predictions] = kernelRidgePath(kernel, targets, [0]);
    const projection = x.map((value) => (value * (1 + 0 + 6)) / 14);
    expect(maxAbsDifference(predictions.data, projection)).toBeLessThan(1e-13);
    expect(kernelRidgeFit(kernel, targets, 0).jitter).toBeGreaterThan(0);
  });
  it('matches the documented examples', () => {
    expect(
      maxAbsDifference(kernelRidgeFit(identity(2), fromRows([[1], [2]]), 1).coefficients.data, [0.5, 1]),
    ).toBeLessThan(1e-15);
    expect(Array.from(kernelRidgePredict(fromRows([[1, 0]]), fromRows([[3], [4]])).data)).toEqual([3]);
    const path = kernelRidgePath(identity(2), fromRows([[1], [2]]), [0, 1]);
    expect(maxAbsDifference(path[1].data, [0.5, 1])).toBeLessThan(1e-15);
  });
  it('rejects mismatched shapes, bad ridges and NaN', () => {
    const kernel = identity(3);
    expect(() => kernelRidgeFit(kernel, zeros(2, 1), 1)).toThrow(
      'kernelRidgeFit: targets must have one row per training point, got trainKernel 3x3 and targets 2x1',
    );
    expect(() => kernelRidgeFit(zeros(3, 2), zeros(3, 1), 1)).toThrow(
      'kernelRidgeFit: trainKernel must be square, got 3x2',
    );
    expect(() => kernelRidgeFit(kernel, zeros(3, 1), -1)).toThrow(
      'kernelRidgeFit: ridge must be a finite number >= 0, got -1',
    );
    expect(() => kernelRidgePath(kernel, zeros(3, 1), [1, NaN])).toThrow(
      'kernelRidgePath: ridge must be a finite number >= 0, got NaN',
    );
    expect(() => kernelRidgePath(kernel, zeros(3, 1), [1], zeros(2, 2))).toThrow(
      'kernelRidgePath: predictionKernel must have one column per training point, got trainKernel 3x3 and predictionKernel 2x2',
    );
    expect(() => kernelRidgePredict(zeros(2, 2), zeros(3, 1))).toThrow(
      'kernelRidgePredict: predictionKernel.cols must equal coefficients.rows (the training points), got 2x2 and 3x1',
    );
    const broken = identity(3);
    broken.data[4] = NaN;
    expect(() => kernelRidgeFit(broken, zeros(3, 1), 1)).toThrow(
      'kernelRidgeFit: trainKernel must be finite, got NaN at entry (1, 1)',
    );
  });
  it('agrees with the closed form (K + λI)⁻¹ on a random Gram kernel', () => {
    const random = new Random(8);
    const features = randomMatrix(random, 12, 4);
    const kernel = naiveMatmul(features, naiveTranspose(features));
    const targets = randomMatrix(random, 12, 1);
    const { coefficients } = kernelRidgeFit(kernel, targets, 0.5);
    const shifted = naiveMatmul(kernel, coefficients);
    shifted.data.forEach((value, i) => (shifted.data[i] = value + 0.5 * coefficients.data[i]));
    expect(maxAbsDifference(shifted.data, targets.data)).toBeLessThan(1e-12);
  });
});
