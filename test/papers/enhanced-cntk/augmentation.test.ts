/**
 * GAP ≡ full translation augmentation and LAP ≡ local translation augmentation (arXiv
 * 1911.00809, §4; PAPERS.md §3) as properties on random small images, float64, for the CNN-GP
 * and the CNTK, with and without fix: exact with circular padding and cyclic shifts; LAP(0) is
 * the vanilla kernel; LAP at full width is a constant multiple of GAP (H·W·GAP with circular
 * padding and 2c + 1 = H = W). With zero padding the gap is measured, not zero.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { augmentationGap, shiftImages } from '../../../papers/enhanced-cntk/augmentation.ts';
import { cntk, kernelMatrix } from '../../../src/infinite/index.ts';

const imagesArbitrary = fc.record({
  n: fc.integer({ min: 2, max: 3 }),
  channels: fc.integer({ min: 1, max: 2 }),
  side: fc.constantFrom(3, 4, 5),
  depth: fc.integer({ min: 3, max: 4 }), // depth 2 with fix trains nothing: Θ = 0
  fix: fc.boolean(),
  seed: fc.integer({ min: 0, max: 10_000 }),
});

const imagesOf = (n: number, channels: number, side: number, seed: number) =>
  ad.randomNormal([n, channels, side, side], { seed, dtype: 'float64' });
const quiet = { quiet: true };

describe('GAP and LAP as translation augmentation', () => {
  it('LAP(c) = the vanilla kernel averaged over shifts in [−c, c]² of both images (circular padding)', () => {
    fc.assert(
      fc.property(imagesArbitrary, fc.integer({ min: 0, max: 1 }), ({ n, channels, side, depth, fix, seed }, c) => {
        const x1 = imagesOf(n, channels, side, seed);
        const x2 = imagesOf(2, channels, side, seed + 1);
        const gap = augmentationGap({ x1, x2, depth, window: c, padding: 'circular', fix });
        expect(gap.nngp).toBeLessThan(1e-12);
        expect(gap.ntk).toBeLessThan(1e-12);
      }),
      { numRuns: 8 },
    );
  });

  it('H·W·GAP = the vanilla kernel averaged over all cyclic shifts of the first image (circular padding)', () => {
    fc.assert(
      fc.property(imagesArbitrary, ({ n, channels, side, depth, fix, seed }) => {
        const gap = augmentationGap({
          x1: imagesOf(n, channels, side, seed),
          x2: imagesOf(2, channels, side, seed + 1),
          depth,
          window: 'all',
          padding: 'circular',
          fix,
        });
        expect(Math.max(gap.nngp, gap.ntk)).toBeLessThan(1e-12);
      }),
      { numRuns: 8 },
    );
  });

  it('LAP(0) is vanilla; LAP at full width is H·W·GAP (circular, 2c + 1 = H) and a multiple of GAP (zero padding)', () => {
    fc.assert(
      fc.property(imagesArbitrary, ({ n, channels, side, depth, fix, seed }) => {
        const x = imagesOf(n, channels, side, seed);
        for (const padding of ['zero', 'circular'] as const) {
          const kernel = (readout: 'vanilla' | 'gap' | { lap: number }) =>
            kernelMatrix(cntk({ depth, readout, fix, padding }), x, undefined, quiet);
          const vanilla = kernel('vanilla'),
            lap0 = kernel({ lap: 0 });
          const gap = kernel('gap');
          // zero padding: every q of the image pools every position once c ≥ H − 1, weight (H/(2c+1)²)² per entry
          const [c, multiple] =
            padding === 'circular' && side % 2 === 1
              ? [(side - 1) / 2, side * side]
              : [side - 1, (side * side) ** 2 * (side / (2 * side - 1) ** 2) ** 2];
          const full = kernel({ lap: c });
          for (const name of ['nngp', 'ntk'] as const) {
            const scale = Math.max(...vanilla[name].data.map(Math.abs));
            vanilla[name].data.forEach((value, i) =>
              expect(Math.abs(lap0[name].data[i] - value)).toBeLessThan(1e-12 * scale),
            );
            if (padding === 'circular' && side % 2 === 0) continue;
            const largest = Math.max(...full[name].data.map(Math.abs));
            gap[name].data.forEach((value, i) =>
              expect(Math.abs(multiple * value - full[name].data[i])).toBeLessThan(1e-12 * largest),
            );
          }
        }
      }),
      { numRuns: 6 },
    );
  });

  it('zero padding with zero-filled shifts: a measured gap, not an identity', () => {
    const x1 = imagesOf(2, 2, 5, 11);
    const x2 = imagesOf(2, 2, 5, 12);
    const gap = augmentationGap({ x1, x2, depth: 3, window: 1, padding: 'zero', fix: false });
    expect(gap.ntk).toBeGreaterThan(1e-3);
    expect(gap.nngp).toBeGreaterThan(1e-3);
  });

  it('shiftImages wraps (circular) or fills with zeros (zero), and names itself in errors', () => {
    const x = ad.tensor(Float64Array.from([1, 2, 3, 4]), { shape: [1, 1, 2, 2], dtype: 'float64' });
    expect(Array.from(shiftImages(x, 0, 1, 'circular').data)).toEqual([2, 1, 4, 3]);
    expect(Array.from(shiftImages(x, 1, 0, 'zero').data)).toEqual([0, 0, 1, 2]);
    expect(() => shiftImages(ad.tensor(Float64Array.of(1, 2), { shape: [2], dtype: 'float64' }), 0, 0, 'zero')).toThrow(
      /shiftImages: images must be \[n, C, H, W\], got \[2\]/,
    );
  });
});
