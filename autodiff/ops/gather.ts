/**
 * gather along an axis (torch.gather / take_along_axis) and its transpose scatterAdd.
 * Each is the other's VJP, so indexing differentiates to any order. indexSelect
 * (torch.index_select) is a gather.
 */
import { currentBackend } from '../../gpu/registry.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { allocating } from '../allocation.ts';
import { checkIntegers, checkShape, checkTensor } from '../arguments.ts';
import { OpIndices } from '../indices.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { normalizeAxis } from './operand.ts';

/** Attributes of gather: the axis, the indices (validated; host or device) and their shape. */
export interface IndexAttrs {
  axis: number;
  indices: OpIndices;
  indexShape: number[];
}

/** Attributes of scatterAdd: gather's, plus the shape of the tensor scattered into. */
export interface ScatterAttrs extends IndexAttrs {
  outShape: number[];
}

export const gatherDefinition: OpDef<IndexAttrs, 'gather'> = {
  name: 'gather',
  shape: (_inputs, { indexShape }) => indexShape,
  forward: (kernels, [x], { axis, indices, indexShape }) =>
    kernels.gather(x.storage, x.shape, axis, indices.operand(currentBackend()), indexShape),
  vjp: (g, { inputs: [x], attrs }) => [scatterAddIndexed(g, attrs, x.shape)],
};

export const scatterAddDefinition: OpDef<ScatterAttrs, 'scatterAdd'> = {
  name: 'scatterAdd',
  shape: (_inputs, { outShape }) => outShape,
  forward: (kernels, [src], { axis, indices, indexShape, outShape }) =>
    kernels.scatterAdd(src.storage, indices.operand(currentBackend()), indexShape, axis, outShape),
  vjp: (g, { attrs }) => [apply(gatherDefinition, [g], attrs)],
};

function scatterAddIndexed(src: Tensor, attrs: IndexAttrs, outShape: readonly number[]): Tensor {
  return apply(scatterAddDefinition, [src], { ...attrs, outShape: [...outShape] });
}

/** Checks indices (integers) against a tensor of `shape` and returns them as Int32Array. */
function checkIndices(
  opName: string,
  shape: readonly number[],
  axis: number,
  indices: Int32Array | readonly number[],
  indexShape: readonly number[],
): Int32Array {
  checkShape(opName, indexShape, 'index shape');
  if (indexShape.length !== shape.length) {
    throw new Error(`${opName}: indices of shape ${shapeText(indexShape)} must have the rank of ${shapeText(shape)}`);
  }
  indexShape.forEach((extent, d) => {
    if (d !== axis && extent > shape[d])
      throw new Error(`${opName}: index shape ${shapeText(indexShape)} exceeds ${shapeText(shape)} on axis ${d}`);
  });
  if (indices.length !== sizeOf(indexShape)) {
    throw new Error(`${opName}: ${indices.length} indices do not fill index shape ${shapeText(indexShape)}`);
  }
  const result = indices instanceof Int32Array ? indices : Int32Array.from(indices);
  for (let i = 0; i < result.length; i++) {
    if (!(result[i] >= 0 && result[i] < shape[axis]) || result[i] !== indices[i]) {
      throw new Error(
        `${opName}: index ${indices[i]} at position ${i} is out of range [0, ${shape[axis]}) on axis ${axis}`,
      );
    }
  }
  return result;
}

/**
 * out[…, j, …] = x[…, indices[…, j, …], …] along `axis`; `indexShape` defaults to x's shape
 * with the axis's extent replaced by the number of indices divided by the other extents.
 * @example gather(logits, 1, labels, [batch, 1]) // each row's logit at its label
 */
