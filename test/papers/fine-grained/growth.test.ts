/**
 * Theorem 6.1 of Arora et al. 2019 (papers/fine-grained/growth.ts): √(yᵀ(H∞)⁻¹y) ≤ 3p‖β‖^p for
 * y = (βᵀx)^p, p = 1 or even, on any unit-norm inputs; the bound fails for the excluded p = 3 (shown
 * on points of the circle, where H∞ gives the degree-3 harmonic no weight); the nested-sample
 * curve equals the complexity computed afresh on each prefix.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { cholesky } from '../../../src/linalg/index.ts';
import { gramInfinity } from '../../../papers/fine-grained/gram.ts';
import {
  complexityCurve,
  complexityOf,
  runGrowth,
  sphereInputs,
  theoremBound,
} from '../../../papers/fine-grained/growth.ts';
import { configuration } from '../../../papers/fine-grained/config.ts';

/** (βᵀx_i)^p for the rows of `inputs`. */
function powerTargets(inputs: ad.Tensor, beta: readonly number[], power: number): Float64Array {
  const [n, d] = inputs.shape;
  return Float64Array.from({ length: n }, (_, i) => {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += beta[j] * inputs.data[i * d + j];
    return dot ** power;
  });
}

describe('Theorem 6.1 (Arora et al. 2019, §6)', () => {
  it('√(yᵀ(H∞)⁻¹y) ≤ 3p‖β‖^p for y = (βᵀx)^p, p ∈ {1, 2, 4}, on random unit inputs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 2, max: 25 }),
        fc.constantFrom(1, 2, 4),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.nat(1000),
        (d, n, power, norm, seed) => {
          const inputs = sphereInputs(n, d, seed);
          const beta = Array.from(sphereInputs(1, d, seed + 1).data, (value) => value * norm);
          const value = complexityOf(inputs, powerTargets(inputs, beta, power));
          expect(value).toBeLessThanOrEqual(theoremBound(power, norm) * (1 + 1e-6));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fails for p = 3, which the theorem excludes: 300 points of the circle exceed 3·3‖β‖³', () => {
    expect(() => theoremBound(3, 1)).toThrow(/theoremBound: Theorem 6.1 covers p = 1 and even p ≥ 2, got p = 3/);
    const inputs = sphereInputs(300, 2, 7);
    const beta = [1, 0];
    const cubic = complexityOf(inputs, powerTargets(inputs, beta, 3));
    expect(cubic).toBeGreaterThan(3 * 3);
    // the same points and β, p = 2 and 4: within the bound
    for (const power of [2, 4])
      expect(complexityOf(inputs, powerTargets(inputs, beta, power))).toBeLessThanOrEqual(theoremBound(power, 1));
  });

  it('the nested-sample curve equals √(yᵀ(H∞_n)⁻¹y) computed on each prefix', () => {
    const inputs = sphereInputs(40, 5, 3);
    const labels = Float64Array.from({ length: 40 }, (_, i) => Math.sin(i));
    const curve = complexityCurve(cholesky(gramInfinity(inputs)), labels, [5, 17, 40]);
    [5, 17, 40].forEach((n, k) => {
      const prefix = ad.tensor(inputs.data.slice(0, n * 5), { shape: [n, 5], dtype: 'float64' });
      expect(curve[k]).toBeCloseTo(complexityOf(prefix, labels.slice(0, n)), 9);
    });
    expect(() => complexityCurve(cholesky(gramInfinity(inputs)), labels, [41])).toThrow(
      /complexityCurve: size 41 outside 1 … 40/,
    );
  });

  it('runGrowth: random labels grow with n, every covered curve stays within its bound', () => {
    const growth = runGrowth({ ...configuration(true).growth, sizes: [20, 80], seeds: 1 }, 0);
    const random = growth.targets[growth.targets.length - 1];
    expect(random.complexity[0][1]).toBeGreaterThan(1.5 * random.complexity[0][0]);
    for (const target of growth.targets.filter((t) => t.bound))
      target.complexity.forEach((curve, s) =>
        curve.forEach((value) => expect(value).toBeLessThanOrEqual(target.bound![s])),
      );
  });
});
