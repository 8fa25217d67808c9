/**
 * Coates et al.'s random-patch features (src/infinite/random-patches.ts): shapes, ReLU
 * outputs, determinism per seed, and the filters of the whitened response
 * max(0, ⟨w, Z(p − μ)⟩ − threshold): Zw with ‖w‖ = 1, biases −⟨Zw, μ⟩ − threshold.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { applyRandomPatches, cntk, fitRandomPatches, kernelMatrix } from '../../src/infinite/index.ts';
import { solvePositiveDefinite } from '../../src/linalg/index.ts';

describe('random-patch features', () => {
  const images = ad.randomUniform([6, 3, 8, 8], { seed: 1, dtype: 'float64' });

  it('are ReLU outputs of one convolution, [n, count, H, W], fixed by the seed', () => {
    const patches = fitRandomPatches(images, { count: 16, size: 3, seed: 7 });
    const features = applyRandomPatches(patches, images);
    expect(features.shape).toEqual([6, 16, 8, 8]);
    expect(Array.from(features.data).every((value) => value >= 0)).toBe(true);
    expect(Array.from(features.data).some((value) => value > 0)).toBe(true);
    expect(applyRandomPatches(fitRandomPatches(images, { count: 16, size: 3, seed: 7 }), images).data).toEqual(
      features.data,
    );
    expect(applyRandomPatches(fitRandomPatches(images, { count: 16, size: 3, seed: 8 }), images).data).not.toEqual(
      features.data,
    );
  });

  it('filters are Zw for unit whitened patches w, and the biases −⟨Zw, μ⟩ − threshold', () => {
    const patches = fitRandomPatches(images, { count: 8, size: 3, seed: 3, threshold: 0.25 });
    const { matrix, mean } = patches.whitening;
    for (let f = 0; f < 8; f++) {
      const filter = patches.filters.data.slice(f * 27, (f + 1) * 27);
      // w = Z⁻¹·filter has unit length (Z is symmetric positive definite: ε = 0.1 > 0)
      const w = solvePositiveDefinite(matrix, filter);
      expect(Math.hypot(...w)).toBeCloseTo(1, 8);
      const dot = Array.from(filter).reduce((sum, value, i) => sum + value * mean[i], 0);
      expect(patches.biases.data[f]).toBeCloseTo(-dot - 0.25, 12);
    }
    expect(() => fitRandomPatches(images, { count: 8, size: 4, seed: 0 })).toThrow(
      /fitRandomPatches: size must be an odd integer ≤ 8/,
    );
  });

  it('feed the CNTK like any image channels', () => {
    const features = applyRandomPatches(fitRandomPatches(images, { count: 4, size: 3, seed: 0 }), images);
    const { ntk } = kernelMatrix(cntk({ depth: 3, readout: 'gap' }), features);
    expect(ntk.rows).toBe(6);
    expect(Array.from(ntk.data).every(Number.isFinite)).toBe(true);
  });
});
