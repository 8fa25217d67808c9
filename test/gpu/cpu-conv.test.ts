/**
 * The CPU backend's im2col conv2d and its two gradients against the library's direct loops
 * (conv2dDirect, and the three contractions of forEachConv2dTerm's terms), and against each
 * other through the adjoint identity ⟨conv(x, w), dy⟩ = ⟨x, inputGrad(dy, w)⟩ = ⟨w, weightGrad(x, dy)⟩,
 * on random geometry (stride, padding, dilation, groups, size-0 and size-1 extents), both dtypes.
 * The direct loops are pinned to hand-computed cases. Tolerance per element:
 * |Δ| ≤ (K + 2) · ε · Σ|a||b| with K the terms summed and ε = 2⁻²³ or 2⁻⁵².
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conv2dSpec, Data, DType } from '../../gpu/backend.ts';
import { conv2d, conv2dDirect, conv2dInputGrad, conv2dWeightGrad, forEachConv2dTerm } from '../../gpu/cpu/conv.ts';
import { absolute } from '../helpers/close.ts';
import { seededValues } from '../helpers/seeded-values.ts';
import { makeSpec } from '../helpers/conv-spec.ts';

interface Reference {
  value: Float64Array;
  magnitude: Float64Array;
}
const reference = (size: number): Reference => ({ value: new Float64Array(size), magnitude: new Float64Array(size) });
function add(r: Reference, target: number, product: number): void {
  r.value[target] += product;
  r.magnitude[target] += Math.abs(product);
}

/**
 * The references: y = conv2dDirect(x, w) (with Σ|x||w| = conv2dDirect(|x|, |w|) for its bound), and
 * the gradients as the other two contractions of the same terms, dx = Σ dy·w and dw = Σ x·dy.
 */
function directLoops(s: Conv2dSpec, x: Data, w: Data, dy: Data): { y: Reference; dx: Reference; dw: Reference } {
  const y = {
    value: Float64Array.from(conv2dDirect(Float64Array.from(x), Float64Array.from(w), s)),
    magnitude: Float64Array.from(conv2dDirect(absolute(x), absolute(w), s)),
  };
  const dx = reference(x.length),
    dw = reference(w.length);
  forEachConv2dTerm(s, (yi, xi, wi) => {
    add(dx, xi, dy[yi] * w[wi]);
    add(dw, wi, x[xi] * dy[yi]);
  });
  return { y, dx, dw };
}

function expectWithin(name: string, actual: Data, expected: Reference, terms: number, dtype: DType): void {
  expect(actual.length, name).toBe(expected.value.length);
  const epsilon = dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  for (let i = 0; i < actual.length; i++) {
    const bound = (terms + 2) * epsilon * expected.magnitude[i];
    if (!(Math.abs(actual[i] - expected.value[i]) <= bound)) {
      throw new Error(`${name}: element ${i} is ${actual[i]}, expected ${expected.value[i]} ± ${bound}`);
    }
  }
}

function dot(a: Data, b: Data): { value: number; magnitude: number } {
  let value = 0,
    magnitude = 0;
  for (let i = 0; i < a.length; i++) {
    value += a[i] * b[i];
    magnitude += Math.abs(a[i] * b[i]);
  }
  return { value, magnitude };
}

function checkConv(s: Conv2dSpec, dtype: DType, seed: number): void {
  const inPerGroup = s.inChannels / s.groups;
  const x = seededValues(s.batch * s.inChannels * s.inHeight * s.inWidth, seed, dtype);
  const w = seededValues(s.outChannels * inPerGroup * s.kernelHeight * s.kernelWidth, seed + 1, dtype);
  const dy = seededValues(s.batch * s.outChannels * s.outHeight * s.outWidth, seed + 2, dtype);
  const y = conv2d(x, w, s),
    dx = conv2dInputGrad(dy, w, s),
    dw = conv2dWeightGrad(x, dy, s);
  for (const out of [y, dx, dw]) expect(out).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
  const patch = inPerGroup * s.kernelHeight * s.kernelWidth;
  const outPerGroup = s.outChannels / s.groups;
  const expected = directLoops(s, x, w, dy);
  expectWithin('conv2d', y, expected.y, patch, dtype);
  expectWithin('conv2dInputGrad', dx, expected.dx, outPerGroup * s.kernelHeight * s.kernelWidth, dtype);
  expectWithin('conv2dWeightGrad', dw, expected.dw, s.batch * s.outHeight * s.outWidth, dtype);
  // The adjoint identity, with a bound from the three products' magnitudes.
  const forward = dot(y, dy),
    input = dot(x, dx),
    weight = dot(w, dw);
  const epsilon = dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  const terms = patch * s.batch * s.outHeight * s.outWidth * s.outChannels + 2;
  const scale = 2 * terms * epsilon * Math.max(1, forward.magnitude, input.magnitude, weight.magnitude) * 4;
  expect(Math.abs(forward.value - input.value)).toBeLessThanOrEqual(scale);
  expect(Math.abs(forward.value - weight.value)).toBeLessThanOrEqual(scale);
}

