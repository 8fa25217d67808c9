/** Reductions over axes, and argmax along one axis. */
import type { Data, ReduceOp } from '../backend.ts';
import { forEachStrided2, sizeOf, stridesOf } from '../shape.ts';
import { allocate, dtypeOf } from './storage.ts';

/**
 * Walks the input once in row-major order and folds each element into its output cell.
 * The output is read through strides that are 0 on the reduced axes, so one walker
 * serves every choice of axes. Sums accumulate in float64 even for float32 data.
 */
export function reduce(op: ReduceOp, x: Data, shape: readonly number[], axes: readonly number[]): Data {
  const reduced = new Set(axes);
  const outShape = shape.filter((_, axis) => !reduced.has(axis));
  const outStrides = stridesOf(outShape);
  let next = 0;
  const strides = shape.map((_, axis) => (reduced.has(axis) ? 0 : outStrides[next++]));
  const outSize = sizeOf(outShape);
  const groupSize = outSize === 0 ? 0 : sizeOf(shape) / outSize;
  const accumulator = new Float64Array(outSize);
  if (op === 'max') accumulator.fill(-Infinity);
  if (op === 'min') accumulator.fill(Infinity);
  forEachStrided2(shape, stridesOf(shape), strides, (start, _offsetIn, offsetOut, count, _stepIn, stepOut) => {
    if (op === 'sum' || op === 'mean') {
      if (stepOut === 0) {
        let total = 0;
        for (let j = 0; j < count; j++) total += x[start + j];
        accumulator[offsetOut] += total;
      } else {
        for (let j = 0; j < count; j++) accumulator[offsetOut + j * stepOut] += x[start + j];
      }
    } else if (op === 'max') {
      for (let j = 0; j < count; j++) {
        const v = x[start + j];
        const k = offsetOut + j * stepOut;
        // NaN wins, as in torch.max
        if (v > accumulator[k] || v !== v) accumulator[k] = v;
      }
    } else {
      for (let j = 0; j < count; j++) {
        const v = x[start + j];
        const k = offsetOut + j * stepOut;
        if (v < accumulator[k] || v !== v) accumulator[k] = v;
      }
    }
  });
  const out = allocate(outSize, dtypeOf(x));
  const scale = op === 'mean' ? 1 / groupSize : 1;
  for (let i = 0; i < outSize; i++) out[i] = accumulator[i] * scale;
  return out;
}

/** Index of the first maximum along `axis` (a NaN counts as the maximum), in float64 so every index is exact. */
export function argmax(x: Data, shape: readonly number[], axis: number): Float64Array {
  const outer = sizeOf(shape.slice(0, axis));
  const extent = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * extent * inner + i;
      let best = 0;
      let bestValue = x[base];
      for (let j = 1; j < extent && bestValue === bestValue; j++) {
        const v = x[base + j * inner];
        if (v > bestValue || v !== v) {
          best = j;
          bestValue = v;
        }
      }
      out[o * inner + i] = best;
    }
  }
  return out;
}
