/**
 * Gradient attacks on any differentiable model: FGSM (Goodfellow et al. 2015) and PGD (Madry et al.
 * 2018, eq. 2: x ← Π_{B(x₀, ρ)}(x + α·dir(∇ₓℓ))). The model enters only through `loss`, a function
 * from inputs [n, ...] to per-example losses [n] (e.g. `(x) => nn.logisticLoss(net.forward(x), y,
 * { reduction: 'none' })`); examples must not interact (no BatchNorm in training mode), so the
 * gradient of Σᵢ ℓᵢ is each example's own gradient.
 */
import * as ad from '../../autodiff/index.ts';
import { ascentDirection, checkThreat, projectToBall, randomInBall, type Threat } from './ball.ts';

/** Per-example losses [n] of inputs [n, ...]: the quantity an attack maximizes. */
export type ExampleLoss = (inputs: ad.Tensor) => ad.Tensor;

/** What an attack returns: the adversarial inputs and the per-example losses at them and at the clean inputs. */
export interface AttackResult {
  adversarial: ad.Tensor;
  losses: Float64Array;
  cleanLosses: Float64Array;
}

/** A step size per PGD step: a constant, or a schedule of (step, steps), step = 0 … steps − 1. */
export type StepSize = number | ((step: number, steps: number) => number);

/** PGD's options; the step size defaults to 2.5ρ/steps (Madry et al. 2018, appendix). */
export interface PgdOptions {
  threat: Threat;
  steps: number;
  stepSize?: StepSize;
  /** Start from a uniform point of the ball (needs `seed`) instead of the clean input. */
  randomStart?: boolean;
  /** Independent random starts; the best per example is kept. Default 1. */
  restarts?: number;
  seed?: number;
}

function evaluate(caller: string, loss: ExampleLoss, inputs: ad.Tensor): ad.Tensor {
  const values = ad.noGrad(() => loss(inputs));
  if (values.rank !== 1 || values.shape[0] !== inputs.shape[0])
    throw new Error(`${caller}: loss must return per-example losses [${inputs.shape[0]}], got [${values.shape}]`);
  return values;
}

function inputGradient(loss: ExampleLoss, inputs: ad.Tensor): ad.Tensor {
  return ad.grad((x: ad.Tensor) => loss(x).sum())(inputs.detach());
}

/** Where `better` [n] is 1, the rows of `candidate`, else those of `current`. */
function pickRows(better: ad.Tensor, candidate: ad.Tensor, current: ad.Tensor): ad.Tensor {
  const mask = better.reshape([better.shape[0], ...candidate.shape.slice(1).map(() => 1)]);
  return mask.where(candidate, current);
}

/**
 * The fast gradient sign method, one step of length ρ in the steepest-ascent direction of the norm
 * (ℓ∞: x + ρ·sign(∇ₓℓ), exact for a linear model; ℓ2: x + ρ·∇ₓℓ/‖∇ₓℓ‖).
 * @example fgsm((x) => x.sum(1), ad.zeros([2, 3]), { norm: 'linf', radius: 0.1 }).adversarial // all 0.1
 */
export function fgsm(loss: ExampleLoss, inputs: ad.Tensor, threat: Threat): AttackResult {
  checkThreat('fgsm', threat);
  const clean = evaluate('fgsm', loss, inputs);
  const step = ascentDirection(inputGradient(loss, inputs), threat.norm).mul(threat.radius);
  const adversarial = projectToBall(inputs.add(step), inputs, threat);
  return {
    adversarial,
    losses: Float64Array.from(evaluate('fgsm', loss, adversarial).data),
    cleanLosses: Float64Array.from(clean.data),
  };
}

/**
 * Projected gradient ascent on each example's loss inside the ball of `threat`, keeping per example
 * the best point seen (the clean input and every start included), so the result never has a lower
 * loss than the clean input or the random start.
 * @example pgd((x) => x.square().sum(1), ad.ones([2, 3]), { threat: { norm: 'l2', radius: 0.5 }, steps: 10 })
 */
export function pgd(loss: ExampleLoss, inputs: ad.Tensor, options: PgdOptions): AttackResult {
  const { threat, steps, randomStart = false, restarts = 1, seed } = options;
  checkThreat('pgd', threat);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`pgd: steps must be an integer ≥ 0, got ${steps}`);
  if (!Number.isInteger(restarts) || restarts < 1)
    throw new Error(`pgd: restarts must be a positive integer, got ${restarts}`);
  if (randomStart && seed === undefined) throw new Error('pgd: randomStart needs a seed');
  const stepSize = options.stepSize ?? (2.5 * threat.radius) / Math.max(steps, 1);
  const stepAt = (step: number) => (typeof stepSize === 'number' ? stepSize : stepSize(step, steps));
  const clean = evaluate('pgd', loss, inputs);
  let best = inputs;
  let bestLoss = clean;
  const consider = (candidate: ad.Tensor, candidateLoss: ad.Tensor) => {
    const better = candidateLoss.gt(bestLoss);
    best = pickRows(better, candidate, best);
    bestLoss = better.where(candidateLoss, bestLoss);
  };
  for (let restart = 0; restart < restarts; restart++) {
    let x = randomStart ? randomInBall(inputs, threat, seed! + 7919 * restart) : inputs;
    if (randomStart) consider(x, evaluate('pgd', loss, x));
    for (let step = 0; step < steps; step++) {
      const alpha = stepAt(step);
      if (!(alpha >= 0)) throw new Error(`pgd: step size at step ${step} must be ≥ 0, got ${alpha}`);
      const direction = ascentDirection(inputGradient(loss, x), threat.norm);
      x = projectToBall(x.add(direction.mul(alpha)), inputs, threat).detach();
      consider(x, evaluate('pgd', loss, x));
    }
  }
  return {
    adversarial: best,
    losses: Float64Array.from(bestLoss.data),
    cleanLosses: Float64Array.from(clean.data),
  };
}

/**
 * A two-phase step-size schedule: α₀ for the first half of the steps, α₀/4 for the rest (a common PGD decay).
 * @example pgd(loss, x, { threat, steps: 20, stepSize: twoPhaseSchedule(0.05) })
 */
export function twoPhaseSchedule(initial: number): (step: number, steps: number) => number {
  return (step, steps) => (step < steps / 2 ? initial : initial / 4);
}
