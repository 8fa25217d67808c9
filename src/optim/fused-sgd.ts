/**
 * SGD's step on the cpu backend as one pass over the parameter's storage (gpu/cpu/sgd.ts), where
 * the tensor ops of sgd.ts would make up to six passes and as many fresh arrays; bit-identical to
 * them (sgd.ts in gpu/cpu says why). Elsewhere (the gpujs backend, whose float32 kernels need not
 * round as the cpu does) the tensor ops run.
 */
import * as ad from '../../autodiff/index.ts';
import type { Data } from '../../gpu/backend.ts';
import { sgdStep, type SgdHyper } from '../../gpu/cpu/sgd.ts';

/**
 * The new weight and velocity of one SGD step as fresh tensors, or undefined where the fused
 * kernel does not apply (the active backend is not 'cpu', or the dtypes or shapes differ: the
 * tensor ops then run and report any mismatch themselves).
 * @example fusedSgdStep(p.value, p.grad!, undefined, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 })
 */
export function fusedSgdStep(
  weight: ad.Tensor,
  gradient: ad.Tensor,
  velocity: ad.Tensor | undefined,
  hyper: SgdHyper,
): { weight: ad.Tensor; velocity?: ad.Tensor } | undefined {
  if (ad.currentBackend().name !== 'cpu') return undefined;
  const matches = (x: ad.Tensor) =>
    x.dtype === weight.dtype && x.rank === weight.rank && x.shape.every((extent, i) => extent === weight.shape[i]);
  if (!matches(gradient) || (velocity !== undefined && !matches(velocity))) return undefined;
  const result = sgdStep(weight.data, gradient.data, velocity?.data, hyper);
  const wrap = (data: Data) => new ad.Tensor(data, weight.shape, weight.dtype);
  return result.velocity
    ? { weight: wrap(result.weight), velocity: wrap(result.velocity) }
    : { weight: wrap(result.weight) };
}
