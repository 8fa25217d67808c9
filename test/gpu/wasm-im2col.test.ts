/**
 * conv2d's wasm im2col (gpu/cpu/wasm/im2col.ts, im2col-kernel.ts: patch rows written by SIMD
 * straight into the GEMM's packed panels, packed and multiplied image by image on the pool),
 * conv2dWeightGrad's wasm packing (im2col-weight-grad.ts: im2col rows and dy rows interleaved into
 * the panels) and conv2dInputGrad's wasm col2im (im2col-input-grad.ts) fuzzed against the TypeScript definitions (the same calls with the wasm path off):
 * random geometry with stride, padding, dilation, groups, size-0 and size-1 extents, output widths
 * around the 8- and 4-column tiles (tiles that cross output rows, boundary tiles of the masked
 * vector path), float32 and float64, NaN/±Inf planted in the inputs (a masked lane that leaked
 * a neighbouring row's NaN, or a padding zero read from memory, would show).
 *
 * Bound, per element, the sum of the two paths' own bounds on the exact sum of k products
 * (Higham 2002 §3.1, γ_k = k·u/(1 − k·u)): the TypeScript path sums in float64 and rounds once to
 * the dtype, (γ_k(2⁻⁵³) + u)·Σ|a||b|; the wasm path sums in the dtype (float32 sums in float32)
 * and, for the weight gradient, adds its jobs in float64 and rounds once, (γ_k(u) + u)·Σ|a||b|,
 * with u = 2⁻²⁴ (float32) or 2⁻⁵³. Σ|a||b| is conv2dDirect(|x|, |w|) for conv2d and the same
 * contraction of |x| and |dy| for the weight gradient (of |dy| and |w| for the input gradient,
 * whose KH·KW row additions both paths make in the dtype: one more γ_k(u)). Non-finite outputs match exactly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conv2dSpec, Data, DType } from '../../gpu/backend.ts';
import { conv2d, conv2dDirect, conv2dInputGrad, conv2dWeightGrad, forEachConv2dTerm } from '../../gpu/cpu/conv.ts';
import { im2colModule } from '../../gpu/cpu/wasm/im2col-kernel.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { absolute } from '../helpers/close.ts';
import { seededValues } from '../helpers/seeded-values.ts';
import { expectPinnedModule } from '../helpers/wasm-checks.ts';
import { makeSpec, type ConvGeometry } from '../helpers/conv-spec.ts';

const wasmPresent = wasmEnabled();
afterEach(() => setWasmEnabled(wasmPresent));

/** ConvGeometry with its (height, width) pairs as tuples, as the arbitraries below draw them. */
type Geometry = Omit<ConvGeometry, `${'stride' | 'pad' | 'dilation'}${'Height' | 'Width'}`> & {
  stride: [number, number];
  pad: [number, number];
  dilation: [number, number];
};

/** The Conv2dSpec of a geometry (its pairs spelled out). */
const specOf = (g: Geometry): Conv2dSpec =>
  makeSpec({
    ...g,
    strideHeight: g.stride[0],
    strideWidth: g.stride[1],
    padHeight: g.pad[0],
    padWidth: g.pad[1],
    dilationHeight: g.dilation[0],
    dilationWidth: g.dilation[1],
  });

interface Case {
  geometry: Geometry;
  dtype: DType;
  seed: number;
  /** Fractions of x's length where NaN, +Inf and −Inf are planted, or none. */
  poison: [number, number, number] | null;
}

const gamma = (k: number, u: number) => (k * u) / (1 - k * u);
const boundFactor = (k: number, dtype: DType) => {
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  return gamma(k, 2 ** -53) + gamma(k, u) + 2 * u;
};

/** fn with the wasm path off, then on; the two must agree within factor · magnitude[i]. */
function expectPathsAgree(label: string, fn: () => Data, magnitude: Data, factor: number): void {
  setWasmEnabled(false);
  const ts = fn();
  setWasmEnabled(true);
  const wasm = fn();
  expect(wasm.constructor).toBe(ts.constructor);
  expect(wasm.length).toBe(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const ok = Number.isFinite(ts[i]) ? Math.abs(wasm[i] - ts[i]) <= factor * magnitude[i] : Object.is(wasm[i], ts[i]);
    if (!ok)
      throw new Error(
        `${label}: element ${i} is ${wasm[i]} on wasm, ${ts[i]} on TypeScript (± ${factor * magnitude[i]})`,
      );
  }
}

