/**
 * Perturbation sets of the adversarial robustness literature (Madry et al. 2018, §2): the ℓ2 and
 * ℓ∞ balls of radius ρ around each example, optionally intersected with a box of valid inputs.
 * The first axis of every tensor is the example axis; the ball is taken over all other axes.
 */
import * as ad from '../../autodiff/index.ts';

/** Which norm bounds the perturbation. */
export type Norm = 'l2' | 'linf';

/** A perturbation set: ‖x̃ − x‖ ≤ radius in `norm`, and x̃ inside `clip` (a box of valid values) when given. */
export interface Threat {
  norm: Norm;
  radius: number;
  clip?: readonly [number, number];
}

/** Checks a threat model, naming `caller` in the error. */
export function checkThreat(caller: string, threat: Threat): void {
  if (threat.norm !== 'l2' && threat.norm !== 'linf')
    throw new Error(`${caller}: norm must be 'l2' or 'linf', got ${JSON.stringify(threat.norm)}`);
  if (!(threat.radius >= 0) || !Number.isFinite(threat.radius))
    throw new Error(`${caller}: radius must be a finite number ≥ 0, got ${threat.radius}`);
  if (threat.clip && !(threat.clip[0] < threat.clip[1]))
    throw new Error(`${caller}: clip must be [low, high] with low < high, got [${threat.clip.join(', ')}]`);
}

/** The rows [n, rest] view of a tensor whose first axis holds the examples. */
function rows(tensor: ad.Tensor): ad.Tensor {
  if (tensor.rank < 1) throw new Error(`attacks: inputs need an example axis, got a scalar`);
  return tensor.reshape([tensor.shape[0], tensor.size / Math.max(tensor.shape[0], 1)]);
}

/**
 * The per-example norm of `tensor` ([n, ...] → [n]) in `norm`.
 * @example exampleNorms(ad.tensor([[3, 4], [1, -2]]), 'l2') // [5, √5]
 */
export function exampleNorms(tensor: ad.Tensor, norm: Norm): ad.Tensor {
  const flat = rows(tensor);
  return norm === 'l2' ? flat.square().sum(1).sqrt() : flat.abs().max(1);
}

/**
 * Projects `perturbed` onto the ball of `threat` around `center` (then onto the clip box): ℓ2 rescales
 * δ = x̃ − x to length ρ when longer, ℓ∞ clips each coordinate of δ to [−ρ, ρ].
 * @example projectToBall(ad.tensor([[3, 4]]), ad.tensor([[0, 0]]), { norm: 'l2', radius: 1 }) // [[0.6, 0.8]]
 */
export function projectToBall(perturbed: ad.Tensor, center: ad.Tensor, threat: Threat): ad.Tensor {
  checkThreat('projectToBall', threat);
  if (perturbed.shape.join(',') !== center.shape.join(','))
    throw new Error(`projectToBall: perturbed [${perturbed.shape}] and center [${center.shape}] must have one shape`);
  const delta = perturbed.sub(center);
  let projected: ad.Tensor;
  if (threat.norm === 'linf') {
    projected = delta.maximum(-threat.radius).minimum(threat.radius);
  } else {
    const norms = exampleNorms(delta, 'l2');
    const scale = ad.tensor(threat.radius, { dtype: delta.dtype }).div(norms.maximum(threat.radius));
    projected = rows(delta)
      .mul(scale.reshape([delta.shape[0], 1]))
      .reshape(delta.shape);
  }
  const result = center.add(projected);
  return threat.clip ? result.maximum(threat.clip[0]).minimum(threat.clip[1]) : result;
}

/**
 * The steepest-ascent direction of unit `norm` for the gradient `gradient`: sign(g) for ℓ∞, g/‖g‖₂
 * per example for ℓ2 (0 where g = 0).
 * @example ascentDirection(ad.tensor([[3, -4]]), 'l2') // [[0.6, -0.8]]
 */
export function ascentDirection(gradient: ad.Tensor, norm: Norm): ad.Tensor {
  if (norm === 'linf') return gradient.sign();
  const norms = exampleNorms(gradient, 'l2').maximum(1e-30);
  return rows(gradient)
    .div(norms.reshape([gradient.shape[0], 1]))
    .reshape(gradient.shape);
}

/**
 * A point drawn uniformly from the ball of `threat` around each example (ℓ∞: the cube; ℓ2: a
 * Gaussian direction times ρ·U^{1/k} for k coordinates), from `seed`.
 * @example randomInBall(ad.zeros([4, 2]), { norm: 'l2', radius: 0.5 }, 0)
 */
export function randomInBall(center: ad.Tensor, threat: Threat, seed: number): ad.Tensor {
  checkThreat('randomInBall', threat);
  const { dtype } = center;
  const n = center.shape[0];
  let delta: ad.Tensor;
  if (threat.norm === 'linf') {
    delta = ad.randomUniform(center.shape, { seed, low: -threat.radius, high: threat.radius, dtype });
  } else {
    const coordinates = center.size / Math.max(n, 1);
    const direction = ascentDirection(ad.randomNormal(center.shape, { seed, dtype }), 'l2');
    const lengths = ad
      .randomUniform([n], { seed: seed + 1, dtype })
      .pow(1 / coordinates)
      .mul(threat.radius);
    delta = rows(direction)
      .mul(lengths.reshape([n, 1]))
      .reshape(center.shape);
  }
  return projectToBall(center.add(delta), center, threat);
}
