/**
 * The gpujs backend against the cpu backend (the readable definition of every kernel),
 * on random shapes (size-0 and size-1 axes, broadcasting) and random float32 values
 * (NaN, ±∞ and ±0 included where the op defines them).
 * Bounds: exact for layout ops, comparisons, max/min/argmax, gather/scatterAdd and the
 * float32 arithmetic ops; a few ulps for transcendental maps; n·2⁻²³·Σ|x| for sums; and
 * (K+2)·2⁻²³·Σ|a||b| per entry for matmul and the convolutions.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BinaryOp, Conv2dSpec, MatmulSpec, Pool2dSpec, ReduceOp, UnaryOp } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { matmulFlat, naiveMatmulKernel } from '../../gpu/gpujs/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { absolute, EPSILON32, expectExact, expectWithin } from '../helpers/close.ts';
import { broadcastArb, dataArb, distinctArb, gpujs, RUNS, shapeArb, tensorArb } from './gpujs-helpers.ts';

const unaryOps: UnaryOp[] = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'relu',
  'sigmoid',
  'tanh',
  'sin',
  'cos',
  'arccos',
  'sign',
  'step',
];
const binaryOps: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];

describe('gpujs elementwise kernels match cpu', () => {
  it('unary maps agree within a few ulps (NaN, ±∞, ±0 included)', () => {
    fc.assert(
      fc.property(
        shapeArb().chain((shape) => tensorArb(shape, 4, true)),
        (x) => {
          for (const op of unaryOps) {
            const expected = cpu.unary(op, x);
            expectWithin(gpujs().unary(op, x), expected, (i) => 8 * EPSILON32 * Math.abs(expected[i]) + 2 ** -126, op);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('binary ops with broadcasting are exact (float32 arithmetic is correctly rounded in both)', () => {
    fc.assert(
      fc.property(
        broadcastArb(2).chain(({ shapes, outShape }) =>
          fc.tuple(
            fc.constant(shapes),
            fc.constant(outShape),
            tensorArb(shapes[0], 4, true),
            tensorArb(shapes[1], 4, true),
          ),
        ),
        ([[aShape, bShape], outShape, a, b]) => {
          for (const op of binaryOps)
            expectExact(
              gpujs().binary(op, a, aShape, b, bShape, outShape),
              cpu.binary(op, a, aShape, b, bShape, outShape),
              `${op} [${aShape}] [${bShape}]`,
            );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('where broadcasts all three operands exactly (NaN counts as true)', () => {
    const condition = (shape: number[]) =>
      fc
        .array(fc.constantFrom(0, 1, -2, NaN, -0), { minLength: sizeOf(shape), maxLength: sizeOf(shape) })
        .map((v) => Float32Array.from(v));
    fc.assert(
      fc.property(
        broadcastArb(3).chain(({ shapes, outShape }) =>
          fc.tuple(
            fc.constant(shapes),
            fc.constant(outShape),
            condition(shapes[0]),
            tensorArb(shapes[1]),
            tensorArb(shapes[2]),
          ),
        ),
        ([[cShape, aShape, bShape], outShape, c, a, b]) => {
          expectExact(
            gpujs().where(c, cShape, a, aShape, b, bShape, outShape),
            cpu.where(c, cShape, a, aShape, b, bShape, outShape),
            'where',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** A shape and a sorted, distinct subset of its axes. */
const axesArb = shapeArb().chain((shape) =>
  fc.tuple(fc.constant(shape), fc.subarray(shape.map((_, axis) => axis)), tensorArb(shape, 4, true)),
);

describe('gpujs reductions match cpu', () => {
  it('sum and mean within n·2⁻²³·Σ|x|; max and min exactly (NaN wins)', () => {
    fc.assert(
      fc.property(axesArb, ([shape, axes, x]) => {
        const magnitude = cpu.reduce('sum', absolute(x), shape, axes);
        const reduced = new Set(axes);
        const groupSize = sizeOf(shape.filter((_, axis) => reduced.has(axis)));
        for (const op of ['sum', 'mean'] as ReduceOp[]) {
          const scale = op === 'mean' ? 1 / Math.max(groupSize, 1) : 1;
          expectWithin(
            gpujs().reduce(op, x, shape, axes),
            cpu.reduce(op, x, shape, axes),
            (i) => (groupSize + 2) * EPSILON32 * magnitude[i] * scale,
            `${op} [${shape}] axes [${axes}]`,
          );
        }
        for (const op of ['max', 'min'] as ReduceOp[])
          expectExact(
            gpujs().reduce(op, x, shape, axes),
            cpu.reduce(op, x, shape, axes),
            `${op} [${shape}] axes [${axes}]`,
          );
      }),
      { numRuns: RUNS },
    );
  });

  it('argmax picks the same first maximum (NaN counts as the maximum)', () => {
    fc.assert(
      fc.property(
        shapeArb(1).chain((shape) => fc.tuple(fc.constant(shape), fc.nat(shape.length - 1), tensorArb(shape, 2, true))),
        ([shape, axis, x]) =>
          expectExact(gpujs().argmax(x, shape, axis), cpu.argmax(x, shape, axis), `argmax [${shape}] axis ${axis}`),
      ),
      { numRuns: RUNS },
    );
  });
});

