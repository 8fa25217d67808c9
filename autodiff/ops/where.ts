/** where(cond, a, b): a where cond ≠ 0, else b, all three broadcast together. */
import { broadcastShapes } from '../../gpu/shape.ts';
import { checkTensor } from '../arguments.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { asTensor } from './operand.ts';

export const whereDefinition: OpDef<void, 'where'> = {
  name: 'where',
  shape([cond, a, b]) {
    const ab = broadcastShapes(a.shape, b.shape);
    const out = ab && broadcastShapes(cond.shape, ab);
    if (!out)
      throw new Error(
        `where: shapes ${shapeText(cond.shape)}, ${shapeText(a.shape)} and ${shapeText(b.shape)} cannot be broadcast together`,
      );
    return out;
  },
  forward: (kernels, [cond, a, b], _attrs, outShape) =>
    kernels.where(cond.storage, cond.shape, a.storage, a.shape, b.storage, b.shape, outShape),
  vjp: (g, { inputs: [cond] }) => {
    const zero = g.mul(0);
    // the condition is piecewise constant: no gradient
    return [null, where(cond, g, zero), where(cond, zero, g)];
  },
};

/**
 * Elementwise choice: `a` where `cond` is non-zero, else `b`.
 * @example where(x.gt(0), x, x.mul(0.01)) // leaky relu
 */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor('where', cond, 'condition');
  return apply(whereDefinition, [cond, asTensor(a, cond, 'where'), asTensor(b, cond, 'where')], undefined);
}
