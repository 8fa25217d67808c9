/**
 * H∞ of Arora et al. 2019 (papers/fine-grained/gram.ts): the closed form equals the expectation
 * over w ∼ N(0, I) (Monte Carlo within its standard error), is PSD, and is positive definite for
 * unit-norm pairwise non-parallel inputs (Thm 3.1); in a wide net the residual's projections on
 * H∞'s eigenvectors decay at the rates 1 − ηλ_i (Thm 4.1).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { symmetricEigen, symmetricEigenvalues } from '../../../src/linalg/index.ts';
import { gramAtWeights, gramInfinity, gramMonteCarlo } from '../../../papers/fine-grained/gram.ts';
import { initTwoLayer, TwoLayerGradientDescent } from '../../../papers/fine-grained/network.ts';
import { predictedResidualNorm, project } from '../../../papers/fine-grained/spectral.ts';

/** n random inputs in R^d, as rows of a float64 tensor, optionally scaled to unit norm. */
function inputs(rows: number[][], unit: boolean): ad.Tensor {
  const scaled = rows.map((row) => {
    const norm = Math.hypot(...row);
    return unit ? row.map((value) => value / norm) : row;
  });
  return ad.tensor(scaled, { dtype: 'float64' });
}

const vector = (d: number) =>
  fc
    .array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: d, maxLength: d })
    .filter((row) => Math.hypot(...row) > 0.1);
const inputSet = fc
  .record({ n: fc.integer({ min: 2, max: 6 }), d: fc.integer({ min: 2, max: 6 }) })
  .chain(({ n, d }) => fc.array(vector(d), { minLength: n, maxLength: n }));

/** Largest |cos| between two distinct rows. */
function maximumCosine(rows: number[][]): number {
  let worst = 0;
  for (let i = 0; i < rows.length; i++) {
    for (let j = 0; j < i; j++) {
      const dot = rows[i].reduce((sum, value, k) => sum + value * rows[j][k], 0);
      worst = Math.max(worst, Math.abs(dot) / (Math.hypot(...rows[i]) * Math.hypot(...rows[j])));
    }
  }
  return worst;
}

