/**
 * gradcheck: compares the engine's VJP with central finite differences in float64,
 * as torch.autograd.gradcheck does. With a random cotangent u, the analytic uᵀJ is
 * checked entry by entry against (⟨u, f(x + εe_j)⟩ − ⟨u, f(x − εe_j)⟩) / 2ε.
 */
import { Random } from '../gpu/random.ts';
import { checkFunction, checkNumber, checkOptions, checkTensorList } from './arguments.ts';
import { shapeText } from './op.ts';
import { Tensor } from './tensor.ts';
import { vjpNamed } from './functional.ts';
import { noGrad } from './grad-mode.ts';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Allowed |analytic − numeric| ≤ atol + rtol·|numeric| (defaults 1e-5 and 1e-3). */
  atol?: number;
  rtol?: number;
  /** Seed of the random cotangent (default 0). */
  seed?: number;
}

function dot(a: Tensor, b: Float64Array): number {
  let total = 0;
  for (let i = 0; i < b.length; i++) total += a.data[i] * b[i];
  return total;
}

/**
 * Throws an Error describing the worst mismatch if any input's gradient disagrees with
 * finite differences; returns the largest absolute error otherwise.
 * @example gradcheck((x) => x.tanh().sum(), [randomNormal([3], { seed: 1, dtype: 'float64' })])
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  options: GradcheckOptions = {},
): number {
  checkFunction('gradcheck', 'f', f);
  checkTensorList('gradcheck', inputs);
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = checkOptions('gradcheck', options);
  for (const [name, value] of Object.entries({ eps, atol, rtol, seed })) checkNumber('gradcheck', name, value);
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor) || x.dtype !== 'float64')
      throw new Error(
        `gradcheck: input ${i} must be a float64 Tensor, got ${x instanceof Tensor ? x.dtype : typeof x}`,
      );
  });
  const [output, pullback] = vjpNamed('gradcheck', f, inputs);
  if (output.dtype !== 'float64') throw new Error(`gradcheck: the function must return float64, got ${output.dtype}`);
  const rng = new Random(seed);
  const cotangent = Float64Array.from({ length: output.size }, () => rng.uniform() * 2 - 1);
  const analytic = pullback(new Tensor(cotangent, output.shape, 'float64'));
  let worst = 0;
  noGrad(() => {
    inputs.forEach((x, i) => {
      for (let j = 0; j < x.size; j++) {
        const probe = (delta: number) => {
          const shifted = Float64Array.from(x.data);
          shifted[j] += delta;
          const args = inputs.map((input, k) => (k === i ? new Tensor(shifted, x.shape, 'float64') : input));
          return dot(f(...args), cotangent);
        };
        const numeric = (probe(eps) - probe(-eps)) / (2 * eps);
        const exact = analytic[i].data[j];
        const error = Math.abs(exact - numeric);
        if (!(error <= atol + rtol * Math.abs(numeric))) {
          throw new Error(
            `gradcheck: input ${i} ${shapeText(x.shape)} element ${j}: analytic ${exact} vs numeric ${numeric} (|Δ| = ${error})`,
          );
        }
        worst = Math.max(worst, error);
      }
    });
  });
  return worst;
}