describe('gpujs layout kernels match cpu exactly', () => {
  it('permute', () => {
    fc.assert(
      fc.property(
        shapeArb().chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.shuffledSubarray(
              shape.map((_, axis) => axis),
              { minLength: shape.length },
            ),
            tensorArb(shape, 4, true),
          ),
        ),
        ([shape, perm, x]) =>
          expectExact(gpujs().permute(x, shape, perm), cpu.permute(x, shape, perm), `permute [${shape}] by [${perm}]`),
      ),
      { numRuns: RUNS },
    );
  });

  it('broadcastTo', () => {
    fc.assert(
      fc.property(
        broadcastArb(2).chain(({ shapes, outShape }) =>
          fc.tuple(fc.constant(shapes[0]), fc.constant(outShape), tensorArb(shapes[0])),
        ),
        ([shape, outShape, x]) =>
          expectExact(
            gpujs().broadcastTo(x, shape, outShape),
            cpu.broadcastTo(x, shape, outShape),
            `broadcastTo [${shape}] → [${outShape}]`,
          ),
      ),
      { numRuns: RUNS },
    );
  });

  it('pad (constant value, including −∞ and NaN)', () => {
    fc.assert(
      fc.property(
        shapeArb().chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: shape.length, maxLength: shape.length }),
            fc.constantFrom(0, 1.5, -Infinity, NaN),
            tensorArb(shape),
          ),
        ),
        ([shape, padding, value, x]) =>
          expectExact(
            gpujs().pad(x, shape, padding, value),
            cpu.pad(x, shape, padding, value),
            `pad [${shape}] by ${JSON.stringify(padding)}`,
          ),
      ),
      { numRuns: RUNS },
    );
  });

  it('slice', () => {
    const sliceArb = shapeArb().chain((shape) =>
      fc.tuple(
        fc.constant(shape),
        fc.tuple(
          ...shape.map((extent) =>
            fc.nat(extent).chain((begin) => fc.tuple(fc.constant(begin), fc.nat(extent - begin))),
          ),
        ),
        tensorArb(shape),
      ),
    );
    fc.assert(
      fc.property(sliceArb, ([shape, ranges, x]) => {
        const begin = ranges.map(([start]) => start);
        const size = ranges.map(([, length]) => length);
        expectExact(
          gpujs().slice(x, shape, begin, size),
          cpu.slice(x, shape, begin, size),
          `slice [${shape}] at [${begin}] size [${size}]`,
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('concat (pieces of size 0 included)', () => {
    const concatArb = shapeArb(1, 3).chain((base) =>
      fc
        .tuple(fc.constant(base), fc.nat(base.length - 1), fc.array(fc.nat(3), { minLength: 1, maxLength: 4 }))
        .chain(([shape, axis, extents]) => {
          const shapes = extents.map((extent) => shape.map((d, i) => (i === axis ? extent : d)));
          return fc.tuple(fc.constant(shapes), fc.constant(axis), fc.tuple(...shapes.map((s) => tensorArb(s))));
        }),
    );
    fc.assert(
      fc.property(concatArb, ([shapes, axis, xs]) =>
        expectExact(
          gpujs().concat(xs, shapes, axis),
          cpu.concat(xs, shapes, axis),
          `concat axis ${axis} of ${JSON.stringify(shapes)}`,
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it('concat of more pieces than one kernel takes (grouped)', () => {
    const shapes = Array.from({ length: 11 }, (_, i) => [2, i % 3, 3]);
    const xs = shapes.map((shape, i) => Float32Array.from({ length: sizeOf(shape) }, (_, j) => i * 100 + j));
    expectExact(gpujs().concat(xs, shapes, 1), cpu.concat(xs, shapes, 1), 'concat of 11');
  });

  /** A shape, an axis, an index shape (≤ the shape off the axis) and in-range indices. */
  const gatherArb = (extentAlongAxis: (shape: number[], axis: number) => number) =>
    shapeArb(1, 3).chain((shape) =>
      fc.nat(shape.length - 1).chain((axis) =>
        fc.tuple(...shape.map((extent, d) => (d === axis ? fc.nat(4) : fc.nat(extent)))).chain((indexShape) => {
          const limit = extentAlongAxis(shape, axis);
          const shapeOfIndices = limit === 0 ? indexShape.map((d, i) => (i === axis ? 0 : d)) : indexShape;
          const count = sizeOf(shapeOfIndices);
          return fc.tuple(
            fc.constant(shape),
            fc.constant(axis),
            fc.constant(shapeOfIndices),
            fc
              .array(fc.nat(Math.max(limit - 1, 0)), { minLength: count, maxLength: count })
              .map((v) => Int32Array.from(v)),
          );
        }),
      ),
    );

  it('gather', () => {
    fc.assert(
      fc.property(
        gatherArb((shape, axis) => shape[axis]).chain(([shape, axis, indexShape, indices]) =>
          fc.tuple(fc.constant([shape, axis, indexShape, indices] as const), tensorArb(shape, 4, true)),
        ),
        ([[shape, axis, indexShape, indices], x]) => {
          expectExact(
            gpujs().gather(x, shape, axis, indices, indexShape),
            cpu.gather(x, shape, axis, indices, indexShape),
            `gather [${shape}] axis ${axis} index [${indexShape}]`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('scatterAdd (sums in the cpu order, so exactly)', () => {
    fc.assert(
      fc.property(
        gatherArb((shape, axis) => shape[axis]).chain(([outShape, axis, indexShape, indices]) =>
          fc.tuple(fc.constant([outShape, axis, indexShape, indices] as const), tensorArb(indexShape)),
        ),
        ([[outShape, axis, indexShape, indices], src]) => {
          expectExact(
            gpujs().scatterAdd(src, indices, indexShape, axis, outShape),
            cpu.scatterAdd(src, indices, indexShape, axis, outShape),
            `scatterAdd [${indexShape}] → [${outShape}] axis ${axis}`,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});

/** The per-entry float32 bound (terms + 2)·2⁻²³·Σ|·||·|, with the magnitudes from a float64 cpu run. */
const productBound = (terms: number, magnitude: ArrayLike<number>) => (i: number) =>
  (terms + 2) * EPSILON32 * magnitude[i] + 2 ** -126;

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
    const poolArb = fc
      .record({
        batch: fc.integer({ min: 1, max: 2 }),
        channels: fc.integer({ min: 1, max: 3 }),
        inHeight: fc.integer({ min: 1, max: 7 }),
        inWidth: fc.integer({ min: 1, max: 7 }),
        kernelHeight: fc.integer({ min: 1, max: 3 }),
        kernelWidth: fc.integer({ min: 1, max: 3 }),
        strideHeight: fc.integer({ min: 1, max: 3 }),
        strideWidth: fc.integer({ min: 1, max: 3 }),
        padHeight: fc.nat(3),
        padWidth: fc.nat(3),
      })
      .map((s): Pool2dSpec => ({
        ...s,
        outHeight: Math.floor((s.inHeight + 2 * s.padHeight - s.kernelHeight) / s.strideHeight) + 1,
        outWidth: Math.floor((s.inWidth + 2 * s.padWidth - s.kernelWidth) / s.strideWidth) + 1,
      }))
      .filter((spec) => spec.outHeight >= 1 && spec.outWidth >= 1)
      .chain((spec) =>
        fc.tuple(fc.constant(spec), distinctArb(spec.batch * spec.channels * spec.inHeight * spec.inWidth)),
      );
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

describe('gpujs host operations', () => {
  it('randomUniform and randomNormal give the cpu backend numbers for the same seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.nat(50), (seed, size) => {
        expectExact(
          gpujs().randomUniform(size, seed, -1, 3, 'float32'),
          cpu.randomUniform(size, seed, -1, 3, 'float32'),
          'uniform',
        );
        expectExact(
          gpujs().randomNormal(size, seed, 0.5, 2, 'float32'),
          cpu.randomNormal(size, seed, 0.5, 2, 'float32'),
          'normal',
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('fromArray, fill and cast produce float32 copies', () => {
    const source = [1, 2.5, -3];
    const stored = gpujs().fromArray(source, 'float32');
    expect(stored).toBeInstanceOf(Float32Array);
    expectExact(stored, source, 'fromArray');
    expectExact(gpujs().fill(3, 7, 'float32'), [7, 7, 7], 'fill');
    const copy = gpujs().cast(stored, 'float32');
    expect(copy).not.toBe(stored);
    expectExact(copy, stored, 'cast');
  });
});
