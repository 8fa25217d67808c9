/**
 * The statements adversarial-training relies on, as properties: the sphere data are (ρ, δ)-separable
 * on the unit sphere; the symmetric initialization gives f_{W₀} ≡ 0 and the forward pass is the
 * paper's (1/√m) Σ a_r σ(⟨w_r, x⟩ + b_r); the approximating first layer moves relatively less at a
 * larger width; the statistics behind the verdicts recover a known power law and paired noise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { oppositeLabelDistance, sphereData } from '../../../papers/adversarial-training/data.ts';
import { TwoLayerReLU } from '../../../papers/adversarial-training/network.ts';
import { logLogSlope, pairedDifference, verdict } from '../../../papers/adversarial-training/statistics.ts';
import { approximateStep } from '../../../papers/adversarial-training/approximation.ts';
import { expectClose } from '../../helpers/close.ts';

describe('sphereData', () => {
  it('puts unit-norm points with opposite labels at least 2ρ + δ apart', () => {
    fc.assert(
      fc.property(
        fc.record({
          dimension: fc.integer({ min: 2, max: 8 }),
          points: fc.integer({ min: 2, max: 25 }),
          radius: fc.double({ min: 0.01, max: 0.2, noNaN: true }),
          gap: fc.double({ min: 0, max: 0.1, noNaN: true }),
          seed: fc.integer({ min: 0, max: 1000 }),
        }),
        (config) => {
          const set = sphereData(config, config.seed);
          const rows = set.inputs.data as Float64Array;
          for (let i = 0; i < config.points; i++)
            expect(Math.hypot(...rows.subarray(i * config.dimension, (i + 1) * config.dimension))).toBeCloseTo(1, 12);
          const separation = oppositeLabelDistance(rows, set.labels, config.dimension);
          expect(separation).toBeGreaterThanOrEqual(2 * config.radius + config.gap);
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('TwoLayerReLU', () => {
  it('is zero at initialization (± pairs) and computes (1/√m) Σ a_r σ(⟨w_r, x⟩ + b_r)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (d, half, seed) => {
          const net = new TwoLayerReLU({ inputs: d, width: 2 * half, seed });
          const x = ad.randomNormal([3, d], { seed: seed + 5, dtype: 'float64' });
          expectClose(net.forward(x).data, [0, 0, 0], 1e-12, 0);
          ad.noGrad(() =>
            net.weight.assign(
              net.weight.value.add(ad.randomNormal([2 * half, d], { seed, std: 0.3, dtype: 'float64' })),
            ),
          );
          const w = net.weight.value.data;
          const b = net.bias.value.data;
          const a = net.signs.value.data;
          const expected = [0, 1, 2].map((i) => {
            let total = 0;
            for (let r = 0; r < 2 * half; r++) {
              let z = b[r];
              for (let k = 0; k < d; k++) z += w[r * d + k] * x.data[i * d + k];
              total += a[r] * Math.max(0, z);
            }
            return total / Math.sqrt(2 * half);
          });
          expectClose(net.forward(x).data, expected, 1e-12, 1e-12);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('names the shapes in its errors', () => {
    expect(() => new TwoLayerReLU({ inputs: 3, width: 5, seed: 0 })).toThrow(/width must be an even integer .* got 5/);
    expect(() =>
      new TwoLayerReLU({ inputs: 3, width: 4, seed: 0 }).forward(ad.zeros([2, 4], { dtype: 'float64' })),
    ).toThrow(/inputs must be \[n, 3\], got \[2,4\]/);
  });
});

describe('the approximation construction', () => {
  it('moves the first layer by less, relative to ‖θ₀‖, at a much larger width (same data)', () => {
    const config = {
      dimension: 3,
      widths: [],
      seeds: 1,
      threshold: 0,
      band: 0.2,
      fitPoints: 60,
      testPoints: 60,
      ridge: 1e-3,
    };
    const narrow = approximateStep(config, 8, 0);
    const wide = approximateStep(config, 2048, 0);
    expect(wide.relativeMovement).toBeLessThan(narrow.relativeMovement);
    expect(wide.meanError).toBeLessThan(1);
  });
});

describe('statistics of the verdicts', () => {
  it('logLogSlope recovers the exponent of c·m^p', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (p, c) => {
          const widths = [16, 64, 256, 1024];
          expect(
            logLogSlope(
              widths,
              widths.map((m) => c * m ** p),
            ),
          ).toBeCloseTo(p, 9);
        },
      ),
    );
  });

  it('verdict: yes beyond 2 s.e., no below −2 s.e., not resolved inside', () => {
    expect(verdict(pairedDifference([3, 3.1, 2.9], [1, 1, 1]))).toBe(true);
    expect(verdict(pairedDifference([1, 1, 1], [3, 3.1, 2.9]))).toBe(false);
    expect(verdict(pairedDifference([1, 2, 0.5], [1.2, 0.9, 1.1]))).toBe('not resolved');
    expect(() => pairedDifference([1], [1, 2])).toThrow(
      /pairedDifference: need two equal non-empty lists, got 1 and 2/,
    );
  });
});
