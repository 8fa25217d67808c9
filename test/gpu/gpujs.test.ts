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
import type { ReduceOp } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { expectExact, expectWithin } from '../helpers/close.ts';
import {
  binaryOps,
  broadcastArb,
  broadcastOperandsArb,
  gpujs,
  RUNS,
  shapeArb,
  sumBound,
  tensorArb,
  unaryBound,
  unaryOps,
} from './gpujs-helpers.ts';

describe('gpujs elementwise kernels match cpu', () => {
  it('unary maps agree within a few ulps (NaN, ±∞, ±0 included)', () => {
    fc.assert(
      fc.property(
        shapeArb().chain((shape) => tensorArb(shape, 4, true)),
        (x) => {
          for (const op of unaryOps) {
            const expected = cpu.unary(op, x);
            expectWithin(gpujs().unary(op, x), expected, unaryBound(expected), op);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('binary ops with broadcasting are exact (float32 arithmetic is correctly rounded in both)', () => {
    fc.assert(
      fc.property(broadcastOperandsArb(), ([[aShape, bShape], outShape, a, b]) => {
        for (const op of binaryOps)
          expectExact(
            gpujs().binary(op, a, aShape, b, bShape, outShape),
            cpu.binary(op, a, aShape, b, bShape, outShape),
            `${op} [${aShape}] [${bShape}]`,
          );
      }),
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
        for (const op of ['sum', 'mean'] as ReduceOp[]) {
          expectWithin(
            gpujs().reduce(op, x, shape, axes),
            cpu.reduce(op, x, shape, axes),
            sumBound(op, x, shape, axes),
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
