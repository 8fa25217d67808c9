/**
 * The functional API beside backward(): grad, valueAndGrad, vjp, jacobian (JAX's names).
 *
 * Perturbation confusion (Siskind & Pearlmutter, "Perturbation confusion and referential
 * transparency", IFL 2005): in d/dx [x · d/dy (x·y)] at y = x the inner derivative must see
 * only its own variable y, not the outer x it closes over (the answer is 2x; mixing the two
 * sensitivities gives x or 4x). Here each call differentiates with respect to fresh variables
 * (`variable`: a new leaf for a constant argument, a new reshape node wired to the argument
 * when an outer call already tracks it), and the engine accumulates gradients only into
 * those variables (`gradients(..., wrt)`), never into an outer call's leaves or `.grad`.
 *
 * The createGraph rule (`trace`): an inner call records its VJPs, so its result is
 * differentiable again, exactly when something outside it is being differentiated too,
 * i.e. when the output's graph reaches a leaf that requires grad other than this call's own
 * variables (a closed-over outer variable or parameter), or a chosen argument itself
 * requires grad. Otherwise the VJPs run unrecorded and the result is a constant. vjp's
 * pullback also records when the cotangent requires grad.
 */
import { checkFunction, checkIntegers, checkTensor } from './arguments.ts';
import { withRecording } from './grad-mode.ts';
import { shapeText } from './op.ts';
import { Tensor } from './tensor.ts';
import { checkSeed, gradients, topologicalOrder } from './engine.ts';
import { reshape } from './ops/layout.ts';
import { concat } from './ops/layout.ts';
import { onesLike, zerosLike } from './create.ts';

type Fn = (...args: Tensor[]) => Tensor;

/** A fresh variable for x: a leaf if x is constant, else a new node wired to x. */
function variable(x: Tensor, caller: string, position: number): Tensor {
  checkTensor(caller, x, `argument ${position}`);
  return x.requiresGrad ? reshape(x, x.shape) : x.requireGrad();
}

/** Evaluates f at fresh variables for the chosen arguments and returns the pieces grad needs. */
function trace(caller: string, f: Fn, args: Tensor[], argnums: readonly number[]) {
  argnums.forEach((i) => {
    if (i >= args.length) throw new Error(`${caller}: argnum ${i} is out of range for ${args.length} arguments`);
  });
  return withRecording(true, () => {
    const inputs = args.map((x, i) => (argnums.includes(i) ? variable(x, caller, i) : x));
    const output = f(...inputs);
    checkTensor(caller, output, 'the value the function returns');
    const wrt = argnums.map((i) => inputs[i]);
    // Record the VJPs only when something outside this call is being differentiated too.
    const outerTracking =
      topologicalOrder([output]).some((t) => !t.node && !wrt.includes(t)) || argnums.some((i) => args[i].requiresGrad);
    return { output, wrt, createGraph: outerTracking };
  });
}

function gradientsOf(output: Tensor, seed: Tensor, wrt: readonly Tensor[], createGraph: boolean): Tensor[] {
  const grads = gradients([output], [seed], wrt, createGraph);
  // an argument the output does not depend on gets a zero gradient, as in JAX
  return wrt.map((x) => grads.get(x) ?? zerosLike(x));
}

function scalarSeed(caller: string, output: Tensor): Tensor {
  if (output.size !== 1)
    throw new Error(
      `${caller}: the function must return one element, got shape ${shapeText(output.shape)} (use vjp or jacobian for non-scalar outputs)`,
    );
  return onesLike(output);
}

/**
 * The gradient of a scalar function with respect to argument `argnums` (or several).
 * @example grad((x) => x.mul(x).sum())(tensor([1, 2])) // [2, 4]
 */
export function grad(f: Fn, argnums: number): (...args: Tensor[]) => Tensor;
export function grad(f: Fn, argnums: readonly number[]): (...args: Tensor[]) => Tensor[];
export function grad(f: Fn): (...args: Tensor[]) => Tensor;
export function grad(f: Fn, argnums: number | readonly number[] = 0): (...args: Tensor[]) => Tensor | Tensor[] {
  const valueAndGradient = differentiate('grad', f, argnums);
  return (...args) => valueAndGradient(...args)[1];
}

/** Both f(args) and its gradient, from one forward pass. */
export function valueAndGrad(f: Fn, argnums: number): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(f: Fn, argnums: readonly number[]): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(f: Fn): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(
  f: Fn,
  argnums: number | readonly number[] = 0,
): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  return differentiate('valueAndGrad', f, argnums);
}

/** valueAndGrad with errors naming `caller` (grad or valueAndGrad). */
function differentiate(
  caller: string,
  f: Fn,
  argnums: number | readonly number[],
): (...args: Tensor[]) => [Tensor, Tensor | Tensor[]] {
  checkFunction(caller, 'f', f);
  const list = checkIntegers(caller, 'argnums', typeof argnums === 'number' ? [argnums] : argnums, 0);
  return (...args) => {
    const { output, wrt, createGraph } = trace(caller, f, args, list);
    const grads = gradientsOf(output, scalarSeed(caller, output), wrt, createGraph);
    return [createGraph ? output : output.detach(), typeof argnums === 'number' ? grads[0] : grads];
  };
}

/**
 * f(primals) and a function mapping a cotangent (shaped like the output) to the
 * cotangents of the primals: vᵀ·∂f/∂x.
 * @example const [y, pullback] = vjp((x) => x.exp(), x); pullback(onesLike(y))
 */
export function vjp(f: Fn, ...primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  return vjpNamed('vjp', f, primals);
}

/** vjp with errors naming `caller` (vjp, jacobian or gradcheck). */
export function vjpNamed(caller: string, f: Fn, primals: Tensor[]): [Tensor, (cotangent: Tensor) => Tensor[]] {
  checkFunction(caller, 'f', f);
  const { output, wrt, createGraph } = trace(
    caller,
    f,
    primals,
    primals.map((_, i) => i),
  );
  const pullback = (cotangent: Tensor) => {
    checkSeed(caller, output, cotangent);
    return gradientsOf(output, cotangent, wrt, createGraph || cotangent.requiresGrad);
  };
  return [output, pullback];
}

/**
 * The Jacobian of f at x, of shape [...f(x).shape, ...x.shape], one VJP per output element.
 * @example jacobian((x) => x.mul(x), tensor([1, 2])) // [[2, 0], [0, 4]]
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  checkFunction('jacobian', 'f', f);
  checkTensor('jacobian', x, 'x');
  const [output, pullback] = vjpNamed('jacobian', f, [x]);
  const rows: Tensor[] = [];
  for (let i = 0; i < output.size; i++) {
    const basis = new Float64Array(output.size);
    basis[i] = 1;
    const seed = new Tensor(output.dtype === 'float64' ? basis : Float32Array.from(basis), output.shape, output.dtype);
    rows.push(reshape(pullback(seed)[0], [1, x.size]));
  }
  const stacked = rows.length > 0 ? concat(rows, 0) : reshape(zerosLike(x), [0, x.size]);
  return reshape(stacked, [...output.shape, ...x.shape]);
}