function operands({ geometry, dtype, seed, poison }: Case) {
  const s = specOf(geometry);
  const x = seededValues(s.batch * s.inChannels * s.inHeight * s.inWidth, seed, dtype);
  const w = seededValues(s.outChannels * geometry.inPerGroup * s.kernelHeight * s.kernelWidth, seed + 1, dtype);
  const dy = seededValues(s.batch * s.outChannels * s.outHeight * s.outWidth, seed + 2, dtype);
  for (const data of [x, dy])
    if (poison && data.length > 0)
      [NaN, Infinity, -Infinity].forEach((v, i) => (data[Math.floor(poison[i] * data.length)] = v));
  return { s, x, w, dy };
}

function checkConv(c: Case): void {
  const { s, x, w } = operands(c);
  const k = c.geometry.inPerGroup * s.kernelHeight * s.kernelWidth;
  const magnitude = conv2dDirect(absolute(x), absolute(w), s);
  expectPathsAgree(`conv2d ${JSON.stringify(s)} ${c.dtype}`, () => conv2d(x, w, s), magnitude, boundFactor(k, c.dtype));
}

function checkInputGrad(c: Case): void {
  const { s, w, dy } = operands(c);
  const magnitude = new Float64Array(s.batch * s.inChannels * s.inHeight * s.inWidth);
  forEachConv2dTerm(s, (yi, xi, wi) => (magnitude[xi] += Math.abs(dy[yi] * w[wi])));
  const k = (s.outChannels / s.groups) * s.kernelHeight * s.kernelWidth;
  const u = c.dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  // Both paths add the KH·KW rows of dcols into dx in the dtype: one more γ_k(u) than boundFactor.
  const label = `conv2dInputGrad ${JSON.stringify(s)} ${c.dtype}`;
  expectPathsAgree(label, () => conv2dInputGrad(dy, w, s), magnitude, boundFactor(k, c.dtype) + gamma(k, u));
}

function checkWeightGrad(c: Case): void {
  const { s, x, w, dy } = operands(c);
  const magnitude = new Float64Array(w.length);
  forEachConv2dTerm(s, (yi, xi, wi) => (magnitude[wi] += Math.abs(x[xi] * dy[yi])));
  const k = s.batch * s.outHeight * s.outWidth;
  const label = `conv2dWeightGrad ${JSON.stringify(s)} ${c.dtype}`;
  expectPathsAgree(label, () => conv2dWeightGrad(x, dy, s), magnitude, boundFactor(k, c.dtype));
}

const pair = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })) as fc.Arbitrary<[number, number]>;

/** Widths that give output widths near the tile widths (8 float32, 4 float64) and their multiples. */
const widthArb = (max: number) =>
  fc.oneof(
    fc.constantFrom(1, 3, 4, 5, 7, 8, 9, 10, 12, 16, 17, 18).filter((v) => v <= max),
    fc.integer({ min: 1, max }),
  );

const geometryArb = (maxBatch: number, maxImage: number, maxChannels: number) =>
  fc.record({
    batch: fc.integer({ min: 0, max: maxBatch }),
    groups: fc.integer({ min: 1, max: 3 }),
    inPerGroup: fc.integer({ min: 0, max: maxChannels }),
    outPerGroup: fc.integer({ min: 1, max: maxChannels }),
    inHeight: fc.integer({ min: 1, max: maxImage }),
    inWidth: widthArb(maxImage),
    kernelHeight: fc.integer({ min: 1, max: 4 }),
    kernelWidth: fc.integer({ min: 1, max: 4 }),
    stride: pair(1, 3),
    pad: pair(0, 3),
    dilation: pair(1, 2),
  });

const caseArb = (geometry: fc.Arbitrary<Geometry>) =>
  fc.record({
    geometry,
    dtype: fc.constantFrom<DType>('float32', 'float64'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    poison: fc.option(fc.tuple(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true })), { nil: null }), // prettier-ignore
  });

const benchLayer: Geometry = {
  batch: 4,
  groups: 1,
  inPerGroup: 16,
  outPerGroup: 32,
  inHeight: 32,
  inWidth: 32,
  kernelHeight: 3,
  kernelWidth: 3,
  stride: [1, 1],
  pad: [1, 1],
  dilation: [1, 1],
};