export function gather(
  x: Tensor,
  axis: number,
  indices: Int32Array | readonly number[],
  indexShape?: readonly number[],
): Tensor {
  const resolvedAxis = normalizeAxis(axis, checkTensor('gather', x).rank, 'gather');
  checkIntegers('gather', 'indices', indices);
  const others = sizeOf(x.shape.filter((_, d) => d !== resolvedAxis));
  if (indexShape === undefined && others > 0 && indices.length % others !== 0) {
    throw new Error(
      `gather: ${indices.length} indices do not fill whole rows of ${shapeText(x.shape)} along axis ${resolvedAxis} (pass indexShape)`,
    );
  }
  const shape =
    indexShape ??
    x.shape.map((extent, d) => (d === resolvedAxis ? (others === 0 ? 0 : indices.length / others) : extent));
  const checked = checkIndices('gather', x.shape, resolvedAxis, indices, shape);
  return apply(gatherDefinition, [x], {
    axis: resolvedAxis,
    indices: OpIndices.host(checked, x.shape[resolvedAxis]),
    indexShape: [...shape],
  });
}

/** The transpose of gather: zeros of outShape, then out[…, indices[…], …] += src[…]. */
export function scatterAdd(
  src: Tensor,
  axis: number,
  indices: Int32Array | readonly number[],
  outShape: readonly number[],
): Tensor {
  checkTensor('scatterAdd', src);
  checkShape('scatterAdd', outShape, 'outShape');
  checkIntegers('scatterAdd', 'indices', indices);
  const resolvedAxis = normalizeAxis(axis, outShape.length, 'scatterAdd');
  const checked = checkIndices('scatterAdd', outShape, resolvedAxis, indices, src.shape);
  const attrs = {
    axis: resolvedAxis,
    indices: OpIndices.host(checked, outShape[resolvedAxis]),
    indexShape: [...src.shape],
  };
  return scatterAddIndexed(src, attrs, outShape);
}

/**
 * The slices of x at `indices` along `axis`, in that order (torch.index_select): the output is
 * x's shape with that axis's extent replaced by the number of indices. A gather with the indices
 * repeated over the other axes, so its VJP scatter-adds (a repeated index sums its gradients).
 * @example indexSelect(embeddings, 0, [3, 1, 3]) // rows 3, 1 and 3
 */
export function indexSelect(x: Tensor, axis: number, indices: Int32Array | readonly number[]): Tensor {
  if (checkTensor('indexSelect', x).rank === 0) throw new Error('indexSelect: needs a tensor of rank ≥ 1, got []');
  checkIntegers('indexSelect', 'indices', indices);
  const resolvedAxis = normalizeAxis(axis, x.rank, 'indexSelect');
  const extent = x.shape[resolvedAxis];
  for (let j = 0; j < indices.length; j++) {
    if (!Number.isInteger(indices[j]) || indices[j] < 0 || indices[j] >= extent) {
      throw new Error(
        `indexSelect: index ${indices[j]} at position ${j} is out of range [0, ${extent}) on axis ${resolvedAxis} of ${shapeText(x.shape)}`,
      );
    }
  }
  const outShape = x.shape.map((size, d) => (d === resolvedAxis ? indices.length : size));
  const outer = sizeOf(x.shape.slice(0, resolvedAxis));
  const inner = sizeOf(x.shape.slice(resolvedAxis + 1));
  // index j of every [outer, ·, inner] slice reads position indices[j]
  const repeated = allocating('indexSelect', outShape, x.dtype, () => new Int32Array(outer * indices.length * inner));
  for (let o = 0, at = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++, at += inner) repeated.fill(indices[j], at, at + inner);
  }
  return apply(gatherDefinition, [x], {
    axis: resolvedAxis,
    indices: OpIndices.host(repeated, extent),
    indexShape: outShape,
  });
}

/**
 * gather with indices already made on the device (unchecked here: their producer guarantees
 * [0, x.shape[axis]), which OpIndices.device verifies from the range it states).
 * @example gatherOnDevice(planes, 2, OpIndices.device(argmax, device, height * width), outShape)
 */
export function gatherOnDevice(x: Tensor, axis: number, indices: OpIndices, indexShape: readonly number[]): Tensor {
  if (indices.length !== sizeOf(indexShape))
    throw new Error(`gather: ${indices.length} device indices do not fill index shape ${shapeText(indexShape)}`);
  return apply(gatherDefinition, [x], { axis, indices, indexShape: [...indexShape] });
}
