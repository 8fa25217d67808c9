/**
 * Every fast path of the kernels against the dense reference (src/infinite/reference.ts), on
 * random small inputs: kernelMatrix on the cpu backend in float64 and float32 (every depth,
 * readout, padding, fix and flip, with a second image set or by symmetry, in one block or many)
 * and on the gpujs backend (webasm where no GPU is reached), and the fully connected NNGP / NTK.
 * (cntkDepthSweep: depth-sweep.test.ts.)
 * Tolerance: entries where a position meets itself have λ ≈ 1, where √(1 − λ²) turns one ulp
 * of λ into ≈ √(2·ulp) relative; two correct float64 implementations agree there only to
 * ≈ 1e-8 relative per layer, so 1e-7 of the largest entry (several layers); float32 to ≈ 3e-4,
 * so 2e-3 over several layers.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { cntk, fullyConnected, kernelMatrix } from '../../src/infinite/index.ts';
import { referenceFullyConnected, type ReferenceCntkOptions } from '../../src/infinite/reference.ts';
import { expectMatrixClose, referenceCntkMatrices, referenceDiagonalScale } from './reference-matrices.ts';

const FLOAT64 = 1e-7;
const FLOAT32 = 2e-3;

/** Two image sets (the second empty: the first with itself) and a CNTK to compute on them. */
const caseArb = fc.record({
  count1: fc.integer({ min: 1, max: 3 }),
  count2: fc.integer({ min: 0, max: 2 }),
  channels: fc.integer({ min: 1, max: 2 }),
  height: fc.integer({ min: 1, max: 5 }),
  width: fc.integer({ min: 1, max: 4 }),
  seed: fc.nat(10_000),
  depth: fc.integer({ min: 2, max: 5 }),
  readout: fc.constantFrom<ReferenceCntkOptions['readout']>('vanilla', 'gap', { lap: 0 }, { lap: 1 }, { lap: 2 }),
  padding: fc.constantFrom('zero' as const, 'circular' as const),
  fix: fc.boolean(),
  flip: fc.boolean(),
  // undefined: one block; 1 byte: a block per pair; 2 KiB: a few pairs per block
  memoryBudget: fc.constantFrom(undefined, 1, 2048),
});

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

const regressionCase: Case = {
  count1: 1,
  count2: 1,
  channels: 1,
  height: 1,
  width: 1,
  seed: 9,
  depth: 2,
  readout: 'vanilla',
  padding: 'zero',
  fix: false,
  flip: false,
  memoryBudget: undefined,
};

/** The case's kernel matrices by kernelMatrix (on `backend`) and by the reference, in `dtype`. */
function bothWays(c: Case, dtype: ad.DType, backend: 'cpu' | 'gpujs' = 'cpu') {
  const x = ad.cast(
    ad.randomNormal([c.count1, c.channels, c.height, c.width], { seed: c.seed, dtype: 'float64' }),
    dtype,
  );
  const y =
    c.count2 > 0
      ? ad.cast(
          ad.randomNormal([c.count2, c.channels, c.height, c.width], { seed: c.seed + 1, dtype: 'float64' }),
          dtype,
        )
      : undefined;
  const options: ReferenceCntkOptions = {
    depth: c.depth,
    readout: c.readout,
    fix: c.fix,
    padding: c.padding,
    flip: c.flip,
  };
  const actual = ad.withBackend(backend, () =>
    kernelMatrix(cntk(options), x, y, { flip: c.flip, memoryBudget: c.memoryBudget, quiet: true }),
  );
  return { actual, expected: referenceCntkMatrices(options, x, y), diagonal: referenceDiagonalScale(options, x, y) };
}

describe('CNTK and CNN-GP equal the reference', () => {
  it('on the cpu in float64, for every depth, readout, padding, fix, flip and block size', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { actual, expected } = bothWays(c, 'float64');
        expectMatrixClose(actual.nngp, expected.nngp, FLOAT64, 'nngp');
        expectMatrixClose(actual.ntk, expected.ntk, FLOAT64, 'ntk');
      }),
      { numRuns: 40 },
    );
  });

  it('on the cpu in float32 (arccos by a polynomial), within the λ ≈ 1 conditioning', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { actual, expected, diagonal } = bothWays(c, 'float32');
        expectMatrixClose(actual.nngp, expected.nngp, FLOAT32, 'nngp', diagonal.nngp);
        expectMatrixClose(actual.ntk, expected.ntk, FLOAT32, 'ntk', diagonal.ntk);
      }),
      // The example once failed: 1×1 images of opposite sign give λ = −1, where κ₁ is exactly 0 in
      // float64 and ~1e-14 from the float32 polynomial, so the error must be judged against the diagonal.
      { numRuns: 15, examples: [[{ ...regressionCase }]] },
    );
  });

  it('on the gpujs backend (float32)', () => {
    // gpu.js compiles a kernel per new shape: few runs
    fc.assert(
      fc.property(caseArb, (c) => {
        const { actual, expected, diagonal } = bothWays(c, 'float32', 'gpujs');
        expectMatrixClose(actual.nngp, expected.nngp, FLOAT32, 'nngp', diagonal.nngp);
        expectMatrixClose(actual.ntk, expected.ntk, FLOAT32, 'ntk', diagonal.ntk);
      }),
      { numRuns: 8 },
    );
  });
});

describe('fully connected NNGP and NTK', () => {
  it("equal the reference for both normalizations and every number of fixed layers ('authors': their code's K[depth − 1][fixedLayers])", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(5),
        fc.constantFrom('authors' as const, 'standard' as const),
        fc.nat(10_000),
        (n, d, depth, fixed, normalization, seed) => {
          const fixedLayers = Math.min(fixed, depth);
          const x = ad.randomNormal([n, d], { seed, dtype: 'float64' });
          const { nngp, ntk } = kernelMatrix(fullyConnected({ depth, normalization, fixedLayers }), x);
          const expected = referenceFullyConnected(x.data as Float64Array, n, d, { depth, normalization, fixedLayers });
          expectMatrixClose(nngp, expected.nngp, FLOAT64, 'nngp');
          if (fixedLayers < depth) expectMatrixClose(ntk, expected.ntk, FLOAT64, 'ntk');
          else
            expect(
              Array.from(ntk.data).every((value) => value === 0) && expected.ntk.every((value) => value === 0),
            ).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
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
    expect(() => kernelMatrix(cntk({ depth: 3 }), ad.zeros([2, 3, 4]))).toThrow(
      /kernelMatrix: inputs must be images \[n, C, H, W\] or vectors \[n, d\], got \[2,3,4\]/,
    );
    expect(() => kernelMatrix(cntk({ depth: 3 }), ad.zeros([2, 3]))).toThrow(/conv: the record has no positions/);
    expect(() => kernelMatrix(fullyConnected({ depth: 2 }), ad.zeros([2, 3]), ad.zeros([2, 4]))).toThrow(
      /kernelMatrix: the two inputs must share dtype and per-example shape/,
    );
  });
});
