/**
 * Shared pieces of the gpujs tests: one backend for the suite and fast-check generators for
 * shapes and float32 data (the comparisons are test/helpers/close.ts).
 */
import fc from 'fast-check';
import { createGpuJsBackend, type GpuJsBackend } from '../../gpu/gpujs/index.ts';
import { broadcastShapes, sizeOf } from '../../gpu/shape.ts';

let shared: GpuJsBackend | undefined;

/** The backend under test, created once (gpu.js loads on first use). */
export function gpujs(): GpuJsBackend {
  shared ??= createGpuJsBackend();
  return shared;
}

/** Property runs per test: gpu.js compiles a kernel per new shape, so keep this small. */
export const RUNS = 40;

/** Extents 0–max, weighted towards non-empty axes (size-0 and size-1 axes still appear). */
export const extentArb = (max = 4) =>
  fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max }), weight: 15 });

/** Shapes of rank minRank–maxRank (uniformly), extents from extentArb. */
export const shapeArb = (minRank = 0, maxRank = 4, maxExtent = 4) =>
  fc
    .integer({ min: minRank, max: maxRank })
    .chain((rank) => fc.array(extentArb(maxExtent), { minLength: rank, maxLength: rank }));

/** Usually false: most axes keep their extent, a few broadcast from 1. */
const rarely = fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 });

/** Two shapes that broadcast together, and their broadcast. */
export const broadcastArb = (count = 2) =>
  shapeArb(0, 4).chain((full) =>
    fc
      .array(
        fc.tuple(
          fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.nat(full.length), weight: 1 }),
          fc.array(rarely, { minLength: full.length, maxLength: full.length }),
        ),
        { minLength: count, maxLength: count },
      )
      .map((choices) => {
        const shapes = choices.map(([drop, ones]) => full.map((extent, i) => (ones[i] ? 1 : extent)).slice(drop));
        const outShape = shapes.reduce<number[]>((out, shape) => broadcastShapes(out, shape) ?? out, []);
        return { shapes, outShape };
      }),
  );

/** float32 values in [−max, max]; with `special`, NaN, ±∞ and ±0 now and then. */
export const valueArb = (max = 4, special = false) => {
  const finite = fc.float({ min: -max, max, noNaN: true, noDefaultInfinity: true });
  return special
    ? fc.oneof(
        { arbitrary: finite, weight: 12 },
        { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0), weight: 1 },
      )
    : finite;
};

export const dataArb = (size: number, max = 4, special = false) =>
  fc.array(valueArb(max, special), { minLength: size, maxLength: size }).map((values) => Float32Array.from(values));

/** Data for a shape. */
export const tensorArb = (shape: readonly number[], max = 4, special = false) => dataArb(sizeOf(shape), max, special);

/** Distinct values in random order (no ties, so argmax and max-pooling indices are unique). */
export const distinctArb = (size: number) =>
  fc.array(fc.nat(), { minLength: size, maxLength: size }).map((keys) => {
    const order = keys.map((key, i) => [key, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out = new Float32Array(size);
    order.forEach(([, i], rank) => {
      out[i] = (rank - size / 2) / 8;
    });
    return out;
  });
