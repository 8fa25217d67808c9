/** The trainable factorization: init scale, end-to-end product, losses, training loop; and the problem generators. */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { SGD } from '../../src/optim/index.ts';
import * as la from '../../src/linalg/index.ts';
import {
  DeepMatrixFactorization,
  completionLoss,
  endToEnd,
  gaussianMeasurements,
  lowRankTarget,
  observeEntries,
  reconstructionError,
  sensingLoss,
  trainFactorization,
} from '../../src/matrix-factorization/index.ts';

const toMatrix = (tensor: ad.Tensor) => la.fromArray(tensor.shape[0], tensor.shape[1], tensor.data);

describe('problems', () => {
  it('scales the ground truth to ‖W*‖_F = n with the requested rank', () => {
    const target = lowRankTarget(30, 4, 7);
    expect(Math.hypot(...target.data)).toBeCloseTo(30, 9);
    const values = la.singularValues(target);
    expect(values[3]).toBeGreaterThan(1);
    expect(values[4]).toBeLessThan(1e-10);
  });
  it('observes distinct entries and measures with unit-variance Gaussian sensing', () => {
    const target = lowRankTarget(30, 4, 7);
    const { indices, values } = observeEntries(target, 300, 8);
    expect(new Set(indices).size).toBe(300);
    indices.forEach((index, k) => expect(values[k]).toBe(target.data[index]));
    const { sensing, measurements } = gaussianMeasurements(target, 400, 9);
    const meanSquare = measurements.reduce((total, value) => total + value * value, 0) / measurements.length;
    expect(meanSquare).toBeGreaterThan(0.7);
    expect(meanSquare).toBeLessThan(1.3);
    expect(sensing.rows).toBe(400);
    expect(reconstructionError(la.zeros(30, 30).data, target)).toBeCloseTo(1, 12);
  });
});

describe('DeepMatrixFactorization', () => {
  it('initializes as the official code does: ‖W_e‖_F ≈ scale·√n', () => {
    for (const depth of [1, 2, 3, 4]) {
      const model = DeepMatrixFactorization.gaussian({ size: 100, depth, scale: 1e-3, seed: depth });
      const norm = Math.hypot(...model.endToEnd().data);
      expect(norm / (1e-3 * 10)).toBeGreaterThan(0.8);
      expect(norm / (1e-3 * 10)).toBeLessThan(1.2);
    }
  });
  it('computes W_N ⋯ W_1 and applies it as a linear network', () => {
    const model = DeepMatrixFactorization.gaussian({ size: 5, depth: 3, scale: 1, seed: 0 });
    const expected = endToEnd(model.factors.map((factor) => toMatrix(factor.value)));
    const product = model.endToEnd();
    product.data.forEach((value, i) => expect(value).toBeCloseTo(expected.data[i], 12));
    const applied = model.forward(ad.tensor(la.identity(5).data, { shape: [5, 5], dtype: 'float64' }));
    applied.data.forEach((value, i) => expect(value).toBeCloseTo(expected.data[i], 12));
  });
  it('rejects factors that do not chain', () => {
    expect(() => new DeepMatrixFactorization([])).toThrow(/at least one factor/);
    expect(() => new DeepMatrixFactorization([ad.zeros([2, 3]), ad.zeros([2, 3])])).toThrow(/does not follow/);
  });
});

describe('losses', () => {
  it('completionLoss is the mean squared error on observed entries, with gradient 2/m·residual there', () => {
    const w = ad.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const loss = completionLoss([1, 2], ad.tensor([0, 1], { dtype: 'float64' }));
    expect(loss(w).item()).toBeCloseTo((4 + 4) / 2, 12);
    expect(ad.grad(loss)(w).toArray()).toEqual([0, 2, 2, 0]);
  });
  it('sensingLoss is the mean squared error of ⟨A_i, W⟩', () => {
    const w = ad.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { dtype: 'float64' },
    );
    const sensing = ad.tensor(
      [
        [1, 0, 0, 1],
        [0, 1, 1, 0],
      ],
      { dtype: 'float64' },
    );
    const loss = sensingLoss(sensing, ad.tensor([5, 0], { dtype: 'float64' }));
    expect(loss(w).item()).toBeCloseTo((0 + 25) / 2, 12);
  });
});

describe('trainFactorization', () => {
  it('completes a small rank-1 matrix, stopping at the target loss', () => {
    const target = lowRankTarget(8, 1, 1);
    const { indices, values } = observeEntries(target, 40, 2);
    const model = DeepMatrixFactorization.gaussian({ size: 8, depth: 3, scale: 1e-2, seed: 3 });
    const losses: number[] = [];
    const result = trainFactorization(
      model,
      completionLoss(indices, ad.tensor(values, { dtype: 'float64' })),
      new SGD(model.parameters(), { lr: 0.3 }),
      {
        targetLoss: 1e-5,
        maxSteps: 3000,
        observe: (_step, _w, loss) => losses.push(loss),
      },
    );
    expect(result.converged).toBe(true);
    expect(result.loss).toBeLessThanOrEqual(1e-5);
    expect(losses.length).toBe(result.steps + 1);
    expect(reconstructionError(result.endToEnd.data, target)).toBeLessThan(1e-3);
  });
  it('stops at the step cap without claiming convergence', () => {
    const model = DeepMatrixFactorization.gaussian({ size: 4, depth: 2, scale: 1e-3, seed: 0 });
    const loss = completionLoss([0], ad.tensor([1], { dtype: 'float64' }));
    const result = trainFactorization(model, loss, new SGD(model.parameters(), { lr: 0.1 }), {
      targetLoss: 1e-6,
      maxSteps: 3,
    });
    expect(result.steps).toBe(3);
    expect(result.converged).toBe(false);
  });
});
