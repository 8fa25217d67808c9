/** Reductions: sum, max and min over axes (primitives), mean (composed), argmax (no gradient). */
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
  forward: (backend, [x], { axes }) => backend.reduce('sum', x.data, x.shape, axes),
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
    forward: (backend, [x], { axes }) => backend.reduce(name, x.data, x.shape, axes),
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

/** Sum over `axes` (all by default). @example sum(x, 1) */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(sumDefinition, [x], { axes: normalizeAxes(axes, x.rank, 'sum'), keepDims });
}

/** Arithmetic mean over `axes` (all by default); the mean of an empty set is NaN. */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const resolved = normalizeAxes(axes, x.rank, 'mean');
  const count = resolved.reduce((product, axis) => product * x.shape[axis], 1);
  return sum(x, resolved, keepDims).div(count);
}

/** Maximum over `axes` (all by default); NaN propagates. */
export function max(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(maxDefinition, [x], { axes: normalizeAxes(axes, x.rank, 'max'), keepDims });
}

/** Minimum over `axes` (all by default); NaN propagates. */
export function min(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  return apply(minDefinition, [x], { axes: normalizeAxes(axes, x.rank, 'min'), keepDims });
}

/** Attributes of argmax: the one axis searched, and whether it stays as size 1. */
export interface ArgmaxAttrs {
  axis: number;
  keepDims: boolean;
}

export const argmaxDefinition: OpDef<ArgmaxAttrs, 'argmax'> = {
  name: 'argmax',
  constant: true,
  shape([x], { axis, keepDims }) {
    if (x.shape[axis] === 0) throw new Error(`argmax: axis ${axis} of shape ${shapeText(x.shape)} is empty`);
    return reducedShape(x.shape, { axes: [axis], keepDims });
  },
  forward: (backend, [x], { axis }) => backend.argmax(x.data, x.shape, axis),
  vjp: () => [null], // an index is piecewise constant
};

/** Index of the first maximum along `axis`, as numbers in x's dtype. */
export function argmax(x: Tensor, axis: number, keepDims = false): Tensor {
  return apply(argmaxDefinition, [x], { axis: normalizeAxis(axis, x.rank, 'argmax'), keepDims });
}
