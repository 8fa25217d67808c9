/** Reductions: sum, max and min over axes (primitives), mean (composed), argmax (no gradient). */
import { checkBoolean, checkTensor } from '../arguments.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import { Tensor } from '../tensor.ts';
import { normalizeAxes, normalizeAxis } from './operand.ts';
import { reshape } from './layout.ts';

/** Attributes of sum, max and min: the (sorted, distinct) axes reduced, and whether they stay as size 1. */
export interface ReduceAttrs {
  axes: number[];
  keepDims: boolean;
}

function reducedShape(shape: readonly number[], { axes, keepDims }: ReduceAttrs): number[] {
  return keepDims
    ? shape.map((extent, axis) => (axes.includes(axis) ? 1 : extent))
    : shape.filter((_, axis) => !axes.includes(axis));
}

/** The output gradient reshaped so it broadcasts against the input (reduced axes kept as 1). */
function keptGradient(g: Tensor, input: Tensor, attrs: ReduceAttrs): Tensor {
  return reshape(g, reducedShape(input.shape, { ...attrs, keepDims: true }));
}

export const sumDefinition: OpDef<ReduceAttrs, 'sum'> = {
  name: 'sum',
  shape: ([x], attrs) => reducedShape(x.shape, attrs),
  forward: (kernels, [x], { axes }) => kernels.reduce('sum', x.storage, x.shape, axes),
  vjp: (g, { inputs: [x], attrs }) => [keptGradient(g, x, attrs).broadcastTo(x.shape)],
};

function extremumDefinition<Name extends 'max' | 'min'>(name: Name): OpDef<ReduceAttrs, Name> {
  return {
    name,
    shape([x], attrs) {
      if (attrs.axes.some((axis) => x.shape[axis] === 0)) {
        throw new Error(
          `${name}: cannot reduce over an empty axis, got shape ${shapeText(x.shape)} and axes [${attrs.axes.join(',')}]`,
        );
      }
      return reducedShape(x.shape, attrs);
    },
    forward: (kernels, [x], { axes }) => kernels.reduce(name, x.storage, x.shape, axes),
    // The gradient goes to the positions that attain the extremum, split evenly among ties.
    vjp(g, { inputs: [x], output, attrs }) {
      const winners = x.eq(keptGradient(output, x, attrs));
      const count = winners.sum(attrs.axes, true);
      return [winners.mul(keptGradient(g, x, attrs)).div(count)];
    },
  };
}

export const maxDefinition = extremumDefinition('max');
export const minDefinition = extremumDefinition('min');

type Axes = number | readonly number[] | undefined;

/** The attributes of a reduction named `opName` of x, checked: x a Tensor, axes in range, keepDims a boolean. */
function reduceAttrs(opName: string, x: Tensor, axes: Axes, keepDims: boolean): ReduceAttrs {
  const rank = checkTensor(opName, x).rank;
  return { axes: normalizeAxes(axes, rank, opName), keepDims: checkBoolean(opName, 'keepDims', keepDims) };
}

/** Sum over `axes` (all by default). @example sum(x, 1) */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(sumDefinition, [x], reduceAttrs('sum', x, axes, keepDims));
}

/** Arithmetic mean over `axes` (all by default); the mean of an empty set is NaN. */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const attrs = reduceAttrs('mean', x, axes, keepDims);
  const count = attrs.axes.reduce((product, axis) => product * x.shape[axis], 1);
  return sum(x, attrs.axes, keepDims).div(count);
}

/** Maximum over `axes` (all by default); NaN propagates. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(maxDefinition, [x], reduceAttrs('max', x, axes, keepDims));
}

/** Minimum over `axes` (all by default); NaN propagates. */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(minDefinition, [x], reduceAttrs('min', x, axes, keepDims));
}

/** Attributes of argmax: the one axis searched, and whether it stays as size 1. */
export interface ArgmaxAttrs {
  axis: number;
  keepDims: boolean;
}

/**
 * argmax's indices are float64 (exact to 2^53, as PyTorch's are int64) on a backend that
 * computes float64; the gpujs backend computes only float32 and returns float32 indices,
 * exact because it holds every array to 2^23 elements (below float32's 2^24).
 */
export const argmaxDefinition: OpDef<ArgmaxAttrs, 'argmax'> = {
  name: 'argmax',
  constant: true,
  dtype: (_inputs, _attrs, backend) => (backend.dtypes.includes('float64') ? 'float64' : 'float32'),
  shape([x], { axis, keepDims }) {
    if (x.shape[axis] === 0) throw new Error(`argmax: axis ${axis} of shape ${shapeText(x.shape)} is empty`);
    return reducedShape(x.shape, { axes: [axis], keepDims });
  },
  forward: (kernels, [x], { axis }) => kernels.argmax(x.storage, x.shape, axis),
  vjp: () => [null], // an index is piecewise constant
};

/**
 * Index of the first maximum along `axis` (a NaN counts as the maximum), as float64 indices
 * (float32 on the gpujs backend, see argmaxDefinition). @example argmax(logits, 1) // predicted classes
 */
export function argmax(x: Tensor, axis: number, keepDims = false): Tensor {
  const rank = checkTensor('argmax', x).rank;
  const attrs = { axis: normalizeAxis(axis, rank, 'argmax'), keepDims: checkBoolean('argmax', 'keepDims', keepDims) };
  return apply(argmaxDefinition, [x], attrs);
}
