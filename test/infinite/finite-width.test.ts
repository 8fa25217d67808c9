/**
 * The exact kernels are the infinite-width limits of finite networks (Jacot et al. 2018;
 * Lee et al. 2018; Arora et al. 2019, PAPERS.md §8):
 * - FC NNGP and NTK equal Monte-Carlo estimates from wide networks: over S independent
 *   networks the mean estimate is within 5 standard errors of the exact value (a two-sided
 *   5σ event has probability < 1e-6 for a normal mean; with S = 10 the t-distribution's tail
 *   is heavier, still < 1% per entry, and the seeds are fixed), and that tolerance shrinks like
 *   1/√width: the fluctuations of a width-w network's kernel are O(1/√w) (its bias O(1/w)).
 * - The empirical NTK of a finite CNN approaches the exact CNTK as the width grows (vanilla,
 *   GAP and LAP readouts: LAP's finite form is an average pool before the flatten).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import {
  cntk,
  empiricalNtk,
  finiteNetwork,
  finiteShapeOf,
  fullyConnected,
  kernelMatrix,
  monteCarloNngp,
} from '../../src/infinite/index.ts';

const SAMPLES = 10;

/** Per-entry mean and standard error of S estimates. */
function meanAndError(estimates: Float64Array[]): { mean: Float64Array; error: Float64Array } {
  const count = estimates.length;
  const mean = estimates[0].map((_, e) => estimates.reduce((sum, estimate) => sum + estimate[e], 0) / count);
  const error = mean.map((m, e) =>
    Math.sqrt(estimates.reduce((sum, estimate) => sum + (estimate[e] - m) ** 2, 0) / ((count - 1) * count)),
  );
  return { mean, error };
}

describe('fully connected kernels against wide networks', () => {
  const x = ad.randomNormal([4, 6], { seed: 1, dtype: 'float64' });
  const network = fullyConnected({ depth: 3 });
  const exact = kernelMatrix(network, x);

  it('NTK: the empirical NTK of width-w networks is within 5 standard errors, which shrink like 1/√w', () => {
    const errors: number[] = [];
    for (const width of [64, 1024]) {
      const estimates = Array.from(
        { length: SAMPLES },
        (_, seed) =>
          empiricalNtk(finiteNetwork(network, finiteShapeOf(x), { width, outputs: 1, seed, dtype: 'float64' }), x).data,
      );
      const { mean, error } = meanAndError(estimates);
      mean.forEach((value, e) => expect(Math.abs(value - exact.ntk.data[e])).toBeLessThanOrEqual(5 * error[e]));
      errors.push(Math.max(...error));
    }
    // √(64/1024) = 0.25, give or take the noise of a 6-sample standard error
    expect(errors[1] / errors[0]).toBeGreaterThan(0.1);
    expect(errors[1] / errors[0]).toBeLessThan(0.5);
  });

  it('NNGP: Monte-Carlo estimates (64 outputs per network) are within 5 standard errors, which shrink with width', () => {
    const errors: number[] = [];
    for (const width of [32, 1024]) {
      const estimates = Array.from(
        { length: SAMPLES },
        (_, seed) => monteCarloNngp(network, x, undefined, { width, samples: 1, outputs: 64, seed }).data,
      );
      const { mean, error } = meanAndError(estimates);
      mean.forEach((value, e) => expect(Math.abs(value - exact.nngp.data[e])).toBeLessThanOrEqual(5 * error[e]));
      errors.push(Math.max(...error));
    }
    // the 64 outputs share a network, so its O(1/√w) fluctuation shows in the error
    expect(errors[1]).toBeLessThan(errors[0]);
  });
});

describe('convolutional NTK against wide networks', () => {
  it('the empirical NTK of a width-w CNN approaches the exact CNTK as w grows', () => {
    const images = ad.randomNormal([3, 2, 4, 4], { seed: 2 });
    const relativeError = (network: ReturnType<typeof cntk>, width: number, seeds: number[]): number => {
      const exact = kernelMatrix(network, images).ntk.data;
      const norm = Math.hypot(...exact);
      const errors = seeds.map((seed) => {
        const estimate = empiricalNtk(
          finiteNetwork(network, finiteShapeOf(images), { width, outputs: 1, seed }),
          images,
        ).data;
        return Math.hypot(...estimate.map((value, e) => value - exact[e])) / norm;
      });
      return errors.reduce((a, b) => a + b, 0) / errors.length;
    };
    const networks = [
      cntk({ depth: 3, readout: 'vanilla' }),
      cntk({ depth: 3, readout: 'gap', fix: true, padding: 'circular' }),
      cntk({ depth: 3, readout: { lap: 1 } }),
      cntk({ depth: 3, readout: { lap: 1 }, padding: 'circular' }),
    ];
    for (const network of networks) {
      const narrow = relativeError(network, 8, [0, 1, 2, 3]);
      const wide = relativeError(network, 256, [0, 1]);
      // 32× the width: the O(1/√w) fluctuations shrink ≈ 5.7×
      expect(wide).toBeLessThan(narrow / 2);
      expect(wide).toBeLessThan(0.15);
    }
  });
});
