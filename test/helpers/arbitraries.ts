/** fast-check generators shared by the tests: shapes, broadcast pairs, tensors. */
import fc from 'fast-check';
import { Tensor } from '../../autodiff/index.ts';
import type { DType } from '../../gpu/backend.ts';
import { sizeOf } from '../../gpu/shape.ts';

/** Shapes of rank 0–`maxRank` with extents 0–`maxExtent` (size-0 and size-1 axes included). */
export const shapeArb = (maxRank = 3, maxExtent = 4, minExtent = 0) =>
  fc.array(fc.integer({ min: minExtent, max: maxExtent }), { minLength: 0, maxLength: maxRank });

/** Two shapes that broadcast: some axes of a full shape set to 1 or dropped from the front. */
export const broadcastPairArb = (maxRank = 3, maxExtent = 4) =>
  shapeArb(maxRank, maxExtent, 1).chain((full) =>
    fc
      .tuple(
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
        fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
        fc.nat(full.length),
        fc.nat(full.length),
      )
      .map(
        ([onesA, onesB, dropA, dropB]) =>
          [
            full.map((extent, i) => (onesA[i] ? 1 : extent)).slice(dropA),
            full.map((extent, i) => (onesB[i] ? 1 : extent)).slice(dropB),
          ] as [number[], number[]],
      ),
  );

/** A tensor of the given shape with values in [min, max]. */
export function valuesArb(shape: readonly number[], min = -2, max = 2) {
  return fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), {
    minLength: sizeOf(shape),
    maxLength: sizeOf(shape),
  });
}

export function makeTensor(values: readonly number[], shape: readonly number[], dtype: DType = 'float64'): Tensor {
  const data = dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
  return new Tensor(data, shape, dtype);
}

/** A float64 tensor of a random shape from `shapes`, values in [min, max]. */
export const tensorArb = (shapes = shapeArb(), min = -2, max = 2, dtype: DType = 'float64') =>
  shapes.chain((shape) => valuesArb(shape, min, max).map((values) => makeTensor(values, shape, dtype)));

/** Row-major multi-index of flat position `flat` in `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    index[axis] = flat % shape[axis];
    flat = Math.floor(flat / shape[axis]);
  }
  return index;
}

/** Flat position of a multi-index in `shape`. */
export function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((flat, i, axis) => flat * shape[axis] + i, 0);
}

/** Element of x read at an index of a (possibly larger) broadcast shape. */
export function broadcastRead(x: Tensor, outIndex: readonly number[]): number {
  const offset = outIndex.length - x.rank;
  const index = x.shape.map((extent, axis) => (extent === 1 ? 0 : outIndex[offset + axis]));
  return x.data[ravel(index, x.shape)];
}

/**
 * A small conv2d case (float64 x and w, with stride, padding, dilation and groups) whose
 * dilated kernel fits the padded input: shared by the forward and gradcheck tests.
 */
export const convCaseArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 2 }),
    inPerGroup: fc.integer({ min: 1, max: 2 }),
    outPerGroup: fc.integer({ min: 1, max: 2 }),
    size: fc.integer({ min: 3, max: 6 }),
    kernel: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
  })
  .filter((c) => c.size + 2 * c.padding >= c.dilation * (c.kernel - 1) + 1)
  .chain((c) => {
    const xShape = [c.batch, c.groups * c.inPerGroup, c.size, c.size];
    const wShape = [c.groups * c.outPerGroup, c.inPerGroup, c.kernel, c.kernel];
    return fc
      .tuple(fc.constant(c), valuesArb(xShape), valuesArb(wShape))
      .map(([spec, xv, wv]) => ({ ...spec, x: makeTensor(xv, xShape), w: makeTensor(wv, wShape) }));
  });
