/**
 * log-sum-exp and the softmax family, composed from primitives and stable for any inputs:
 * each subtracts the slice's maximum m before exponentiating, so no exp overflows, and
 *   logsumexp(x) = m + log Σ exp(x − m),   logSoftmax(x) = (x − m) − log Σ exp(x − m).
 * m is a constant (detached): the value does not depend on it, so neither does the gradient,
 * which comes out as softmax(x) for logsumexp and δ − softmax(x) for logSoftmax.
 */
import { checkBoolean, checkTensor } from '../arguments.ts';
import type { Tensor } from '../tensor.ts';
import { reshape } from './layout.ts';
import { normalizeAxes, normalizeAxis } from './operand.ts';
import { max, sum } from './reduce.ts';

/**
 * The shift m over `axes`, kept as size-1 axes, or null when an axis is empty (an empty sum
 * needs none). An infinite maximum shifts by 0, as torch.logsumexp does: a slice of −∞ then
 * gives −∞ and a slice holding +∞ gives +∞, where x − m would give NaN.
 */
function maximumShift(x: Tensor, axes: readonly number[]): Tensor | null {
  if (axes.some((axis) => x.shape[axis] === 0)) return null;
  const maximum = max(x, axes, true).detach();
  return maximum.abs().eq(Infinity).where(0, maximum);
}

/**
 * log Σ exp(x) over `axes` (all by default), without overflow (torch.logsumexp); an empty
 * sum gives −∞.
 * @example logsumexp(tensor([[1000, 1000]]), 1) // [1000 + log 2]
 */
export function logsumexp(x: Tensor, axes?: number | readonly number[], keepDims = false): Tensor {
  const resolved = normalizeAxes(axes, checkTensor('logsumexp', x).rank, 'logsumexp');
  checkBoolean('logsumexp', 'keepDims', keepDims);
  const shift = maximumShift(x, resolved);
  const kept = shift ? sum(x.sub(shift).exp(), resolved, true).log().add(shift) : sum(x.exp(), resolved, true).log();
  return keepDims
    ? kept
    : reshape(
        kept,
        x.shape.filter((_, axis) => !resolved.includes(axis)),
      );
}

/**
 * log softmax along `axis` (torch.log_softmax): (x − m) − log Σ exp(x − m), so the largest
 * entry of each slice loses nothing to rounding.
 * @example logSoftmax(tensor([[1000, 0]])) // [[0, −1000]]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return logSoftmaxNamed('logSoftmax', x, axis);
}

/** logSoftmax with errors naming `opName`, the function the caller called. */
function logSoftmaxNamed(opName: string, x: Tensor, axis: number): Tensor {
  const resolved = normalizeAxis(axis, checkTensor(opName, x).rank, opName);
  const shift = maximumShift(x, [resolved]);
  const shifted = shift ? x.sub(shift) : x;
  return shifted.sub(sum(shifted.exp(), resolved, true).log());
}

/** softmax along `axis` = exp(logSoftmax). @example softmax(tensor([0, 0])) // [0.5, 0.5] */
export function softmax(x: Tensor, axis = -1): Tensor {
  return logSoftmaxNamed('softmax', x, axis).exp();
}
