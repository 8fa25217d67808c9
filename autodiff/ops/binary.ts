/**
 * Elementwise binary ops with NumPy broadcasting. Each VJP returns gradients in the
 * broadcast output shape; the engine sums them back to each input's shape.
 */
import type { BinaryOp } from '../../gpu/backend.ts';
import { broadcastShapes } from '../../gpu/shape.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import { describeValue } from '../arguments.ts';
import { Tensor } from '../tensor.ts';
import { asTensor } from './operand.ts';

/** Gradients for (a, b) from the inputs, the output y and the output gradient g. */
type Derivative = (a: Tensor, b: Tensor, y: Tensor, g: Tensor, needs: (i: number) => boolean) => (Tensor | null)[];

/** For maximum/minimum: where the inputs tie, each gets half the gradient (as torch.maximum). */
function selectorGradients(wins: Tensor, a: Tensor, b: Tensor, g: Tensor): Tensor[] {
  const share = wins.add(a.eq(b).mul(0.5));
  return [g.mul(share), g.mul(share.neg().add(1))];
}

const noGradient: Derivative = () => [null, null];

const derivatives: Record<BinaryOp, Derivative> = {
  add: (_a, _b, _y, g) => [g, g],
  sub: (_a, _b, _y, g, needs) => [g, needs(1) ? g.neg() : null],
  mul: (a, b, _y, g, needs) => [needs(0) ? g.mul(b) : null, needs(1) ? g.mul(a) : null],
  div: (_a, b, y, g, needs) => [needs(0) ? g.div(b) : null, needs(1) ? g.mul(y).div(b).neg() : null], // ∂(a/b)/∂b = −y/b
  pow: (a, b, y, g, needs) => [
    needs(0) ? g.mul(b).mul(a.pow(b.sub(1))) : null,
    // ∂(aᵇ)/∂b = aᵇ·log a; taken as 0 where a = 0 (the limit for b > 0), as PyTorch does
    needs(1) ? g.mul(y).mul(a.eq(0).where(1, a).log()) : null, // log(1) = 0, and no 0/0 in the second derivative
  ],
  maximum: (a, b, _y, g) => selectorGradients(a.gt(b), a, b, g),
  minimum: (a, b, _y, g) => selectorGradients(a.lt(b), a, b, g),
  eq: noGradient,
  ne: noGradient,
  lt: noGradient,
  le: noGradient,
  gt: noGradient,
  ge: noGradient,
};

/** One primitive per op, each under its own name; the derivative table is adapted to the shared VJP signature. */
type BinaryDefinitions = { readonly [Name in BinaryOp]: OpDef<void, Name> };

const definitions = Object.fromEntries(
  (Object.keys(derivatives) as BinaryOp[]).map((name) => {
    const definition: OpDef<void, BinaryOp> = {
      name,
      constant: derivatives[name] === noGradient,
      shape([a, b]) {
        const out = broadcastShapes(a.shape, b.shape);
        if (!out)
          throw new Error(
            `${name}: shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} cannot be broadcast together`,
          );
        return out;
      },
      forward: (kernels, [a, b], _attrs, outShape) =>
        kernels.binary(name, a.storage, a.shape, b.storage, b.shape, outShape),
      vjp: (g, { inputs: [a, b], output }) => derivatives[name](a, b, output, g, (i) => (i === 0 ? a : b).requiresGrad),
    };
    return [name, definition];
  }),
) as BinaryDefinitions;

export const binaryDefinitions: BinaryDefinitions = definitions;

type Operand = Tensor | number;

export function binaryOp(name: BinaryOp, a: Operand, b: Operand): Tensor {
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  if (!like)
    throw new Error(`${name}: at least one operand must be a Tensor, got ${describeValue(a)} and ${describeValue(b)}`);
  return apply(definitions[name], [asTensor(a, like, name), asTensor(b, like, name)], undefined);
}

export const add = (a: Operand, b: Operand) => binaryOp('add', a, b);
export const sub = (a: Operand, b: Operand) => binaryOp('sub', a, b);
export const mul = (a: Operand, b: Operand) => binaryOp('mul', a, b);
export const div = (a: Operand, b: Operand) => binaryOp('div', a, b);
export const pow = (a: Operand, b: Operand) => binaryOp('pow', a, b);
export const maximum = (a: Operand, b: Operand) => binaryOp('maximum', a, b);
export const minimum = (a: Operand, b: Operand) => binaryOp('minimum', a, b);
export const eq = (a: Operand, b: Operand) => binaryOp('eq', a, b);
export const ne = (a: Operand, b: Operand) => binaryOp('ne', a, b);
export const lt = (a: Operand, b: Operand) => binaryOp('lt', a, b);
export const le = (a: Operand, b: Operand) => binaryOp('le', a, b);
export const gt = (a: Operand, b: Operand) => binaryOp('gt', a, b);
export const ge = (a: Operand, b: Operand) => binaryOp('ge', a, b);
