/**
 * The two scales of the adversarial-training rebuild (PAPERS.md §10). The default fits ten minutes
 * on two shared CPU cores; --quick shrinks every size so the whole run takes seconds.
 */
import type { Threat } from '../../src/attacks/index.ts';

/** Adversarial vs standard training of the two-layer net on one data set, over widths and seeds. */
export interface TrainingConfig {
  widths: readonly number[];
  seeds: number;
  /** Full-batch gradient steps (one PGD attack per step for adversarial training; Algorithm 1). */
  steps: number;
  learningRate: number;
  /** The attack inside training: PGD steps per gradient step (random start). */
  trainAttackSteps: number;
  /** The attack that measures the robust loss L*(W): more steps and restarts than in training. */
  evalAttackSteps: number;
  evalRestarts: number;
  /** Record the losses every this many steps (for the training-curve figure). */
  recordEvery: number;
}

/** Random points on the unit sphere S^{d−1} with random labels, opposite labels ≥ 2ρ + δ apart. */
export interface SphereConfig extends TrainingConfig {
  dimension: number;
  points: number;
  /** ℓ2 radius ρ of the perturbation ball. */
  radius: number;
  /** δ: the gap left between the ρ-balls of opposite labels. */
  gap: number;
}

/** Two MNIST classes, average-pooled by `pool` and scaled to unit norm. */
export interface MnistConfig extends TrainingConfig {
  classes: readonly [number, number];
  perClass: number;
  pool: number;
  /** ρ as a fraction of half the smallest distance between opposite-class images (< 1: the balls are disjoint). */
  radiusFraction: number;
}

/** The approximation lemma: a step function of ⟨x, u⟩ on S^{d−1}, fitted near initialization. */
export interface ApproximationConfig {
  dimension: number;
  widths: readonly number[];
  seeds: number;
  /** The step sits at ⟨x, u⟩ = threshold; points with |⟨x, u⟩ − threshold| < band are left out. */
  threshold: number;
  band: number;
  fitPoints: number;
  testPoints: number;
  /** Ridge λ of the minimum-norm fit (relative to the kernel's mean diagonal). */
  ridge: number;
}

export interface Config {
  approximation: ApproximationConfig;
  sphere: SphereConfig;
  mnist: MnistConfig;
}

const training = {
  learningRate: 30,
  trainAttackSteps: 3,
  evalAttackSteps: 20,
  evalRestarts: 2,
};

export const defaultConfig: Config = {
  approximation: {
    dimension: 5,
    widths: [16, 64, 256, 1024, 4096],
    seeds: 4,
    threshold: 0.3,
    band: 0.1,
    fitPoints: 700,
    testPoints: 1000,
    ridge: 1e-2,
  },
  sphere: {
    ...training,
    dimension: 10,
    points: 60,
    radius: 0.2,
    gap: 0.1,
    widths: [16, 64, 256, 1024],
    seeds: 3,
    steps: 250,
    recordEvery: 10,
  },
  mnist: {
    ...training,
    classes: [3, 5],
    perClass: 30,
    pool: 4,
    radiusFraction: 0.8,
    widths: [16, 64, 256, 1024],
    seeds: 3,
    steps: 200,
    recordEvery: 10,
  },
};

export const quickConfig: Config = {
  approximation: { ...defaultConfig.approximation, widths: [16, 128, 1024], seeds: 2, fitPoints: 200, testPoints: 300 },
  sphere: { ...defaultConfig.sphere, points: 30, widths: [16, 256], seeds: 2, steps: 40, evalAttackSteps: 10 },
  mnist: {
    ...defaultConfig.mnist,
    perClass: 15,
    widths: [16, 256],
    seeds: 2,
    steps: 40,
    evalAttackSteps: 10,
    evalRestarts: 1,
  },
};

/** The sizes of a default run, or of a `--quick` one. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}

/** The ℓ2 threat of radius ρ (perturbed points may leave the sphere, as in the paper's ball B₂(x, ρ)). */
export function l2Threat(radius: number): Threat {
  return { norm: 'l2', radius };
}
