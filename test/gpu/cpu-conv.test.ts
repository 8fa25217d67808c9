/**
 * The CPU backend's conv2d and its two gradients against direct convolution loops, and against
 * each other through the adjoint identity ⟨conv(x, w), dy⟩ = ⟨x, inputGrad(dy, w)⟩ = ⟨w, weightGrad(x, dy)⟩,
 * on random geometry (stride, padding, dilation, groups, size-0 and size-1 extents), both dtypes.
 * Tolerance per element: |Δ| ≤ (K + 2) · ε · Σ|a||b| with K the terms summed and ε = 2⁻²³ or 2⁻⁵².
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conv2dSpec, Data, DType } from '../../gpu/backend.ts';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from '../../gpu/cpu/conv.ts';
import { seededValues } from '../helpers/seeded-values.ts';

/**
 * Every term of the convolution sum, once: visit(yIndex, xIndex, wIndex) for each output cell,
 * kernel tap and input channel of its group whose input position is inside the image. The forward
 * pass and both gradients are the three ways of contracting this one set of triples.
 */
function forEachTerm(s: Conv2dSpec, visit: (y: number, x: number, w: number) => void): void {
  const inPerGroup = s.inChannels / s.groups, outPerGroup = s.outChannels / s.groups;
  for (let n = 0; n < s.batch; n++) {
    for (let o = 0; o < s.outChannels; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let oy = 0; oy < s.outHeight; oy++) {
        for (let ox = 0; ox < s.outWidth; ox++) {
          const y = ((n * s.outChannels + o) * s.outHeight + oy) * s.outWidth + ox;
          for (let c = 0; c < inPerGroup; c++) {
            for (let ky = 0; ky < s.kernelHeight; ky++) {
              const iy = oy * s.strideHeight - s.padHeight + ky * s.dilationHeight;
              if (iy < 0 || iy >= s.inHeight) continue;
              for (let kx = 0; kx < s.kernelWidth; kx++) {
                const ix = ox * s.strideWidth - s.padWidth + kx * s.dilationWidth;
                if (ix < 0 || ix >= s.inWidth) continue;
                const x = ((n * s.inChannels + group * inPerGroup + c) * s.inHeight + iy) * s.inWidth + ix;
                const w = ((o * inPerGroup + c) * s.kernelHeight + ky) * s.kernelWidth + kx;
                visit(y, x, w);
              }
            }
          }
        }
      }
    }
  }
}

interface Reference { value: Float64Array; magnitude: Float64Array }
const reference = (size: number): Reference => ({ value: new Float64Array(size), magnitude: new Float64Array(size) });
function add(r: Reference, target: number, product: number): void {
  r.value[target] += product;
  r.magnitude[target] += Math.abs(product);
}

