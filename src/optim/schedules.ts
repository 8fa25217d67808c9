/**
 * Learning-rate schedules as pure functions t ↦ η_t of the step (or epoch) count t ≥ 0;
 * set `optimizer.lr = schedule(t)` before each step. Units are the caller's: milestones
 * and step sizes are counted in whatever t counts (TEXP needs t in optimizer steps).
 */
import { checkRange } from './optimizer.ts';

/** A learning rate for each step t = 0, 1, 2, … */
export type Schedule = (step: number) => number;

function checkStep(caller: string, step: number): void {
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`${caller}: step must be a non-negative integer, got ${step}`);
}

function checkMilestones(caller: string, milestones: readonly number[]): void {
  const increasing = milestones.every(
    (milestone, i) => Number.isInteger(milestone) && milestone > 0 && (i === 0 || milestone > milestones[i - 1]),
  );
  if (!Array.isArray(milestones) || !increasing)
    throw new Error(
      `${caller}: milestones must be strictly increasing positive integers, got ${JSON.stringify(milestones)}`,
    );
}

/** How many milestones are ≤ step: the index of step's phase. */
function phaseOf(milestones: readonly number[], step: number): number {
  let phase = 0;
  while (phase < milestones.length && milestones[phase] <= step) phase++;
  return phase;
}

/** η_t = η. @example constantSchedule(0.1)(500) // 0.1 */
export function constantSchedule(lr: number): Schedule {
  checkRange('constantSchedule', 'lr', lr, 0);
  return (step) => {
    checkStep('constantSchedule', step);
    return lr;
  };
}

/** η_t = η·γ^⌊t/stepSize⌋ (torch StepLR). @example stepSchedule(0.1, { stepSize: 30 })(65) // 0.001 */
export function stepSchedule(lr: number, { stepSize, gamma = 0.1 }: { stepSize: number; gamma?: number }): Schedule {
  checkRange('stepSchedule', 'lr', lr, 0);
  checkRange('stepSchedule', 'gamma', gamma, 0);
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new Error(`stepSchedule: stepSize must be a positive integer, got ${stepSize}`);
  return (step) => {
    checkStep('stepSchedule', step);
    return lr * gamma ** Math.floor(step / stepSize);
  };
}

/** η_t = η·γ^(number of milestones ≤ t) (torch MultiStepLR). @example multiStepSchedule(0.1, { milestones: [100, 150] })(120) // 0.01 */
export function multiStepSchedule(
  lr: number,
  { milestones, gamma = 0.1 }: { milestones: readonly number[]; gamma?: number },
): Schedule {
  checkRange('multiStepSchedule', 'lr', lr, 0);
  checkRange('multiStepSchedule', 'gamma', gamma, 0);
  checkMilestones('multiStepSchedule', milestones);
  return (step) => {
    checkStep('multiStepSchedule', step);
    return lr * gamma ** phaseOf(milestones, step);
  };
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017) from η down to `minimum` over `totalSteps`,
 * then constant: η_t = min + (η − min)·(1 + cos(π·min(t, T)/T))/2.
 * @example cosineSchedule(0.1, { totalSteps: 100 })(50) // 0.05
 */
export function cosineSchedule(
  lr: number,
  { totalSteps, minimum = 0 }: { totalSteps: number; minimum?: number },
): Schedule {
  checkRange('cosineSchedule', 'lr', lr, 0);
  checkRange('cosineSchedule', 'minimum', minimum, 0, lr);
  if (!Number.isInteger(totalSteps) || totalSteps < 1)
    throw new Error(`cosineSchedule: totalSteps must be a positive integer, got ${totalSteps}`);
  return (step) => {
    checkStep('cosineSchedule', step);
    return minimum + ((lr - minimum) * (1 + Math.cos((Math.PI * Math.min(step, totalSteps)) / totalSteps))) / 2;
  };
}

/** η_t = η·γᵗ (torch ExponentialLR). @example exponentialSchedule(0.1, { gamma: 1.01 })(100) // 0.1·1.01¹⁰⁰ */
export function exponentialSchedule(lr: number, { gamma }: { gamma: number }): Schedule {
  checkRange('exponentialSchedule', 'lr', lr, 0);
  checkRange('exponentialSchedule', 'gamma', gamma, 0);
  return (step) => {
    checkStep('exponentialSchedule', step);
    return lr * gamma ** step;
  };
}

