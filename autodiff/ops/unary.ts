/**
 * Elementwise maps. One table lists every map's derivative (as PyTorch's
 * derivatives.yaml does), written with Tensor ops so it differentiates again.
 */
import type { UnaryOp } from '../../gpu/backend.ts';
import { apply, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';

/** d(map)/dx · g, from the input x, the output y and the output gradient g; null = zero. */
type Derivative = (x: Tensor, y: Tensor, g: Tensor) => Tensor | null;

const derivatives: Record<UnaryOp, Derivative> = {
  neg: (_x, _y, g) => g.neg(),
  exp: (_x, y, g) => g.mul(y),
  log: (x, _y, g) => g.div(x),
  sqrt: (_x, y, g) => g.div(y.mul(2)),
  abs: (x, _y, g) => g.mul(x.sign()),
  relu: (x, _y, g) => g.mul(unaryOp('step', x)),
  sigmoid: (_x, y, g) => g.mul(y.mul(y.neg().add(1))), // σ' = σ(1 − σ)
  tanh: (_x, y, g) => g.mul(y.mul(y).neg().add(1)), // tanh' = 1 − tanh²
  sin: (x, _y, g) => g.mul(x.cos()),
  cos: (x, _y, g) => g.mul(x.sin()).neg(),
  arccos: (x, _y, g) => g.neg().div(x.mul(x).neg().add(1).sqrt()), // −1/√(1 − x²)
  sign: () => null,
  step: () => null,
};

/** One primitive per map, each under its own name; the derivative table is adapted to the shared VJP signature. */
type UnaryDefinitions = { readonly [Name in UnaryOp]: OpDef<void, Name> };

const definitions = Object.fromEntries(
  (Object.keys(derivatives) as UnaryOp[]).map((name) => {
    const definition: OpDef<void, UnaryOp> = {
      name,
      constant: name === 'sign' || name === 'step',
      shape: ([x]) => [...x.shape],
      forward: (kernels, [x]) => kernels.unary(name, x.storage),
      vjp: (g, { inputs: [x], output }) => [derivatives[name](x, output, g)],
    };
    return [name, definition];
  }),
) as UnaryDefinitions;

export const unaryDefinitions: UnaryDefinitions = definitions;

export function unaryOp(name: UnaryOp, x: Tensor): Tensor {
  return apply(definitions[name], [x], undefined);
}

export const neg = (x: Tensor) => unaryOp('neg', x);
export const exp = (x: Tensor) => unaryOp('exp', x);
export const log = (x: Tensor) => unaryOp('log', x);
export const sqrt = (x: Tensor) => unaryOp('sqrt', x);
export const abs = (x: Tensor) => unaryOp('abs', x);
export const relu = (x: Tensor) => unaryOp('relu', x);
export const sigmoid = (x: Tensor) => unaryOp('sigmoid', x);
export const tanh = (x: Tensor) => unaryOp('tanh', x);
export const sin = (x: Tensor) => unaryOp('sin', x);
export const cos = (x: Tensor) => unaryOp('cos', x);
export const arccos = (x: Tensor) => unaryOp('arccos', x);
export const sign = (x: Tensor) => unaryOp('sign', x);
/** step(x) = 1 where x > 0, else 0 (the derivative of relu). */
export const step = (x: Tensor) => unaryOp('step', x);
