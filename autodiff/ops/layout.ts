/**
 * Ops that rearrange values: reshape, permute, broadcastTo, pad/slice (each other's
 * VJP), concat, and cast. Their VJPs are layout ops too, so they differentiate again.
 * stridedSlice (Python slicing with steps) is composed from pad, slice and reshape.
 */
import type { DType } from '../../gpu/backend.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { checkIntegers, checkNumber, checkShape, checkTensor, checkTensorList, describeValue } from '../arguments.ts';
import { checkAllocation } from '../allocation.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { normalizeAxis } from './operand.ts';

/** Attributes of reshape and broadcastTo: the output shape. */
export interface ShapeAttrs {
  shape: number[];
}

export const reshapeDefinition: OpDef<ShapeAttrs, 'reshape'> = {
  name: 'reshape',
  shape: (_inputs, { shape }) => shape,
  forward: (_kernels, [x]) => x.storage, // storage is immutable, so the new shape can share it
  vjp: (g, { inputs: [x] }) => [reshape(g, x.shape)],
};

/** The same values in a new shape; one extent may be −1 (inferred). @example reshape(x, [2, -1]) */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', x);
  checkIntegers('reshape', 'shape', shape, 0, [-1]);
  const inferred = shape.filter((extent) => extent === -1).length;
  const known = sizeOf(shape.filter((extent) => extent !== -1));
  const resolved = shape.map((extent) => (extent === -1 ? (known === 0 ? 0 : x.size / known) : extent));
  if (inferred > 1 || sizeOf(resolved) !== x.size || !resolved.every(Number.isInteger)) {
    throw new Error(`reshape: cannot reshape ${shapeText(x.shape)} (${x.size} elements) to ${shapeText(shape)}`);
  }
  return apply(reshapeDefinition, [x], { shape: resolved });
}

/** Collapses the axes from `startAxis` on into one. */
export function flatten(x: Tensor, startAxis = 0): Tensor {
  const axis = normalizeAxis(startAxis, checkTensor('flatten', x).rank, 'flatten');
  return reshape(x, [...x.shape.slice(0, axis), sizeOf(x.shape.slice(axis))]);
}

/** Attributes of permute: output axis i is input axis perm[i]. */
export interface PermuteAttrs {
  perm: number[];
}

export const permuteDefinition: OpDef<PermuteAttrs, 'permute'> = {
  name: 'permute',
  shape: ([x], { perm }) => perm.map((axis) => x.shape[axis]),
  forward: (kernels, [x], { perm }) => kernels.permute(x.storage, x.shape, perm),
  vjp(g, { attrs: { perm } }) {
    const inverse = new Array<number>(perm.length);
    perm.forEach((axis, i) => (inverse[axis] = i));
    return [permute(g, inverse)];
  },
};

/** Output axis i is input axis perm[i]. @example permute(x, [0, 2, 3, 1]) // NCHW → NHWC */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  checkTensor('permute', x);
  checkIntegers('permute', 'perm', perm);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.rank || !sorted.every((axis, i) => axis === i)) {
    throw new Error(`permute: [${perm.join(',')}] is not a permutation of the ${x.rank} axes of ${shapeText(x.shape)}`);
  }
  return apply(permuteDefinition, [x], { perm: [...perm] });
}

/** Swaps the last two axes. */
export function transpose(x: Tensor): Tensor {
  if (checkTensor('transpose', x).rank < 2) throw new Error(`transpose: needs rank ≥ 2, got ${shapeText(x.shape)}`);
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return permute(x, perm);
}

export const broadcastToDefinition: OpDef<ShapeAttrs, 'broadcastTo'> = {
  name: 'broadcastTo',
  shape([x], { shape }) {
    const offset = shape.length - x.rank;
    const fits = offset >= 0 && x.shape.every((extent, i) => extent === shape[offset + i] || extent === 1);
    if (!fits) throw new Error(`broadcastTo: cannot broadcast ${shapeText(x.shape)} to ${shapeText(shape)}`);
    return shape;
  },
  forward: (kernels, [x], { shape }) => kernels.broadcastTo(x.storage, x.shape, shape),
  vjp: (g) => [g], // the engine sums the gradient back over the broadcast axes
};