/** The three contractions of the convolution's terms: y = Σ x·w, dx = Σ dy·w, dw = Σ x·dy (with Σ|·| for the bounds). */
function directLoops(s: Conv2dSpec, x: Data, w: Data, dy: Data): { y: Reference; dx: Reference; dw: Reference } {
  const y = reference(dy.length), dx = reference(x.length), dw = reference(w.length);
  forEachTerm(s, (yi, xi, wi) => {
    add(y, yi, x[xi] * w[wi]);
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
  let value = 0, magnitude = 0;
  for (let i = 0; i < a.length; i++) { value += a[i] * b[i]; magnitude += Math.abs(a[i] * b[i]); }
  return { value, magnitude };
}

function checkConv(s: Conv2dSpec, dtype: DType, seed: number): void {
  const inPerGroup = s.inChannels / s.groups;
  const x = seededValues(s.batch * s.inChannels * s.inHeight * s.inWidth, seed, dtype);
  const w = seededValues(s.outChannels * inPerGroup * s.kernelHeight * s.kernelWidth, seed + 1, dtype);
  const dy = seededValues(s.batch * s.outChannels * s.outHeight * s.outWidth, seed + 2, dtype);
  const y = conv2d(x, w, s), dx = conv2dInputGrad(dy, w, s), dw = conv2dWeightGrad(x, dy, s);
  for (const out of [y, dx, dw]) expect(out).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
  const patch = inPerGroup * s.kernelHeight * s.kernelWidth;
  const outPerGroup = s.outChannels / s.groups;
  const expected = directLoops(s, x, w, dy);
  expectWithin('conv2d', y, expected.y, patch, dtype);
  expectWithin('conv2dInputGrad', dx, expected.dx, outPerGroup * s.kernelHeight * s.kernelWidth, dtype);
  expectWithin('conv2dWeightGrad', dw, expected.dw, s.batch * s.outHeight * s.outWidth, dtype);
  // The adjoint identity, with a bound from the three products' magnitudes.
  const forward = dot(y, dy), input = dot(x, dx), weight = dot(w, dw);
  const epsilon = dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  const terms = patch * s.batch * s.outHeight * s.outWidth * s.outChannels + 2;
  const scale = 2 * terms * epsilon * Math.max(1, forward.magnitude, input.magnitude, weight.magnitude) * 4;
  expect(Math.abs(forward.value - input.value)).toBeLessThanOrEqual(scale);
  expect(Math.abs(forward.value - weight.value)).toBeLessThanOrEqual(scale);
}

/** Output extent of a convolution axis (0 when the dilated kernel does not fit). */
const outExtent = (size: number, kernel: number, stride: number, pad: number, dilation: number) =>
  Math.max(0, Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1);

function makeSpec(g: {
  batch: number; groups: number; inPerGroup: number; outPerGroup: number; inHeight: number; inWidth: number;
  kernelHeight: number; kernelWidth: number; strideHeight: number; strideWidth: number;
  padHeight: number; padWidth: number; dilationHeight: number; dilationWidth: number;
}): Conv2dSpec {
  return {
    batch: g.batch, inChannels: g.groups * g.inPerGroup, outChannels: g.groups * g.outPerGroup,
    inHeight: g.inHeight, inWidth: g.inWidth, kernelHeight: g.kernelHeight, kernelWidth: g.kernelWidth,
    outHeight: outExtent(g.inHeight, g.kernelHeight, g.strideHeight, g.padHeight, g.dilationHeight),
    outWidth: outExtent(g.inWidth, g.kernelWidth, g.strideWidth, g.padWidth, g.dilationWidth),
    strideHeight: g.strideHeight, strideWidth: g.strideWidth, padHeight: g.padHeight, padWidth: g.padWidth,
    dilationHeight: g.dilationHeight, dilationWidth: g.dilationWidth, groups: g.groups,
  };
}

const specArb = (maxImage: number, maxChannels: number) => fc.record({
  batch: fc.integer({ min: 0, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  inPerGroup: fc.integer({ min: 0, max: maxChannels }),
  outPerGroup: fc.integer({ min: 1, max: maxChannels }),
  inHeight: fc.integer({ min: 1, max: maxImage }), inWidth: fc.integer({ min: 1, max: maxImage }),
  kernelHeight: fc.integer({ min: 1, max: 3 }), kernelWidth: fc.integer({ min: 1, max: 3 }),
  strideHeight: fc.integer({ min: 1, max: 3 }), strideWidth: fc.integer({ min: 1, max: 3 }),
  padHeight: fc.integer({ min: 0, max: 2 }), padWidth: fc.integer({ min: 0, max: 2 }),
  dilationHeight: fc.integer({ min: 1, max: 2 }), dilationWidth: fc.integer({ min: 1, max: 2 }),
}).map(makeSpec);

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
    const spec = makeSpec({ batch: 2, groups: 1, inPerGroup: 16, outPerGroup: 32, inHeight: 32, inWidth: 32, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padHeight: 1, padWidth: 1, dilationHeight: 1, dilationWidth: 1 });
    checkConv(spec, 'float32', 11);
  });

  it('splits a large batch into several jobs (images per job < batch)', () => {
    // (patch + O) · positions = (144 + 8) · 4096 float64 per image: three images fit a job of 2²¹.
    const spec = makeSpec({ batch: 4, groups: 1, inPerGroup: 16, outPerGroup: 8, inHeight: 64, inWidth: 64, kernelHeight: 3, kernelWidth: 3, strideHeight: 1, strideWidth: 1, padHeight: 1, padWidth: 1, dilationHeight: 1, dilationWidth: 1 });
    checkConv(spec, 'float64', 5);
  });

  it('a 1×1 kernel with stride 1 is a matrix product over channels', () => {
    const spec = makeSpec({ batch: 1, groups: 1, inPerGroup: 2, outPerGroup: 1, inHeight: 1, inWidth: 2, kernelHeight: 1, kernelWidth: 1, strideHeight: 1, strideWidth: 1, padHeight: 0, padWidth: 0, dilationHeight: 1, dilationWidth: 1 });
    // x[c, w] = [[1, 2], [3, 4]], weight [10, 100] → y = [310, 420].
    expect(Array.from(conv2d(Float64Array.from([1, 2, 3, 4]), Float64Array.from([10, 100]), spec))).toEqual([310, 420]);
  });
});