describe('H∞ (Arora et al. 2019, §3)', () => {
  it('has the closed form x_iᵀx_j (π − arccos x_iᵀx_j)/(2π) on unit vectors (½ on the diagonal, 0 for orthogonal pairs)', () => {
    const gram = gramInfinity(
      ad.tensor(
        [
          [1, 0],
          [0, 1],
          [Math.SQRT1_2, Math.SQRT1_2],
        ],
        { dtype: 'float64' },
      ),
    );
    const diagonal = (Math.SQRT1_2 * (Math.PI - Math.PI / 4)) / (2 * Math.PI); // 45° between [c, c] and either axis
    const expected = [
      [0.5, 0, diagonal],
      [0, 0.5, diagonal],
      [diagonal, diagonal, 0.5],
    ];
    expected.flat().forEach((value, k) => expect(gram.data[k]).toBeCloseTo(value, 15));
  });

  it('equals E_w[x_iᵀx_j 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}]: Monte Carlo agrees within 6 standard errors', () => {
    const samples = 20000;
    fc.assert(
      fc.property(inputSet, fc.boolean(), fc.nat(1000), (rows, unit, seed) => {
        const x = inputs(rows, unit);
        const exact = gramInfinity(x);
        const estimate = gramMonteCarlo(x, samples, seed);
        const n = rows.length;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const dot =
              rows[i].reduce((sum, value, k) => sum + value * rows[j][k], 0) /
              (unit ? Math.hypot(...rows[i]) * Math.hypot(...rows[j]) : 1);
            // P(wᵀx_i ≥ 0, wᵀx_j ≥ 0) ∈ [0, 1]; the ratio leaves it only by rounding when dot is tiny
            // (e.g. 1e-20 with a denormal coordinate), where the square root below would be NaN.
            const ratio = dot === 0 ? 0.5 : exact.data[i * n + j] / dot;
            const probability = Math.min(1, Math.max(0, ratio));
            const standardError = Math.abs(dot) * Math.sqrt((probability * (1 - probability)) / samples);
            expect(Math.abs(estimate.data[i * n + j] - exact.data[i * n + j])).toBeLessThanOrEqual(
              6 * standardError + 1e-12,
            );
          }
        }
      }),
      {
        numRuns: 25,
        // Found by a CI-like run: a near-orthogonal pair whose ratio rounded outside [0, 1].
        examples: [
          [
            [
              [0.09999999990710451, 0, 0, 0.000004310348194289418, 0],
              [-0.9999999999999989, 0, 0.9999999999999996, 0, -1e-323],
              [0, 0, 0.10000000000000002, 0, 0],
              [0, 0, 0, 0, 0.10000000000000002],
              [-0.10000000000000002, 0, 0, 0, 0],
              [1, 0, 0.9999999999999993, 0, 0.750065518093915],
            ],
            true,
            0,
          ],
        ],
      },
    );
  });

  it('is symmetric positive semidefinite, parallel inputs included', () => {
    fc.assert(
      fc.property(inputSet, fc.boolean(), fc.boolean(), (rows, unit, duplicate) => {
        const all = duplicate ? [...rows, rows[0].map((value) => -2 * value)] : rows;
        const gram = gramInfinity(inputs(all, unit));
        const n = all.length;
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(gram.data[i * n + j]).toBe(gram.data[j * n + i]);
        const values = symmetricEigenvalues(gram);
        // arccos has slope ∞ at ±1: for (anti)parallel pairs a rounding error ε in the cosine moves an entry by ~√ε
        expect(values[0]).toBeGreaterThanOrEqual(-1e-7 * values[n - 1]);
      }),
      { numRuns: 200 },
    );
  });

  it('has λ_min > 0 for unit-norm, pairwise non-parallel inputs (Thm 3.1)', () => {
    fc.assert(
      fc.property(
        inputSet.filter((rows) => maximumCosine(rows) < 0.98),
        (rows) => {
          const values = symmetricEigenvalues(gramInfinity(inputs(rows, true)));
          expect(values[0]).toBeGreaterThan(1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('H(W) for weights drawn from N(0, κ²I) does not depend on κ (the pattern is scale-free)', () => {
    const x = inputs(
      [
        [1, 0.5, 0],
        [0.2, -1, 0.3],
        [0, 0.4, 1],
      ],
      true,
    );
    const a = gramAtWeights(x, ad.randomNormal([500, 3], { seed: 4, dtype: 'float64' }));
    const b = gramAtWeights(x, ad.randomNormal([500, 3], { seed: 4, std: 0.01, dtype: 'float64' }));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('rejects inputs and weights of the wrong shape, naming the function', () => {
    expect(() => gramInfinity(ad.tensor([1, 2, 3], { dtype: 'float64' }))).toThrow(
      /gramInfinity: inputs must be a non-empty \[n, d\] tensor, got \[3\]/,
    );
    expect(() => gramAtWeights(ad.zeros([2, 3], { dtype: 'float64' }), ad.zeros([4, 2], { dtype: 'float64' }))).toThrow(
      /gramAtWeights: weights must be \[m, 3\]/,
    );
    expect(() => gramMonteCarlo(ad.zeros([2, 3], { dtype: 'float64' }), 0, 1)).toThrow(
      /gramMonteCarlo: samples must be a positive integer/,
    );
  });
});

describe("GD on a wide two-layer net follows H∞'s eigen-directions (Thm 4.1)", () => {
  it('the residual projections decay at rates 1 − ηλ_i, and ‖y − u(k)‖ follows the eigen-formula', () => {
    fc.assert(
      fc.property(
        inputSet.filter((rows) => rows.length >= 3 && maximumCosine(rows) < 0.95),
        fc.nat(1000),
        (rows, seed) => {
          const x = inputs(rows, true);
          const n = rows.length;
          const eigen = symmetricEigen(gramInfinity(x));
          const lr = 1 / eigen.values[n - 1];
          const labels = rows.map((_, i) => (i % 2 === 0 ? 1 : -1));
          // κ = 1 keeps the activation patterns fixed at this width; y − u(0) accounts for u(0) ≠ 0
          const gd = new TwoLayerGradientDescent(
            x,
            labels,
            initTwoLayer({ inputs: rows[0].length, width: 20000, kappa: 1, seed }),
            lr,
          );
          const initial = project(
            eigen,
            labels.map((y, i) => y - gd.state.outputs[i]),
          );
          const steps = 15;
          for (let k = 0; k < steps; k++) gd.step();
          const measured = project(
            eigen,
            labels.map((y, i) => y - gd.state.outputs[i]),
          );
          const scale = Math.hypot(...initial);
          initial.forEach((value, i) => {
            expect(Math.abs(measured[i] - (1 - lr * eigen.values[i]) ** steps * value)).toBeLessThan(0.05 * scale);
          });
          const predicted = predictedResidualNorm({ values: eigen.values, projections: initial }, lr, steps);
          expect(Math.abs(gd.residualNorm() - predicted)).toBeLessThan(0.05 * scale);
        },
      ),
      { numRuns: 8 },
    );
  });
});
