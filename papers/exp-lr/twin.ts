/**
 * The exponential-LR twin of SGD with weight decay (Li & Arora, ICLR 2020, arXiv 1910.07454:
 * Theorem 1.1 for a constant LR, the TEXP schedule of §2–3 for step decay), written for
 * our SGD convention (src/optim/sgd.ts, PyTorch's):
 *   original  v_{t+1} = γ·v_t + ∇L(w_t) + λ·w_t,  w_{t+1} = w_t − η_t·v_{t+1},  v_0 = 0
 *   twin      ṽ_{t+1} = γ·ṽ_t + ∇L(w̃_t),          w̃_{t+1} = w̃_t − η̃_t·ṽ_{t+1}
 * On scale-invariant weights (L(c·w) = L(w), hence ∇L(c·w) = ∇L(w)/c) the twin stays at
 * w̃_t = w_t/s_t, s_t = ∏_{k<t} α_{I(k)}, when
 *   η̃_t = η_t/(s_t·s_{t+1})                      (= η·α^{−2t−1} within one phase)
 *   ṽ_0 = (1 − 1/α_0)/η_0 · w̃_0                   (the twin's initial momentum)
 *   ṽ_T += s_T²·[(1 − 1/α_I)/η_I − (1 − 1/α_{I−1})/η_{I−1}]·w̃_T   at each drop T into phase I,
 * where α_I is the larger root of x² − (1 + γ − λη_I)x + γ = 0 (`expLrAlpha`).
 *
 * Derivation. Eliminating v (v_{t+1} = (w_t − w_{t+1})/η_t) and substituting w̃_t = w_t/α^t
 * and ∇L(w̃_t) = α^t·∇L(w_t) into the twin's recursion leaves, within a phase,
 *   α·w_t − w_{t+1} = γ(w_{t−1} − w_t/α) + η∇L(w_t),
 * which equals the original's w_t − w_{t+1} = γ(w_{t−1} − w_t) + η∇L(w_t) + ηλw_t exactly
 * when α − 1 = γ(1 − 1/α) − ηλ, i.e. α² − (1 + γ − λη)α + γ = 0. The first step has no
 * w_{−1}; it matches when γ·ṽ_0 = (α − 1 + ηλ)/η·w_0 = γ(1 − 1/α)/η·w_0. At a drop the
 * quadratic of the old phase no longer cancels the w_T terms; the buffer correction above
 * (the paper's momentum correction, equal to (s_T²/γ)[(1−α_{I−1})/η_{I−1} − (1−α_I)/η_I]·w̃_T)
 * restores it. `src/optim`'s `texpSchedule` gives η̃_t; this class adds the buffers.
 *
 * Any other original schedule η_t (e.g. cosine annealing, §4's exponential cosine schedule)
 * is a sequence of one-step phases: η̃_t = η_t/(s_t·s_{t+1}) with α_t from η_t, and the
 * buffer correction at every step where η_t changes (back-to-back drops).
 */
import type * as ad from '../../autodiff/index.ts';
import type { Parameter } from '../../src/nn/index.ts';
import { expLrAlpha, multiStepSchedule, texpSchedule, type SGD, type Schedule } from '../../src/optim/index.ts';

/** How the twin is built: with or without its momentum buffers, and for which original schedule. */
export interface TwinOptions {
  /**
   * `false` gives the exponential schedule alone on plain SGD (buffer starting at the first
   * gradient, nothing added when η_t changes): close to but not exactly the original.
   */
  momentumBuffers?: boolean;
  /** The original run's LR η_t > 0 (default: the multi-step schedule of the hyper-parameters). */
  originalLr?: Schedule;
}

/** The original run's hyper-parameters: multi-step LR η·drop^I, weight decay λ, momentum γ. */
export interface OriginalHyperparameters {
  lr: number;
  weightDecay: number;
  momentum: number;
  /** Steps at which the LR is multiplied by `drop` (default none: constant LR). */
  milestones?: readonly number[];
  /** Default 0.1. */
  drop?: number;
}

/**
 * The twin's schedule, scale and momentum buffers for one original run.
 * @example
 *   const twin = new ExpLrTwin({ lr: 0.1, weightDecay: 5e-4, momentum: 0.9 });
 *   for (let t = 0; t < steps; t++) {
 *     original.lr = twin.originalLr(t);
 *     twin.prepareStep(twinOptimizer, t); // sets η̃_t, and the buffers at t = 0 and at drops
 *     ... backward on both, original.step(), twinOptimizer.step();
 *   }
 */
export class ExpLrTwin {
  readonly originalLr: Schedule;
  readonly twinLr: Schedule;
  readonly #logAlphaSums: number[] = [0];

  /** With `options.originalLr`, the milestones and drop of `hyperparameters` are ignored. */
  constructor(
    readonly hyperparameters: OriginalHyperparameters,
    readonly options: TwinOptions = {},
  ) {
    const { lr, weightDecay, momentum, milestones = [], drop = 0.1 } = hyperparameters;
    const original = options.originalLr;
    this.originalLr = original ?? multiStepSchedule(lr, { milestones, gamma: drop });
    this.twinLr = original
      ? (step) => original(step) / (this.scale(step) * this.scale(step + 1))
      : texpSchedule(lr, { milestones, gamma: drop, weightDecay, momentum });
  }

  /** α of the phase that step t belongs to. @example new ExpLrTwin({ lr: 0.1, weightDecay: 5e-4, momentum: 0.9 }).alpha(0) // ≈ 0.9994975 */
  alpha(step: number): number {
    const { weightDecay, momentum } = this.hyperparameters;
    return expLrAlpha(this.originalLr(step), weightDecay, momentum);
  }

  /** s_t = ∏_{k<t} α_k, so that w_t = s_t·w̃_t. @example twin.scale(0) // 1 */
  scale(step: number): number {
    for (let k = this.#logAlphaSums.length; k <= step; k++)
      this.#logAlphaSums.push(this.#logAlphaSums[k - 1] + Math.log(this.alpha(k - 1)));
    return Math.exp(this.#logAlphaSums[step]);
  }

  /** s_t²·(1 − 1/α)/η for the phase of step t: the buffer the twin carries per unit w̃_t. */
  #bufferCoefficient(step: number, phaseStep: number): number {
    return (this.scale(step) ** 2 * (1 - 1 / this.alpha(phaseStep))) / this.originalLr(phaseStep);
  }

  /**
   * Sets the twin optimizer's LR to η̃_t and, at t = 0 and at each step where η_t changes (a
   * milestone), its momentum buffers (see the file comment). Call before the twin's step t.
   */
  prepareStep(optimizer: SGD, step: number): void {
    optimizer.lr = this.twinLr(step);
    if (this.options.momentumBuffers === false) return;
    if (step === 0) {
      for (const parameter of trainable(optimizer)) {
        optimizer.setMomentumBuffer(parameter, parameter.value.mul(this.#bufferCoefficient(0, 0)));
      }
    } else if (this.originalLr(step) !== this.originalLr(step - 1)) {
      const coefficient = this.#bufferCoefficient(step, step) - this.#bufferCoefficient(step, step - 1);
      for (const parameter of trainable(optimizer)) {
        const buffer: ad.Tensor = optimizer.momentumBuffer(parameter)!;
        optimizer.setMomentumBuffer(parameter, buffer.add(parameter.value.mul(coefficient)));
      }
    }
  }
}

/** The optimizer's parameters that are trained (not frozen). */
function trainable(optimizer: SGD): Parameter[] {
  return optimizer.parameters.filter((parameter) => !parameter.frozen);
}
