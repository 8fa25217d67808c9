/** gpujs layout kernels (permute, slice, pad, concat, gather, scatter, …) agree with cpu exactly, on random shapes (webasm mode; see gpujs.test.ts). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { expectExact } from '../helpers/close.ts';
import { broadcastArb, gpujs, RUNS, shapeArb, tensorArb } from './gpujs-helpers.ts';

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
