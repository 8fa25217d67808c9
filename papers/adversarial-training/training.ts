/**
 * Adversarial training as the paper analyses it (Zhang et al. 2020, Algorithm 1): at every step an
 * attack A (here PGD in the ℓ2 ball of radius ρ, random start) perturbs every training point against
 * the current W, then one full-batch gradient step on (1/n) Σᵢ ℓ(yᵢ f_W(x̃ᵢ)), ℓ the logistic loss.
 * Standard training is the same loop without the attack. The robust loss
 *   L*(W) = (1/n) Σᵢ max_{‖x̃ − xᵢ‖ ≤ ρ} ℓ(yᵢ f_W(x̃))            (§3, the robust training loss)
 * is estimated from below by a stronger PGD (more steps, restarts; the best point per example).
 */
import * as ad from '../../autodiff/index.ts';
import { pgd, type Threat } from '../../src/attacks/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import { logisticLoss } from '../../src/nn/index.ts';
import type { TrainingConfig } from './config.ts';
import { TwoLayerReLU } from './network.ts';

/** Inputs [n, d] (float64) and labels ±1. */
export interface LabelledSet {
  name: string;
  inputs: ad.Tensor;
  labels: Float64Array;
}

export type Method = 'adversarial' | 'standard';

/** The robust loss L*(W) and robust error (share of points with yᵢ f(x̃ᵢ) ≤ 0) found by PGD, with the clean ones. */
export interface RobustEvaluation {
  robustLoss: number;
  robustError: number;
  cleanLoss: number;
  cleanError: number;
}

/** One training run's outcome. */
export interface TrainingRun extends RobustEvaluation {
  method: Method;
  width: number;
  seed: number;
  /** ‖θ − θ₀‖_F / ‖θ₀‖_F for the first layer θ = (W, b). */
  relativeMovement: number;
  /** The training objective (loss at the attacked points; clean loss for standard training) every `recordEvery` steps. */
  curve: { steps: number[]; loss: number[] };
  seconds: number;
}

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0) / values.length;

function exampleLoss(net: TwoLayerReLU, labels: Float64Array) {
  const targets = ad.tensor(labels, { dtype: 'float64' });
  return (x: ad.Tensor) => logisticLoss(net.forward(x), targets, { reduction: 'none' });
}

/**
 * L*(W) estimated by PGD (`steps` steps, `restarts` random starts, and the clean point), with the clean loss.
 * @example robustEvaluation(net, set, { norm: 'l2', radius: 0.2 }, { steps: 20, restarts: 2, seed: 0 })
 */
export function robustEvaluation(
  net: TwoLayerReLU,
  set: LabelledSet,
  threat: Threat,
  attack: { steps: number; restarts: number; seed: number },
): RobustEvaluation {
  const loss = exampleLoss(net, set.labels);
  const result = pgd(loss, set.inputs, { threat, ...attack, randomStart: true });
  // ℓ is decreasing in the margin, so ℓ > log 2 ⇔ yᵢ f(x̃ᵢ) < 0.
  const errorShare = (losses: Float64Array) => losses.filter((value) => value >= Math.LN2).length / losses.length;
  return {
    robustLoss: mean(result.losses),
    robustError: errorShare(result.losses),
    cleanLoss: mean(result.cleanLosses),
    cleanError: errorShare(result.cleanLosses),
  };
}

/**
 * Trains a width-m two-layer net on `set` by adversarial (Algorithm 1) or standard full-batch GD,
 * then measures its robust loss with the evaluation attack.
 * @example trainTwoLayer(set, { method: 'adversarial', width: 256, seed: 0, threat: { norm: 'l2', radius: 0.2 }, config })
 */
export function trainTwoLayer(
  set: LabelledSet,
  options: { method: Method; width: number; seed: number; threat: Threat; config: TrainingConfig },
): TrainingRun {
  const { method, width, seed, threat, config } = options;
  const start = performance.now();
  const net = new TwoLayerReLU({ inputs: set.inputs.shape[1], width, seed: deriveSeed(seed, width) });
  const initial = net.firstLayer();
  const loss = exampleLoss(net, set.labels);
  const curve = { steps: [] as number[], loss: [] as number[] };
  for (let step = 0; step <= config.steps; step++) {
    const attacked =
      method === 'adversarial'
        ? pgd(loss, set.inputs, {
            threat,
            steps: config.trainAttackSteps,
            randomStart: true,
            seed: deriveSeed(seed + 1, step),
          }).adversarial
        : set.inputs;
    const objective = loss(attacked).mean();
    if (step % config.recordEvery === 0 || step === config.steps) {
      curve.steps.push(step);
      curve.loss.push(objective.item());
    }
    if (step === config.steps) break;
    objective.backward();
    ad.noGrad(() => {
      for (const parameter of [net.weight, net.bias])
        parameter.assign(parameter.value.sub(parameter.grad!.mul(config.learningRate)));
    });
  }
  const moved = net.firstLayer().sub(initial).square().sum().sqrt().item();
  const evaluation = robustEvaluation(net, set, threat, {
    steps: config.evalAttackSteps,
    restarts: config.evalRestarts,
    seed: deriveSeed(seed + 2, width),
  });
  return {
    method,
    width,
    seed,
    ...evaluation,
    relativeMovement: moved / initial.square().sum().sqrt().item(),
    curve,
    seconds: (performance.now() - start) / 1000,
  };
}
