/** Kernels that move data without arithmetic: permute, broadcast, pad, slice, concat, gather, scatter-add. */
import type { Data } from '../backend.ts';
import { broadcastStrides, forEachStrided2, sizeOf, stridesOf } from '../shape.ts';
import { channelBlock } from './elementwise.ts';
import { allocate, dtypeOf } from './storage.ts';

/** Writes out[k] = x[offset(k)] for every k in row-major order of outShape, reading x through `strides`. */
function readStrided(x: Data, outShape: readonly number[], strides: readonly number[], base = 0): Data {
  const out = allocate(sizeOf(outShape), dtypeOf(x));
  const zeros = new Array<number>(outShape.length).fill(0);
  forEachStrided2(outShape, strides, zeros, (start, offset, _unused, count, step) => {
    const from = base + offset;
    if (step === 1) {
      for (let j = 0; j < count; j++) out[start + j] = x[from + j];
    } else {
      for (let j = 0; j < count; j++) out[start + j] = x[from + j * step];
    }
  });
  return out;
}

/** Copies all of x (contiguous, of `shape`) into `out` at `base`, writing through `outStrides`. */
function writeStrided(x: Data, shape: readonly number[], out: Data, outStrides: readonly number[], base: number): void {
  forEachStrided2(shape, outStrides, stridesOf(shape), (start, offset, _unused, count, step) => {
    const to = base + offset;
    for (let j = 0; j < count; j++) out[to + j * step] = x[start + j];
  });
}

export function permute(x: Data, shape: readonly number[], perm: readonly number[]): Data {
  const strides = stridesOf(shape);
  return readStrided(
    x,
    perm.map((axis) => shape[axis]),
    perm.map((axis) => strides[axis]),
  );
}

export function broadcastTo(x: Data, shape: readonly number[], outShape: readonly number[]): Data {
  // [1, C, 1, 1] → [N, C, H, W] (the gradient of BatchNorm's means): one fill per block, not the walk's closure per row
  const block = channelBlock(shape, outShape);
  if (!block) return readStrided(x, outShape, broadcastStrides(shape, outShape));
  const [mid, inner] = block;
  const out = allocate(sizeOf(outShape), dtypeOf(x));
  for (let start = 0, m = 0; start < out.length; start += inner, m = m + 1 === mid ? 0 : m + 1)
    out.fill(x[m], start, start + inner);
  return out;
}

export function pad(
  x: Data,
  shape: readonly number[],
  padding: readonly (readonly [number, number])[],
  value: number,
): Data {
  const outShape = shape.map((extent, axis) => extent + padding[axis][0] + padding[axis][1]);
  const out = allocate(sizeOf(outShape), dtypeOf(x));
  if (value !== 0) out.fill(value);
  const outStrides = stridesOf(outShape);
  const base = padding.reduce((sum, [before], axis) => sum + before * outStrides[axis], 0);
  writeStrided(x, shape, out, outStrides, base);
  return out;
}

export function slice(x: Data, shape: readonly number[], begin: readonly number[], size: readonly number[]): Data {
  const strides = stridesOf(shape);
  const base = begin.reduce((sum, start, axis) => sum + start * strides[axis], 0);
  return readStrided(x, size, strides, base);
}

export function concat(xs: readonly Data[], shapes: readonly (readonly number[])[], axis: number): Data {
  const outShape = [...shapes[0]];
  outShape[axis] = shapes.reduce((sum, shape) => sum + shape[axis], 0);
  const out = allocate(sizeOf(outShape), dtypeOf(xs[0]));
  const outStrides = stridesOf(outShape);
  let position = 0;
  xs.forEach((x, i) => {
    writeStrided(x, shapes[i], out, outStrides, position * outStrides[axis]);
    position += shapes[i][axis];
  });
  return out;
}

/** Walks indexShape in row-major order with the offset of x's other axes (axis stride zeroed). */
function walkAlongAxis(
  shape: readonly number[],
  axis: number,
  indexShape: readonly number[],
  visit: (position: number, offset: number) => void,
): number {
  const strides = stridesOf(shape);
  const otherAxes = strides.map((stride, d) => (d === axis ? 0 : stride));
  const zeros = new Array<number>(indexShape.length).fill(0);
  forEachStrided2(indexShape, otherAxes, zeros, (start, offset, _unused, count, step) => {
    for (let j = 0; j < count; j++) visit(start + j, offset + j * step);
  });
  return strides[axis];
}

export function gather(
  x: Data,
  shape: readonly number[],
  axis: number,
  indices: Int32Array,
  indexShape: readonly number[],
): Data {
  const out = allocate(indices.length, dtypeOf(x));
  const axisStride = stridesOf(shape)[axis];
  walkAlongAxis(shape, axis, indexShape, (position, offset) => {
    out[position] = x[offset + indices[position] * axisStride];
  });
  return out;
}

export function scatterAdd(
  src: Data,
  indices: Int32Array,
  indexShape: readonly number[],
  axis: number,
  outShape: readonly number[],
): Data {
  const out = allocate(sizeOf(outShape), dtypeOf(src));
  const axisStride = stridesOf(outShape)[axis];
  walkAlongAxis(outShape, axis, indexShape, (position, offset) => {
    out[offset + indices[position] * axisStride] += src[position];
  });
  return out;
}