export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', x);
  checkShape('broadcastTo', shape);
  return apply(broadcastToDefinition, [x], { shape: [...shape] });
}

type Padding = readonly (readonly [number, number])[];

/** Attributes of pad: [before, after] per axis, and the fill value. */
export interface PadAttrs {
  padding: Padding;
  value: number;
}

export const padDefinition: OpDef<PadAttrs, 'pad'> = {
  name: 'pad',
  shape: ([x], { padding }) => x.shape.map((extent, axis) => extent + padding[axis][0] + padding[axis][1]),
  forward: (kernels, [x], { padding, value }) => kernels.pad(x.storage, x.shape, padding, value),
  vjp: (g, { inputs: [x], attrs: { padding } }) => [
    slice(
      g,
      padding.map(([before]) => before),
      x.shape,
    ),
  ],
};

/** Constant padding: axis i gets padding[i][0] values before and padding[i][1] after. */
export function pad(x: Tensor, padding: Padding, value = 0): Tensor {
  checkTensor('pad', x);
  checkNumber('pad', 'value', value);
  if (!Array.isArray(padding) || padding.length !== x.rank || !padding.every((pair) => pair?.length === 2)) {
    throw new Error(
      `pad: padding must be one [before, after] pair per axis of ${shapeText(x.shape)}, got ${Array.isArray(padding) ? JSON.stringify(padding) : describeValue(padding)}`,
    );
  }
  checkIntegers('pad', 'padding', padding.flat(), 0);
  return apply(padDefinition, [x], { padding: padding.map(([a, b]) => [a, b] as const), value });
}

/** Attributes of slice: the block's first index and extent per axis. */
export interface SliceAttrs {
  begin: number[];
  size: number[];
}

export const sliceDefinition: OpDef<SliceAttrs, 'slice'> = {
  name: 'slice',
  shape: (_inputs, { size }) => size,
  forward: (kernels, [x], { begin, size }) => kernels.slice(x.storage, x.shape, begin, size),
  vjp: (g, { inputs: [x], attrs: { begin, size } }) => [
    pad(
      g,
      begin.map((start, axis) => [start, x.shape[axis] - start - size[axis]] as const),
    ),
  ],
};

/** The block starting at `begin` with extent `size`; −1 in size means "to the end". */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  checkTensor('slice', x);
  checkIntegers('slice', 'begin', begin, 0);
  checkIntegers('slice', 'size', size, 0, [-1]);
  if (begin.length !== x.rank || size.length !== x.rank) {
    throw new Error(
      `slice: begin [${begin.join(',')}] and size [${size.join(',')}] must each have one entry per axis of ${shapeText(x.shape)}`,
    );
  }
  const resolved = size.map((extent, axis) => (extent === -1 ? x.shape[axis] - begin[axis] : extent));
  checkShape('slice', resolved, 'size');
  if (resolved.some((extent, axis) => begin[axis] + extent > x.shape[axis])) {
    throw new Error(`slice: begin [${begin.join(',')}] + size [${resolved.join(',')}] exceeds ${shapeText(x.shape)}`);
  }
  return apply(sliceDefinition, [x], { begin: [...begin], size: resolved });
}

/** Attributes of concat: the axis joined along. */
export interface ConcatAttrs {
  axis: number;
}

/**
 * Python slicing x[begin:end:step] on every axis (NumPy and torch basic slicing) for positive
 * steps: a negative bound counts from the end, bounds past either end are clamped, and
 * ±Infinity reads as "from the start" / "to the end". Composed from pad, slice and reshape, so
 * it differentiates to any order: an axis keeping n elements is cut as a block of n·step
 * (padded when the block runs past the end), viewed as [n, step], and the first of each step kept.
 * @example stridedSlice(x, [0, 1], [Infinity, Infinity], [1, 2]) // x[:, 1::2]
 */
