/** Turning plain numbers into tensors, and normalizing axis arguments. */
import { Tensor } from '../tensor.ts';
import { currentBackend } from '../../gpu/registry.ts';
import { checkIntegers, describeValue, listText } from '../arguments.ts';

/**
 * A number becomes a scalar tensor of `like`'s dtype, so `x.mul(2)` keeps x's dtype (the one
 * place a plain number stands for a tensor: binary operands and where's branches).
 */
export function asTensor(value: Tensor | number, like: Tensor, opName: string): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value !== 'number') {
    throw new Error(`${opName}: operand must be a Tensor or a number, got ${describeValue(value)}`);
  }
  return new Tensor(currentBackend().fromArray([value], like.dtype), [], like.dtype);
}

/** Resolves a possibly negative axis against a rank, with an error naming the op. */
export function normalizeAxis(axis: number, rank: number, opName: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis))
    throw new Error(`${opName}: axis must be an integer, got ${describeValue(axis)}`);
  if (axis < -rank || axis >= Math.max(rank, 1)) {
    throw new Error(`${opName}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted distinct axes; `undefined` means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, opName: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  if (typeof axes !== 'number' && !Array.isArray(axes))
    throw new Error(`${opName}: axes must be an integer or an array of integers, got ${describeValue(axes)}`);
  const list = typeof axes === 'number' ? [axes] : checkIntegers(opName, 'axes', axes);
  const resolved = list.map((axis) => normalizeAxis(axis, rank, opName));
  if (new Set(resolved).size !== resolved.length) throw new Error(`${opName}: repeated axis in ${listText(list)}`);
  return resolved.sort((a, b) => a - b);
}
