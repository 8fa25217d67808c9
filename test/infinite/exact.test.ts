/**
 * The kernels against a direct transcription of the authors' recursions (reference.ts):
 * the CNTK / CNN-GP of PAPERS.md §8 and the FC NTK of §4, on random small inputs.
 * Tolerance: entries where a position meets itself have λ ≈ 1, where √(1 − λ²) turns one ulp
 * of λ into ≈ √(2·ulp) relative; two correct float64 implementations agree there only to
 * ≈ 1e-8 relative per layer (PAPERS.md §8), so 1e-7 of the largest entry (several layers);
 * float32 to ≈ 3e-4, so 2e-3 over several layers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { cntk, fullyConnected, kernelMatrix } from '../../src/infinite/index.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';
import { referenceCntk, referenceFullyConnected } from './reference.ts';

const FLOAT64 = 1e-7;
const FLOAT32 = 2e-3;

function expectMatrixClose(actual: Matrix, expected: ArrayLike<number>, relative: number, what: string): void {
  const scale = Math.max(...Array.from(expected, Math.abs));
  actual.data.forEach((value, i) => {
    if (!(Math.abs(value - expected[i]) <= relative * scale)) throw new Error(`${what}: entry ${i} is ${value}, expected ${expected[i]} (largest ${scale})`);
  });
}

const imagesArb = fc.record({
  count: fc.integer({ min: 1, max: 3 }), channels: fc.integer({ min: 1, max: 2 }),
  height: fc.integer({ min: 1, max: 5 }), width: fc.integer({ min: 1, max: 4 }), seed: fc.nat(10_000),
});

describe('CNTK and CNN-GP equal the authors\' recursion', () => {
  it('for every depth, readout, padding and fix (float64)', () => {
    fc.assert(fc.property(
      imagesArb, fc.integer({ min: 2, max: 5 }), fc.constantFrom('vanilla' as const, 'gap' as const),
      fc.constantFrom('zero' as const, 'circular' as const), fc.boolean(),
      ({ count, channels, height, width, seed }, depth, readout, padding, fix) => {
        const x = ad.randomNormal([count, channels, height, width], { seed, dtype: 'float64' });
        const { nngp, ntk } = kernelMatrix(cntk({ depth, readout, fix, padding }), x);
        const size = channels * height * width;
        const image = (i: number) => x.data.slice(i * size, (i + 1) * size) as Float64Array;
        const expected = Array.from({ length: count * count }, (_, e) =>
          referenceCntk(image(Math.floor(e / count)), image(e % count), channels, height, width, { depth, readout, fix, padding }));
        expectMatrixClose(nngp, expected.map(([g]) => g), FLOAT64, 'nngp');
        expectMatrixClose(ntk, expected.map(([, t]) => t), FLOAT64, 'ntk');
      },
    ), { numRuns: 25 });
  });

  it('float32 agrees with float64 within the λ ≈ 1 conditioning', () => {
    const x64 = ad.randomNormal([3, 3, 6, 6], { seed: 4, dtype: 'float64' });
    const x32 = ad.cast(x64, 'float32');
    for (const readout of ['vanilla', 'gap', { lap: 1 }] as const) {
      const network = cntk({ depth: 5, readout });
      const exact = kernelMatrix(network, x64);
      const single = kernelMatrix(network, x32);
      expectMatrixClose(single.ntk, exact.ntk.data, FLOAT32, `ntk ${JSON.stringify(readout)}`);
      expectMatrixClose(single.nngp, exact.nngp.data, FLOAT32, `nngp ${JSON.stringify(readout)}`);
    }
  });
});

describe('fully connected NTK', () => {
  it("'authors' normalization equals their code's K[depth − 1][fixedLayers]", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }), fc.nat(5), fc.nat(10_000),
      (n, d, depth, fixed, seed) => {
        const fixedLayers = Math.min(fixed, depth);
        const x = ad.randomNormal([n, d], { seed, dtype: 'float64' });
        const { nngp, ntk } = kernelMatrix(fullyConnected({ depth, normalization: 'authors', fixedLayers }), x);
        const expected = referenceFullyConnected(x.data as Float64Array, n, d, depth, fixedLayers);
        expectMatrixClose(nngp, expected.nngp, FLOAT64, 'nngp');
        if (fixedLayers < depth) expectMatrixClose(ntk, expected.ntk, FLOAT64, 'ntk');
        else expect(Array.from(ntk.data).every((value) => value === 0)).toBe(true);
      },
    ), { numRuns: 40 });
  });

  it("'standard' (c_σ = 2) keeps Σ(x, x) = ‖x‖²/d at every depth, and Θ(x, x) = depth·‖x‖²/d", () => {
    const x = ad.randomNormal([4, 10], { seed: 3, dtype: 'float64' });
    for (const depth of [1, 2, 5]) {
      const { nngp, ntk } = kernelMatrix(fullyConnected({ depth }), x);
      for (let i = 0; i < 4; i++) {
        const variance = Array.from(x.data.slice(i * 10, (i + 1) * 10)).reduce((sum, v) => sum + v * v, 0) / 10;
        expect(nngp.data[i * 5]).toBeCloseTo(variance, 12);
        // κ0(λ) at λ = 1 − ulp is off by ≈ √(2·ulp)/π: the FLOAT64 tolerance, not 1e-12
        expect(Math.abs(ntk.data[i * 5] / (depth * variance) - 1)).toBeLessThan(FLOAT64);
      }
    }
  });

  it('rejects inputs and settings it cannot use, naming the function', () => {
    expect(() => fullyConnected({ depth: 0 })).toThrow(/fullyConnected: depth must be an integer ≥ 1, got 0/);
    expect(() => cntk({ depth: 1 })).toThrow(/cntk: depth \(conv layers \+ 1\) must be an integer ≥ 2, got 1/);
    expect(() => kernelMatrix(cntk({ depth: 3 }), ad.zeros([2, 3, 4]))).toThrow(/kernelMatrix: inputs must be images \[n, C, H, W\] or vectors \[n, d\], got \[2,3,4\]/);
    expect(() => kernelMatrix(cntk({ depth: 3 }), ad.zeros([2, 3]))).toThrow(/conv: the record has no positions/);
    expect(() => kernelMatrix(fullyConnected({ depth: 2 }), ad.zeros([2, 3]), ad.zeros([2, 4]))).toThrow(/kernelMatrix: the two inputs must share dtype and per-example shape/);
  });
});