export function stridedSlice(
  x: Tensor,
  begin: readonly number[],
  end: readonly number[],
  steps: readonly number[],
): Tensor {
  checkTensor('stridedSlice', x);
  checkIntegers('stridedSlice', 'begin', begin, -Infinity, [-Infinity, Infinity]);
  checkIntegers('stridedSlice', 'end', end, -Infinity, [-Infinity, Infinity]);
  checkIntegers('stridedSlice', 'steps', steps, 1);
  if (begin.length !== x.rank || end.length !== x.rank || steps.length !== x.rank) {
    throw new Error(
      `stridedSlice: begin [${begin.join(',')}], end [${end.join(',')}] and steps [${steps.join(',')}] must each have one entry per axis of ${shapeText(x.shape)}`,
    );
  }
  // Python's slice.indices for a positive step: bounds into [0, extent]
  const clamp = (bound: number, extent: number) => (bound < 0 ? Math.max(0, bound + extent) : Math.min(bound, extent));
  const starts = begin.map((bound, axis) => clamp(bound, x.shape[axis]));
  const counts = end.map((bound, axis) =>
    Math.max(0, Math.ceil((clamp(bound, x.shape[axis]) - starts[axis]) / steps[axis])),
  );
  // start + count·step overshoots the extent by at most step − 1
  const padding = x.shape.map(
    (extent, axis) => [0, Math.max(0, starts[axis] + counts[axis] * steps[axis] - extent)] as const,
  );
  checkAllocation(
    'stridedSlice',
    x.shape.map((extent, axis) => extent + padding[axis][1]),
    x.dtype,
  );
  const padded = padding.some(([, after]) => after > 0) ? pad(x, padding) : x;
  const block = slice(
    padded,
    starts,
    counts.map((count, axis) => count * steps[axis]),
  );
  if (steps.every((step) => step === 1)) return block;
  const split = reshape(
    block,
    counts.flatMap((count, axis) => [count, steps[axis]]),
  );
  return reshape(
    slice(
      split,
      split.shape.map(() => 0),
      counts.flatMap((count) => [count, 1]),
    ),
    counts,
  );
}

export const concatDefinition: OpDef<ConcatAttrs, 'concat'> = {
  name: 'concat',
  shape(xs, { axis }) {
    const first = xs[0].shape;
    for (const x of xs) {
      if (x.rank !== first.length || x.shape.some((extent, i) => i !== axis && extent !== first[i])) {
        throw new Error(`concat: shapes ${xs.map((t) => shapeText(t.shape)).join(', ')} differ outside axis ${axis}`);
      }
    }
    return first.map((extent, i) => (i === axis ? xs.reduce((total, x) => total + x.shape[axis], 0) : extent));
  },
  forward: (kernels, xs, { axis }) =>
    kernels.concat(
      xs.map((x) => x.storage),
      xs.map((x) => x.shape),
      axis,
    ),
  vjp(g, { inputs, attrs: { axis } }) {
    let start = 0;
    return inputs.map((x) => {
      const begin = x.shape.map((_, i) => (i === axis ? start : 0));
      start += x.shape[axis];
      return slice(g, begin, x.shape);
    });
  },
};

/** Joins tensors along an existing axis. @example concat([a, b], 0) */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('concat', xs);
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  return apply(concatDefinition, xs, { axis: normalizeAxis(axis, xs[0].rank, 'concat') });
}

/** Attributes of cast: the output dtype. */
export interface CastAttrs {
  dtype: DType;
}

export const castDefinition: OpDef<CastAttrs, 'cast'> = {
  name: 'cast',
  dtype: (_inputs, { dtype }) => dtype,
  shape: ([x]) => [...x.shape],
  forward: (kernels, [x], { dtype }) => kernels.cast(x.storage, dtype),
  vjp: (g, { inputs: [x] }) => [cast(g, x.dtype)],
};

/** The same values in another dtype (the one op that converts values; argmax's indices are float64 too). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', x);
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new Error(`cast: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  return x.dtype === dtype ? x : apply(castDefinition, [x], { dtype });
}
