/** Shape arithmetic shared by both backends: sizes, row-major strides, broadcasting. */

/** Number of elements of a shape (1 for a scalar []). */
export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const extent of shape) size *= extent;
  return size;
}

/** Row-major (C-order) strides: the last axis is contiguous. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

/**
 * Strides for reading an input of `shape` as if it had `outShape` (NumPy broadcasting:
 * shapes align on the right, size-1 axes repeat). A broadcast axis gets stride 0.
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((extent, axis) => {
    const inputAxis = axis - offset;
    if (inputAxis < 0) return 0;
    return shape[inputAxis] === 1 && extent !== 1 ? 0 : own[inputAxis];
  });
}

/** The broadcast of two shapes, or null when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out[i] = x === 1 ? y : x;
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((extent, i) => extent === b[i]);
}

/**
 * Calls visit(outIndex, offsetA, offsetB) for every element of outShape in row-major
 * order, with offsets into two inputs read through the given strides. The innermost
 * axis is a tight loop; outer axes advance an odometer, so no division per element.
 */
export function forEachStrided2(
  outShape: readonly number[],
  stridesA: readonly number[],
  stridesB: readonly number[],
  inner: (outStart: number, offsetA: number, offsetB: number, count: number, stepA: number, stepB: number) => void,
): void {
  const rank = outShape.length;
  if (rank === 0) {
    inner(0, 0, 0, 1, 0, 0);
    return;
  }
  const total = sizeOf(outShape);
  if (total === 0) return;
  const last = rank - 1;
  const count = outShape[last];
  const stepA = stridesA[last];
  const stepB = stridesB[last];
  const index = new Array<number>(rank).fill(0);
  let offsetA = 0;
  let offsetB = 0;
  for (let outStart = 0; outStart < total; outStart += count) {
    inner(outStart, offsetA, offsetB, count, stepA, stepB);
    // advance the odometer over the outer axes
    for (let axis = last - 1; axis >= 0; axis--) {
      index[axis]++;
      offsetA += stridesA[axis];
      offsetB += stridesB[axis];
      if (index[axis] < outShape[axis]) break;
      offsetA -= stridesA[axis] * outShape[axis];
      offsetB -= stridesB[axis] * outShape[axis];
      index[axis] = 0;
    }
  }
}
