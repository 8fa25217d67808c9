/** gpujs matmul, convolutions and pooling agree with cpu within float32 bounds of the summed terms (webasm mode; see gpujs.test.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conv2dSpec, MatmulSpec, Pool2dSpec } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { matmulFlat, naiveMatmulKernel } from '../../gpu/gpujs/index.ts';
import { absolute, expectExact, expectWithin } from '../helpers/close.ts';
import { dataArb, gpujs, poolArb, productBound, RUNS } from './gpujs-helpers.ts';

describe('gpujs matmul matches cpu within (K+2)·2⁻²³·Σ|a||b|', () => {
  const specArb = fc
    .record({
      batch: fc.integer({ min: 1, max: 3 }),
      m: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constant(1)),
      k: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 40 })),
      n: fc.integer({ min: 0, max: 9 }),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      gapA: fc.constantFrom(-1, 0, 2),
      gapB: fc.constantFrom(-1, 0, 2),
    })
    .map(({ gapA, gapB, ...rest }): MatmulSpec => ({
      ...rest,
      // −1: one matrix shared by the whole batch (stride 0); otherwise packed or with a gap
      strideA: gapA < 0 ? 0 : rest.m * rest.k + gapA,
      strideB: gapB < 0 ? 0 : rest.k * rest.n + gapB,
    }))
    .chain((spec) => {
      const lengthA = spec.strideA * (spec.batch - 1) + spec.m * spec.k;
      const lengthB = spec.strideB * (spec.batch - 1) + spec.k * spec.n;
      return fc.tuple(fc.constant(spec), dataArb(lengthA, 2), dataArb(lengthB, 2));
    });

  it('blocked (webasm) and flat kernels, transposes, batch strides', () => {
    fc.assert(
      fc.property(specArb, ([spec, a, b]) => {
        const magnitude = cpu.matmul(absolute(a), absolute(b), spec);
        const expected = cpu.matmul(a, b, spec);
        const bound = productBound(spec.k, magnitude);
        expectWithin(gpujs().matmul(a, b, spec), expected, bound, `matmul ${JSON.stringify(spec)}`);
        expectWithin(matmulFlat(gpujs().runtime, a, b, spec), expected, bound, `matmulFlat ${JSON.stringify(spec)}`);
      }),
      { numRuns: RUNS },
    );
  });

  it('the naive reference kernel computes A·B', () => {
    const [m, k, n] = [5, 7, 3];
    const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i));
    const spec: MatmulSpec = { batch: 1, m, k, n, transposeA: false, transposeB: false, strideA: 0, strideB: 0 };
    expectWithin(
      naiveMatmulKernel(gpujs().runtime, m, k, n)(a, b),
      cpu.matmul(a, b, spec),
      productBound(k, cpu.matmul(absolute(a), absolute(b), spec)),
      'naive',
    );
    expect(() => naiveMatmulKernel(gpujs().runtime, m, k, n)(b, a)).toThrow(/a must be a Float32Array of 35 elements/);
  });
});

/** Conv geometry with at least one output position. */
const convSpecArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
    inPerGroup: fc.integer({ min: 1, max: 2 }),
    outPerGroup: fc.integer({ min: 1, max: 2 }),
    inHeight: fc.integer({ min: 1, max: 6 }),
    inWidth: fc.integer({ min: 1, max: 6 }),
    kernelHeight: fc.integer({ min: 1, max: 3 }),
    kernelWidth: fc.integer({ min: 1, max: 3 }),
    strideHeight: fc.integer({ min: 1, max: 2 }),
    strideWidth: fc.integer({ min: 1, max: 3 }),
    padHeight: fc.nat(2),
    padWidth: fc.nat(2),
    dilationHeight: fc.integer({ min: 1, max: 2 }),
    dilationWidth: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ inPerGroup, outPerGroup, ...s }): Conv2dSpec => ({
    ...s,
    inChannels: inPerGroup * s.groups,
    outChannels: outPerGroup * s.groups,
    outHeight:
      Math.floor((s.inHeight + 2 * s.padHeight - s.dilationHeight * (s.kernelHeight - 1) - 1) / s.strideHeight) + 1,
    outWidth: Math.floor((s.inWidth + 2 * s.padWidth - s.dilationWidth * (s.kernelWidth - 1) - 1) / s.strideWidth) + 1,
  }))
  .filter((spec) => spec.outHeight >= 1 && spec.outWidth >= 1)
  .chain((spec) => {
    const inSize = spec.batch * spec.inChannels * spec.inHeight * spec.inWidth;
    const weightSize = spec.outChannels * (spec.inChannels / spec.groups) * spec.kernelHeight * spec.kernelWidth;
    const outSize = spec.batch * spec.outChannels * spec.outHeight * spec.outWidth;
    return fc.tuple(fc.constant(spec), dataArb(inSize, 2), dataArb(weightSize, 2), dataArb(outSize, 2));
  });

describe('gpujs convolutions match cpu within (terms+2)·2⁻²³·Σ|·||·|', () => {
  it('conv2d, conv2dInputGrad and conv2dWeightGrad with random stride, padding, dilation, groups', () => {
    fc.assert(
      fc.property(convSpecArb, ([spec, x, w, dy]) => {
        const area = spec.kernelHeight * spec.kernelWidth;
        expectWithin(
          gpujs().conv2d(x, w, spec),
          cpu.conv2d(x, w, spec),
          productBound((spec.inChannels / spec.groups) * area, cpu.conv2d(absolute(x), absolute(w), spec)),
          `conv2d ${JSON.stringify(spec)}`,
        );
        expectWithin(
          gpujs().conv2dInputGrad(dy, w, spec),
          cpu.conv2dInputGrad(dy, w, spec),
          productBound((spec.outChannels / spec.groups) * area, cpu.conv2dInputGrad(absolute(dy), absolute(w), spec)),
          `conv2dInputGrad ${JSON.stringify(spec)}`,
        );
        expectWithin(
          gpujs().conv2dWeightGrad(x, dy, spec),
          cpu.conv2dWeightGrad(x, dy, spec),
          productBound(
            spec.batch * spec.outHeight * spec.outWidth,
            cpu.conv2dWeightGrad(absolute(x), absolute(dy), spec),
          ),
          `conv2dWeightGrad ${JSON.stringify(spec)}`,
        );
      }),
      { numRuns: RUNS },
    );
  });
});

describe('gpujs maxPool2dIndices matches cpu exactly', () => {
  it('on distinct values, with padding (windows wholly in the padding give −1)', () => {
    fc.assert(
      fc.property(poolArb, ([spec, x]) => {
        const indices = gpujs().maxPool2dIndices(x, spec);
        expect(indices).toBeInstanceOf(Int32Array);
        expectExact(indices, cpu.maxPool2dIndices(x, spec), `maxPool2dIndices ${JSON.stringify(spec)}`);
      }),
      { numRuns: RUNS },
    );
  });
});
