/**
 * The cpu backend's fused BatchNorm kernels (gpu/cpu/channels.ts) against their definitions on
 * random [outer, channels, inner] layouts, values with |mean| ≫ std included: float32 input gives
 * exactly the float64 computation rounded once (bit for bit); float64 affine is the definition's
 * (x − mean)·scale + shift bit for bit; float64 moments and sums lie within the dot-product bound
 * γ_k Σ|terms| (γ_k = k·u/(1 − k·u), u = 2⁻⁵³) of a plain index-order reference, doubled since the
 * reference rounds too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpuChannelKernels as kernels } from '../../gpu/cpu/channels.ts';
import type { ChannelLayout } from '../../gpu/channels.ts';

const u = 2 ** -53;
const gamma = (k: number) => (k * u) / (1 - k * u);

const caseArb = fc
  .record({
    outer: fc.integer({ min: 1, max: 5 }),
    channels: fc.integer({ min: 1, max: 6 }),
    inner: fc.integer({ min: 1, max: 40 }),
    offset: fc.constantFrom(0, 1, 1e3, -1e5),
    scale: fc.constantFrom(1e-3, 1, 30),
    seed: fc.nat(1 << 30),
  })
  .map(({ outer, channels, inner, offset, scale, seed }) => {
    const layout: ChannelLayout = { outer, channels, inner };
    const size = outer * channels * inner;
    let state = seed || 1;
    const next = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 2;
    const values = (n: number, shift = 0, spread = 1) =>
      Float64Array.from({ length: n }, () => shift + spread * next());
    return {
      layout,
      x: values(size, offset, scale),
      g: values(size),
      mean: values(channels, offset),
      perChannel: values(channels, 0, 3),
      shift: values(channels),
    };
  });

/** Each channel's values, in index order. */
function channelValues(data: ArrayLike<number>, { outer, channels, inner }: ChannelLayout, c: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out.push(data[(o * channels + c) * inner + i]);
  return out;
}

describe('cpu channel kernels', () => {
  it('float32 input: the float64 computation rounded once, bit for bit', () => {
    fc.assert(
      fc.property(caseArb, ({ layout, x, g, mean, perChannel, shift }) => {
        const [x32, g32, m32, s32, b32] = [x, g, mean, perChannel, shift].map((v) => Float32Array.from(v));
        const [x64, g64, m64, s64, b64] = [x32, g32, m32, s32, b32].map((v) => Float64Array.from(v));
        const pairs = [
          [kernels.moments(x32, layout), kernels.moments(x64, layout)],
          [kernels.sums(g32, x32, m32, layout), kernels.sums(g64, x64, m64, layout)],
          [kernels.affine(x32, m32, s32, b32, layout), kernels.affine(x64, m64, s64, b64, layout)],
        ];
        for (const [single, double] of pairs) {
          expect(single).toBeInstanceOf(Float32Array);
          expect(Array.from(single)).toEqual(Array.from(Float32Array.from(double)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('float64 affine is (x − mean)·scale + shift per element, bit for bit', () => {
    fc.assert(
      fc.property(caseArb, ({ layout, x, mean, perChannel, shift }) => {
        const got = kernels.affine(x, mean, perChannel, shift, layout);
        const { channels, inner } = layout;
        const expected = x.map((v, i) => {
          const c = Math.floor(i / inner) % channels;
          return (v - mean[c]) * perChannel[c] + shift[c];
        });
        expect(Array.from(got)).toEqual(Array.from(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('float64 moments and sums lie within the summation bound of a plain reference', () => {
    fc.assert(
      fc.property(caseArb, ({ layout, x, g, mean }) => {
        const { channels } = layout;
        const moments = kernels.moments(x, layout);
        const sums = kernels.sums(g, x, mean, layout);
        for (let c = 0; c < channels; c++) {
          const xs = channelValues(x, layout, c);
          const gs = channelValues(g, layout, c);
          const n = xs.length;
          const m = xs.reduce((a, b) => a + b, 0) / n;
          const meanError = (2 * gamma(n + 1) * xs.reduce((a, b) => a + Math.abs(b), 0)) / n;
          expect(Math.abs(moments[c] - m)).toBeLessThanOrEqual(meanError);
          const squares = xs.map((v) => (v - m) ** 2);
          const variance = squares.reduce((a, b) => a + b, 0) / n;
          // around a mean off by δ the sum of squares grows by n·δ² (Σ(x − m) = 0), besides its own rounding
          const varianceBound = (2 * gamma(n + 4) * squares.reduce((a, b) => a + b, 0)) / n + meanError ** 2;
          expect(Math.abs(moments[channels + c] - variance)).toBeLessThanOrEqual(varianceBound);
          const plain = gs.reduce((a, b) => a + b, 0);
          expect(Math.abs(sums[c] - plain)).toBeLessThanOrEqual(2 * gamma(n) * gs.reduce((a, b) => a + Math.abs(b), 0));
          const terms = gs.map((v, i) => v * (xs[i] - mean[c]));
          const weighted = terms.reduce((a, b) => a + b, 0);
          const weightedBound =
            2 * gamma(n + 2) * gs.reduce((a, v, i) => a + Math.abs(v) * Math.abs(xs[i] - mean[c]), 0);
          expect(Math.abs(sums[channels + c] - weighted)).toBeLessThanOrEqual(weightedBound);
        }
      }),
      { numRuns: 300 },
    );
  });
});