describe.runIf(wasmPresent)('wasm im2col conv2d', () => {
  it('emits the same module bytes every time (SHA-256 pinned)', () => {
    expectPinnedModule(im2colModule, '2564cd963e5207d75920a5d1795547803f2e79dd258ba2772058378dbe49dcca');
  });

  it('matches the TypeScript conv2d on small shapes (stride, padding, dilation, groups, edge tiles, NaN/Inf)', () => {
    fc.assert(fc.property(caseArb(geometryArb(3, 12, 3)), checkConv), { numRuns: 300 });
  });

  it('matches on shapes large enough to pack and multiply image by image on the threads', () => {
    // ≥ 2 images per thread and ≥ 2¹⁶ patch elements (im2col.ts): the fused pack-and-multiply chunks.
    const large = fc
      .record({
        batch: fc.integer({ min: 4, max: 8 }),
        groups: fc.integer({ min: 1, max: 2 }),
        inPerGroup: fc.integer({ min: 2, max: 4 }),
        outPerGroup: fc.integer({ min: 1, max: 4 }),
        inHeight: fc.integer({ min: 20, max: 40 }),
        inWidth: fc.oneof(fc.constantFrom(24, 32, 33, 35), fc.integer({ min: 20, max: 40 })),
        kernelHeight: fc.integer({ min: 2, max: 4 }),
        kernelWidth: fc.integer({ min: 2, max: 4 }),
        stride: pair(1, 2),
        pad: pair(0, 3),
        dilation: pair(1, 2),
      })
      .filter((g) => {
        const s = specOf(g);
        return s.batch * s.inChannels * s.kernelHeight * s.kernelWidth * s.outHeight * s.outWidth >= 2 ** 16;
      });
    fc.assert(fc.property(caseArb(large), checkConv), { numRuns: 12 });
    fc.assert(fc.property(caseArb(large), checkWeightGrad), { numRuns: 8 });
    fc.assert(fc.property(caseArb(large), checkInputGrad), { numRuns: 8 });
  });

  it('the weight gradient matches the TypeScript one on small shapes (k-blocks split inside images, NaN/Inf)', () => {
    fc.assert(fc.property(caseArb(geometryArb(3, 12, 3)), checkWeightGrad), { numRuns: 200 });
    // 3 images of 17² = 289 positions: the 256-step k-blocks of the panels start inside images.
    const blocks = { ...benchLayer, batch: 3, inPerGroup: 3, outPerGroup: 9, inHeight: 17, inWidth: 17 };
    for (const dtype of ['float32', 'float64'] as const)
      checkWeightGrad({ geometry: blocks, dtype, seed: 3, poison: null });
  });

  it('conv2d and both gradients match on the benchmark layer (3×3, padding 1, 16 → 32, 32²), both dtypes', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      checkConv({ geometry: benchLayer, dtype, seed: 7, poison: [0.1, 0.5, 0.9] });
      checkWeightGrad({ geometry: benchLayer, dtype, seed: 8, poison: null });
      checkInputGrad({ geometry: benchLayer, dtype, seed: 9, poison: [0.2, 0.6, 0.7] });
    }
  });

  it('the input gradient (col2im) matches the TypeScript one on small shapes (NaN/Inf in dy)', () => {
    fc.assert(fc.property(caseArb(geometryArb(3, 12, 3)), checkInputGrad), { numRuns: 200 });
  });

  it('a 1×1, stride-1 convolution equals the per-image matrix product (exact small integers)', () => {
    const s = specOf({ ...benchLayer, batch: 2, inPerGroup: 3, outPerGroup: 2, inHeight: 2, inWidth: 9, kernelHeight: 1, kernelWidth: 1, pad: [0, 0] }); // prettier-ignore
    const x = Float32Array.from({ length: 2 * 3 * 18 }, (_, i) => (i % 7) - 3);
    const w = Float32Array.from([1, 2, 3, -1, 0, 2]);
    const y = conv2d(x, w, s);
    for (let n = 0; n < 2; n++)
      for (let o = 0; o < 2; o++)
        for (let q = 0; q < 18; q++) {
          let sum = 0;
          for (let c = 0; c < 3; c++) sum += w[o * 3 + c] * x[(n * 3 + c) * 18 + q];
          expect(y[(n * 2 + o) * 18 + q]).toBe(sum);
        }
  });
});
