/**
 * The end-to-end dynamics the paper builds on, checked on small instances with autodiff
 * gradients and SGD steps from src/optim: small-step GD keeps a balanced factorization
 * balanced, one step moves W_e as the closed form of Arora, Cohen & Hazan 2018 says to first
 * order in η, and the singular values move as Theorem 3 of the paper says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { SGD } from '../../src/optim/index.ts';
import * as la from '../../src/linalg/index.ts';
import {
  DeepMatrixFactorization,
  balancedFactorization,
  balancednessGaps,
  completionLoss,
  endToEnd,
  endToEndDirection,
  lowRankTarget,
  observeEntries,
} from '../../src/matrix-factorization/index.ts';

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const size = 6;

function toTensor(matrix: la.Matrix): ad.Tensor {
  return ad.tensor(matrix.data, { shape: [matrix.rows, matrix.cols], dtype: 'float64' });
}

function toMatrix(tensor: ad.Tensor): la.Matrix {
  return la.fromArray(tensor.shape[0], tensor.shape[1], tensor.data);
}

function frobenius(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] ** 2;
  return Math.sqrt(total);
}

/** A completion loss on a random rank-2 target, and a balanced factorization of a random start. */
function setup(seed: number, depth: number) {
  const target = lowRankTarget(size, 2, seed);
  const { indices, values } = observeEntries(target, 20, seed + 1);
  const loss = completionLoss(indices, ad.tensor(values, { dtype: 'float64' }));
  const start = lowRankTarget(size, size, seed + 2);
  return {
    loss,
    factors: balancedFactorization({ ...start, data: start.data.map((value) => value / 3) }, depth, seed + 3),
  };
}

/** The factors after `steps` GD steps of size η (SGD from src/optim, gradients by the autodiff). */
function descend(
  factors: readonly la.Matrix[],
  loss: (w: ad.Tensor) => ad.Tensor,
  learningRate: number,
  steps: number,
): la.Matrix[] {
  const model = new DeepMatrixFactorization(factors.map(toTensor));
  const optimizer = new SGD(model.parameters(), { lr: learningRate });
  for (let step = 0; step < steps; step++) {
    loss(model.endToEnd()).backward();
    optimizer.step();
  }
  return model.factors.map((factor) => toMatrix(factor.value));
}

describe('balancedFactorization', () => {
  it('multiplies back to the target and is balanced', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 4 }), (seed, depth) => {
        const target = lowRankTarget(size, 3, seed);
        const factors = balancedFactorization(target, depth, seed + 1);
        const product = endToEnd(factors);
        expect(frobenius(product.data.map((value, i) => value - target.data[i]))).toBeLessThan(1e-10 * size);
        for (const gap of balancednessGaps(factors)) expect(gap).toBeLessThan(1e-10 * size);
      }),
      { numRuns: 20 },
    );
  });
});

describe('gradient descent from a balanced start', () => {
  it('stays balanced up to O(η): halving η halves the imbalance reached at the same time η·t', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 2, max: 4 }), (seed, depth) => {
        const { loss, factors } = setup(seed, depth);
        const scale = Math.max(...factors.map((factor) => frobenius(factor.data) ** 2));
        const coarse = Math.max(...balancednessGaps(descend(factors, loss, 0.04, 25)));
        const fine = Math.max(...balancednessGaps(descend(factors, loss, 0.02, 50)));
        expect(coarse / scale).toBeLessThan(1e-2);
        expect(coarse / fine).toBeGreaterThan(1.6);
        expect(coarse / fine).toBeLessThan(2.5);
      }),
      { numRuns: 10 },
    );
  });

  it('moves W_e by −η·Σ_j (W_eW_eᵀ)^{(j−1)/N}∇ℓ(W_e)(W_eᵀW_e)^{(N−j)/N} to first order in η (ACH18)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 4 }), (seed, depth) => {
        const { loss, factors } = setup(seed, depth);
        const product = endToEnd(factors);
        const direction = endToEndDirection(product, toMatrix(ad.grad(loss)(toTensor(product))), depth);
        const deviation = (learningRate: number) => {
          const moved = endToEnd(descend(factors, loss, learningRate, 1));
          return frobenius(moved.data.map((value, i) => value - product.data[i] + learningRate * direction.data[i]));
        };
        const [large, small] = [deviation(1e-2), deviation(1e-3)];
        const firstOrder = 1e-2 * frobenius(direction.data);
        if (depth === 1) {
          expect(large).toBeLessThan(1e-12 * firstOrder + 1e-15);
          return;
        }
        expect(large / firstOrder).toBeLessThan(0.1);
        expect(large / small).toBeGreaterThan(60);
        expect(large / small).toBeLessThan(160);
      }),
      { numRuns: 12 },
    );
  });

  it('moves each singular value as Theorem 3 says: Δσ_r ≈ −η·N·(σ_r²)^{1−1/N}·u_rᵀ∇ℓ(W_e)v_r', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 4 }), (seed, depth) => {
        const { loss, factors } = setup(seed, depth);
        const product = endToEnd(factors);
        const { U, singularValues, V } = la.svd(product);
        const rotated = la.matmul(la.matmul(la.transpose(U), toMatrix(ad.grad(loss)(toTensor(product)))), V);
        const deviation = (learningRate: number) => {
          const moved = la.singularValues(endToEnd(descend(factors, loss, learningRate, 1)));
          const errors = Array.from(
            singularValues,
            (sigma, r) =>
              moved[r] - sigma + learningRate * depth * (sigma ** 2) ** (1 - 1 / depth) * rotated.data[r * size + r],
          );
          return frobenius(errors);
        };
        const [large, small] = [deviation(1e-3), deviation(1e-4)];
        expect(large / small).toBeGreaterThan(60);
        expect(large / small).toBeLessThan(160);
      }),
      { numRuns: 12 },
    );
  });
});
