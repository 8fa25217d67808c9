/**
 * The two-layer net of papers/fine-grained/network.ts: GD in the pre-activation form
 * (Z ← Z − ηXXᵀ∂Φ/∂Z) is GD on W computed by autodiff on W; the paper's hand gradient
 * ∂Φ/∂w_r = (1/√m) a_r Σ_i (u_i − y_i) 1{w_rᵀx_i ≥ 0} x_i agrees with autodiff; label
 * corruption, the antithetic init and the claim statistics behave as documented.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { corruptLabels } from '../../../papers/fine-grained/data.ts';
import { initTwoLayer, networkOutputs, TwoLayerGradientDescent } from '../../../papers/fine-grained/network.ts';
import { pairedErrorDifference } from '../../../papers/fine-grained/noise.ts';
import { differenceVerdict, logLogSlope, maximumGap, trendVerdict } from '../../../papers/fine-grained/statistics.ts';

const loss = (x: ad.Tensor, y: ad.Tensor, signs: ad.Tensor) => (w: ad.Tensor) =>
  y
    .sub(networkOutputs(x, w, signs))
    .square()
    .sum()
    .mul(0.5);

const problem = fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  d: fc.integer({ min: 1, max: 5 }),
  m: fc.integer({ min: 1, max: 40 }),
  seed: fc.nat(1000),
});

function randomProblem({ n, d, m, seed }: { n: number; d: number; m: number; seed: number }) {
  const x = ad.randomNormal([n, d], { seed, dtype: 'float64' });
  const y = ad.randomNormal([n], { seed: seed + 7, dtype: 'float64' });
  const init = initTwoLayer({ inputs: d, width: m, kappa: 0.7, seed: seed + 3 });
  return { x, y, init };
}

describe('two-layer GD (Arora et al. 2019, §3)', () => {
  it("the paper's hand gradient of Φ with respect to W equals autodiff's", () => {
    fc.assert(
      fc.property(problem, (sizes) => {
        const { x, y, init } = randomProblem(sizes);
        const automatic = ad.grad(loss(x, y, init.signs))(init.weights);
        const u = networkOutputs(x, init.weights, init.signs).data;
        const { n, d, m } = sizes;
        const z = ad.matmul(x, init.weights, { transposeB: true }).data;
        for (let r = 0; r < m; r++) {
          for (let c = 0; c < d; c++) {
            let sum = 0;
            for (let i = 0; i < n; i++) if (z[i * m + r] > 0) sum += (u[i] - y.data[i]) * x.data[i * d + c];
            expect(automatic.data[r * d + c]).toBeCloseTo((init.signs.data[r] * sum) / Math.sqrt(m), 12);
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it('steps in the pre-activation form are GD on W: same Z, outputs on new inputs and ‖W(k) − W(0)‖_F', () => {
    fc.assert(
      fc.property(problem, fc.double({ min: 0.01, max: 0.3, noNaN: true }), (sizes, lr) => {
        const { x, y, init } = randomProblem(sizes);
        const gd = new TwoLayerGradientDescent(x, y.data, init, lr);
        let w = init.weights;
        for (let k = 0; k < 4; k++) {
          gd.step();
          w = w.sub(
            ad
              .grad(loss(x, y, init.signs))(w)
              .mul(lr),
          );
        }
        const z = ad.matmul(x, w, { transposeB: true });
        gd.state.preactivations.data.forEach((value, i) => expect(value).toBeCloseTo(z.data[i], 10));
        const expectedOutputs = networkOutputs(x, w, init.signs).data;
        gd.state.outputs.forEach((value, i) => expect(value).toBeCloseTo(expectedOutputs[i], 10));
        const distance = Math.sqrt(w.sub(init.weights).square().sum().item());
        expect(gd.distanceFromInit()).toBeCloseTo(distance, 10);
        const other = ad.randomNormal([3, sizes.d], { seed: sizes.seed + 11, dtype: 'float64' });
        const atOther = gd.outputsAt(
          ad.matmul(other, init.weights, { transposeB: true }),
          ad.matmul(other, x, { transposeB: true }),
        );
        const expected = networkOutputs(other, w, init.signs).data;
        atOther.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 10));
        expect(gd.residualNorm()).toBeCloseTo(
          Math.sqrt(
            y
              .sub(networkOutputs(x, w, init.signs))
              .square()
              .sum()
              .item(),
          ),
          10,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('initializes W(0) ∼ N(0, κ²I) and a ∈ {±1} from the seed', () => {
    const init = initTwoLayer({ inputs: 50, width: 2000, kappa: 0.1, seed: 5 });
    const values = Array.from(init.weights.data);
    const std = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
    expect(std).toBeGreaterThan(0.099);
    expect(std).toBeLessThan(0.101);
    expect(new Set(init.signs.data)).toEqual(new Set([1, -1]));
    expect(Array.from(initTwoLayer({ inputs: 50, width: 2000, kappa: 0.1, seed: 5 }).weights.data)).toEqual(values);
  });

  it('an antithetic init gives u(0) = 0 on any inputs (to rounding)', () => {
    fc.assert(
      fc.property(problem, (sizes) => {
        const { x, y } = randomProblem(sizes);
        const init = initTwoLayer({
          inputs: sizes.d,
          width: 2 * sizes.m,
          kappa: 1,
          seed: sizes.seed,
          antithetic: true,
        });
        expect(init.weights.shape).toEqual([2 * sizes.m, sizes.d]);
        networkOutputs(x, init.weights, init.signs).data.forEach((value) => expect(value).toBeCloseTo(0, 12));
        expect(new TwoLayerGradientDescent(x, y.data, init, 0.1).residualNorm()).toBeCloseTo(Math.hypot(...y.data), 12);
      }),
      { numRuns: 30 },
    );
    expect(() => initTwoLayer({ inputs: 3, width: 5, kappa: 1, seed: 0, antithetic: true })).toThrow(
      /initTwoLayer: an antithetic init needs an even width, got 5/,
    );
  });

  it('rejects bad arguments, naming the function and the argument', () => {
    expect(() => initTwoLayer({ inputs: 3, width: 0, kappa: 1, seed: 0 })).toThrow(
      /initTwoLayer: width must be a positive integer, got 0/,
    );
    expect(() => initTwoLayer({ inputs: 3, width: 2, kappa: 0, seed: 0 })).toThrow(
      /initTwoLayer: kappa must be a positive number/,
    );
    const init = initTwoLayer({ inputs: 3, width: 2, kappa: 1, seed: 0 });
    const x = ad.zeros([4, 3], { dtype: 'float64' });
    expect(() => new TwoLayerGradientDescent(x, [1, 1], init, 0.1)).toThrow(
      /TwoLayerGradientDescent: labels has length 2, expected 4/,
    );
    expect(() => new TwoLayerGradientDescent(x.cast('float32'), [1, 1, 1, 1], init, 0.1)).toThrow(
      /inputs must be a float64 \[n, d\] tensor/,
    );
    expect(() => new TwoLayerGradientDescent(x, [1, 1, 1, 1], init, -1)).toThrow(/lr must be a positive number/);
  });
});

describe('label corruption and claim statistics', () => {
  it('corrupts a superset of examples at a higher level, flipping about p/2 of the labels', () => {
    const labels = Float64Array.from({ length: 4000 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    expect(Array.from(corruptLabels(labels, 0, 3))).toEqual(Array.from(labels));
    const levels = [0.2, 0.6, 1].map((p) => corruptLabels(labels, p, 3));
    const flipped = levels.map((y) => y.map((value, i) => (value !== labels[i] ? 1 : 0)));
    flipped.forEach((flips, k) =>
      expect(Math.abs(flips.reduce((s, v) => s + v, 0) / labels.length - [0.1, 0.3, 0.5][k])).toBeLessThan(0.03),
    );
    // an example random at level p keeps the same random label at every higher level
    levels[0].forEach((value, i) => {
      if (value !== labels[i]) expect(levels[2][i]).toBe(value);
    });
    expect(() => corruptLabels(labels, 1.5, 0)).toThrow(/corruptLabels: corruption must be in \[0, 1\], got 1.5/);
  });

  it('the verdicts: yes only beyond twice the noise, no when a step falls beyond it, else not resolved', () => {
    expect(trendVerdict([1, 2, 3], [0.1, 0.1, 0.1])).toBe(true);
    expect(trendVerdict([1, 1.2, 3], [0.1, 0.1, 0.1])).toBe('not resolved'); // 0.2 < 2·√2·0.1
    expect(trendVerdict([1, 2, 1.5], [0.1, 0.1, 0.1])).toBe(false);
    expect(differenceVerdict([0.11, 0.27], [0.03, 0.05])).toBe(true);
    expect(differenceVerdict([0.11, -0.2], [0.03, 0.05])).toBe(false);
    expect(maximumGap([1, 2, 3], [1, 2.5, 3], 2)).toBeCloseTo(0.25, 15);
    expect(logLogSlope([25, 100, 400], [5, 10, 20])).toBeCloseTo(0.5, 12);
  });

  it('the paired standard error of an error difference counts only the examples the two nets disagree on', () => {
    const a = [true, true, false, false, false, false, false, false];
    expect(pairedErrorDifference(a, a)).toEqual({ difference: 0, standardError: 0 });
    const b = [true, false, true, true, false, false, false, false];
    const { difference, standardError } = pairedErrorDifference(a, b);
    expect(difference).toBeCloseTo(1 / 8, 15); // B gets 2 wrong that A does not, A 1 that B does not
    expect(standardError).toBeCloseTo(Math.sqrt(3 - 1 / 8) / 8, 15);
    expect(() => pairedErrorDifference(a, [true])).toThrow(/pairedErrorDifference: 8 and 1 examples/);
  });
});
