/**
 * Adversarial attacks for any src/nn model: perturbation balls (ℓ2, ℓ∞, with an optional box of
 * valid inputs), FGSM and PGD with random starts, restarts and a step-size schedule.
 * @example
 *   import { pgd } from './src/attacks/index.ts';
 *   const loss = (x: ad.Tensor) => nn.logisticLoss(net.forward(x), labels, { reduction: 'none' });
 *   const { adversarial, losses } = pgd(loss, inputs, { threat: { norm: 'l2', radius: 0.1 }, steps: 20, randomStart: true, seed: 0 });
 */
export {
  ascentDirection,
  checkThreat,
  exampleNorms,
  projectToBall,
  randomInBall,
  type Norm,
  type Threat,
} from './ball.ts';
export {
  fgsm,
  twoPhaseSchedule,
  pgd,
  type AttackResult,
  type ExampleLoss,
  type PgdOptions,
  type StepSize,
} from './pgd.ts';