const specArb = (maxImage: number, maxChannels: number) =>
  fc
    .record({
      batch: fc.integer({ min: 0, max: 3 }),
      groups: fc.integer({ min: 1, max: 3 }),
      inPerGroup: fc.integer({ min: 0, max: maxChannels }),
      outPerGroup: fc.integer({ min: 1, max: maxChannels }),
      inHeight: fc.integer({ min: 1, max: maxImage }),
      inWidth: fc.integer({ min: 1, max: maxImage }),
      kernelHeight: fc.integer({ min: 1, max: 3 }),
      kernelWidth: fc.integer({ min: 1, max: 3 }),
      strideHeight: fc.integer({ min: 1, max: 3 }),
      strideWidth: fc.integer({ min: 1, max: 3 }),
      padHeight: fc.integer({ min: 0, max: 2 }),
      padWidth: fc.integer({ min: 0, max: 2 }),
      dilationHeight: fc.integer({ min: 1, max: 2 }),
      dilationWidth: fc.integer({ min: 1, max: 2 }),
    })
    .map(makeSpec);

const dtypeArb = fc.constantFrom<DType>('float32', 'float64');
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('cpu conv2d', () => {
  it('forward and both gradients match direct loops and the adjoint identity (small shapes)', () => {
    fc.assert(fc.property(specArb(7, 3), dtypeArb, seedArb, checkConv), { numRuns: 200 });
  });

  it('matches on shapes large enough for the packed, threaded product', () => {
    fc.assert(fc.property(specArb(20, 10), dtypeArb, seedArb, checkConv), { numRuns: 10 });
  });

  it('matches on the benchmark layer shape (3×3, padding 1), several images per job', () => {
    const spec = makeSpec({
      batch: 2,
      groups: 1,
      inPerGroup: 16,
      outPerGroup: 32,
      inHeight: 32,
      inWidth: 32,
      kernelHeight: 3,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
    });
    checkConv(spec, 'float32', 11);
  });

  it('splits a large batch into several jobs (images per job < batch)', () => {
    // (patch + O) · positions = (144 + 8) · 4096 float64 per image: three images fit a job of 2²¹.
    const spec = makeSpec({
      batch: 4,
      groups: 1,
      inPerGroup: 16,
      outPerGroup: 8,
      inHeight: 64,
      inWidth: 64,
      kernelHeight: 3,
      kernelWidth: 3,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 1,
      padWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
    });
    checkConv(spec, 'float64', 5);
  });

  it('the direct loops match hand-computed convolutions (stride, padding, dilation, groups)', () => {
    const geometry = {
      batch: 1,
      groups: 1,
      inPerGroup: 1,
      outPerGroup: 1,
      inHeight: 3,
      inWidth: 3,
      kernelHeight: 2,
      kernelWidth: 2,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 0,
      padWidth: 0,
      dilationHeight: 1,
      dilationWidth: 1,
    };
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 2×2 windows of ones over [[1, 2, 3], [4, 5, 6], [7, 8, 9]]: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9.
    expect(Array.from(conv2dDirect(x, Float64Array.from([1, 1, 1, 1]), makeSpec(geometry)))).toEqual([12, 16, 24, 28]);
    // Stride 2, padding 1, dilation 2, weights [[1, 10], [100, 1000]]: each of the 2×2 outputs has one tap inside
    // the image, on the centre 5, through the weight at the opposite corner.
    const spread = makeSpec({
      ...geometry,
      strideHeight: 2,
      strideWidth: 2,
      padHeight: 1,
      padWidth: 1,
      dilationHeight: 2,
      dilationWidth: 2,
    });
    expect(Array.from(conv2dDirect(x, Float64Array.from([1, 10, 100, 1000]), spread))).toEqual([5000, 500, 50, 5]);
    // Two groups of one channel, 1×1 kernels [10, 100]: each output channel sees only its own input channel.
    const grouped = makeSpec({ ...geometry, groups: 2, inHeight: 1, inWidth: 2, kernelHeight: 1, kernelWidth: 1 });
    expect(Array.from(conv2dDirect(Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 100]), grouped))).toEqual([
      10, 20, 300, 400,
    ]);
  });

  it('a 1×1 kernel with stride 1 is a matrix product over channels', () => {
    const spec = makeSpec({
      batch: 1,
      groups: 1,
      inPerGroup: 2,
      outPerGroup: 1,
      inHeight: 1,
      inWidth: 2,
      kernelHeight: 1,
      kernelWidth: 1,
      strideHeight: 1,
      strideWidth: 1,
      padHeight: 0,
      padWidth: 0,
      dilationHeight: 1,
      dilationWidth: 1,
    });
    // x[c, w] = [[1, 2], [3, 4]], weight [10, 100] → y = [310, 420].
    expect(Array.from(conv2d(Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 100]), spec))).toEqual([310, 420]);
  });
});