/**
 * The growth factor α of Li & Arora 2020 (their main theorem; PAPERS.md §2): the larger
 * root of x² − (1 + γ − λη)x + γ = 0, for learning rate η, weight decay λ and momentum γ.
 * @example expLrAlpha(0.1, 5e-4, 0.9) // ≈ 0.9994975; α^{−2·391} ≈ 1.481, the paper's per-epoch growth
 */
export function expLrAlpha(eta: number, lambda: number, gamma: number): number {
  checkRange('expLrAlpha', 'eta', eta, 0);
  checkRange('expLrAlpha', 'lambda', lambda, 0);
  checkRange('expLrAlpha', 'gamma', gamma, 0, 1, { excludeMaximum: true });
  // With c = λη: the discriminant (1 + γ − c)² − 4γ = (1 − γ)² − c(2(1 + γ) − c), and the
  // larger root α = 1 − 2c/((1 − γ + c) + √discriminant): no cancellation, α = 1 exactly at c = 0.
  const c = lambda * eta;
  const discriminant = (1 - gamma) ** 2 - c * (2 * (1 + gamma) - c);
  if (!(discriminant >= 0) || c >= 1 + gamma) {
    throw new Error(
      `expLrAlpha: x² − (1 + γ − λη)x + γ has no positive real root for η = ${eta}, λ = ${lambda}, γ = ${gamma} (needs λη ≤ (1 − √γ)²)`,
    );
  }
  return 1 - (2 * c) / (1 - gamma + c + Math.sqrt(discriminant));
}

/** Options of the TEXP twin of a multi-step schedule with weight decay and momentum. */
export interface TexpOptions {
  /** Steps at which the original schedule multiplies its LR by `gamma` (default none). */
  milestones?: readonly number[];
  /** The original schedule's drop factor (default 0.1). */
  gamma?: number;
  /** The weight decay λ that the twin drops. */
  weightDecay: number;
  /** The momentum γ both runs use. */
  momentum: number;
}

/**
 * TEXP, the tapered exponential schedule of Li & Arora 2020 (PAPERS.md §2): the LR with
 * no weight decay that reproduces SGD with weight decay λ, momentum γ and the multi-step
 * LR η_I = η·gamma^I on scale-invariant weights, where w̃_t = w_t/s_t, s_t = ∏_{k<t} α_{I(k)}:
 *   η̃_t = η_{I(t)} / (s_t·s_{t+1});  within one phase η̃_t = η·α^{−2t−1}
 * So η̃ grows by α_I^{−2} per step, and at a drop it is divided by the drop factor once
 * while the growth switches to the new phase's α (η̃_T/η̃_{T−1} = gamma/(α_{I−1}·α_I)).
 * With our SGD convention the twin starts with momentum buffer (1 − 1/α₀)·w₀/η₀, and at
 * each drop T it adds s_T²·[(1 − 1/α_I)/η_I − (1 − 1/α_{I−1})/η_{I−1}]·w̃_T to its buffer
 * (the paper's momentum correction); then both runs agree exactly.
 * @example texpSchedule(0.1, { milestones: [5000], weightDecay: 5e-4, momentum: 0.9 })(t)
 */
export function texpSchedule(
  lr: number,
  { milestones = [], gamma = 0.1, weightDecay, momentum }: TexpOptions,
): Schedule {
  checkRange('texpSchedule', 'lr', lr, 0);
  checkRange('texpSchedule', 'gamma', gamma, 0);
  checkMilestones('texpSchedule', milestones);
  const rates = Array.from({ length: milestones.length + 1 }, (_, phase) => lr * gamma ** phase);
  const logAlphas = rates.map((rate) => Math.log(expLrAlpha(rate, weightDecay, momentum)));
  const starts = [0, ...milestones];
  // log s_t = Σ over phases of (steps of that phase before t)·log α_phase
  const logScale = (step: number): number =>
    starts.reduce(
      (total, start, phase) =>
        total + Math.max(0, Math.min(step, starts[phase + 1] ?? Infinity) - start) * logAlphas[phase],
      0,
    );
  return (step) => {
    checkStep('texpSchedule', step);
    return rates[phaseOf(milestones, step)] * Math.exp(-logScale(step) - logScale(step + 1));
  };
}
