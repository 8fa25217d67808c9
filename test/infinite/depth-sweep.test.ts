/**
 * cntkDepthSweep (src/infinite/depth-sweep.ts): the kernels of several depths from one pass
 * equal the dense reference (src/infinite/reference.ts) of each depth's CNTK, for every
 * readout, fix and padding, with and without a second image set, across block boundaries.
 * Tolerance as test/infinite/exact.test.ts: λ ≈ 1 entries amplify one ulp to ≈ 1e-8 relative,
 * so 1e-7 of the largest entry in float64 and 2e-3 in float32.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import { expectMatrixClose, referenceCntkMatrices } from './reference-matrices.ts';

const depthsArb = fc
  .uniqueArray(fc.integer({ min: 2, max: 6 }), { minLength: 1, maxLength: 4 })
  .map((depths) => depths.sort((a, b) => a - b));

describe('cntkDepthSweep', () => {
  it("equals the reference of each depth's CNTK (float64, every readout, fix and padding, x2 or not)", () => {
    fc.assert(
      fc.property(
        depthsArb,
        fc.constantFrom('vanilla' as const, 'gap' as const, { lap: 1 }),
        fc.boolean(),
        fc.constantFrom('zero' as const, 'circular' as const),
        fc.boolean(),
        fc.integer({ min: 2, max: 5 }),
        fc.nat(10_000),
        (depths, readout, fix, padding, withSecond, size, seed) => {
          const x = ad.randomNormal([3, 2, size, size + 1], { seed, dtype: 'float64' });
          const y = withSecond
            ? ad.randomNormal([2, 2, size, size + 1], { seed: seed + 1, dtype: 'float64' })
            : undefined;
          const swept = cntkDepthSweep({ depths, readout, fix, padding }, x, y, { quiet: true });
          expect(swept.map((matrices) => matrices.depth)).toEqual(depths);
          swept.forEach(({ depth, nngp, ntk }) => {
            const expected = referenceCntkMatrices({ depth, readout, fix, padding }, x, y);
            expectMatrixClose(nngp, expected.nngp, 1e-7, `Σ depth ${depth}`);
            expectMatrixClose(ntk, expected.ntk, 1e-7, `Θ depth ${depth}`);
          });
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is symmetric and matches across several blocks, and in float32', () => {
    const x = ad.randomNormal([7, 3, 6, 6], { seed: 5, dtype: 'float32' });
    const budget = 4 * 36 * 4 * 4; // 4 pairs of the vanilla band per block: 2×2 images
    const swept = cntkDepthSweep({ depths: [3, 4, 6] }, x, undefined, { quiet: true, memoryBudget: budget });
    for (const { depth, nngp, ntk } of swept) {
      const expected = referenceCntkMatrices({ depth, readout: 'vanilla' }, x);
      expectMatrixClose(nngp, expected.nngp, 2e-3, `Σ depth ${depth}`);
      expectMatrixClose(ntk, expected.ntk, 2e-3, `Θ depth ${depth}`);
      for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) expect(ntk.data[i * 7 + j]).toBe(ntk.data[j * 7 + i]);
    }
  });

  it('announces one plan line and rejects bad depths and inputs', () => {
    const x = ad.randomNormal([2, 1, 4, 4], { seed: 1, dtype: 'float64' });
    const lines: string[] = [];
    cntkDepthSweep({ depths: [3, 5], readout: 'gap' }, x, undefined, {
      log: (line) => lines.push(line),
      label: 'sweep',
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sweep, depths 3, 5 in one pass: 3 pairs in 1 blocks/);
    expect(() => cntkDepthSweep({ depths: [] }, x)).toThrow(/depths must be increasing integers ≥ 2, got \[\]/);
    expect(() => cntkDepthSweep({ depths: [4, 3] }, x)).toThrow(/depths must be increasing integers ≥ 2, got \[4, 3\]/);
    expect(() => cntkDepthSweep({ depths: [1, 3] }, x)).toThrow(/≥ 2/);
    expect(() => cntkDepthSweep({ depths: [3] }, ad.randomNormal([2, 16], { seed: 1 }))).toThrow(
      /inputs must be images \[n, C, H, W\], got \[2,16\]/,
    );
    expect(() =>
      cntkDepthSweep({ depths: [3] }, x, ad.randomNormal([2, 1, 5, 5], { seed: 1, dtype: 'float64' })),
    ).toThrow(/must share dtype and per-example shape/);
  });
});
