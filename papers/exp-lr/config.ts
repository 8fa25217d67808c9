/** exp-lr's hyper-parameters and run sizes (default and --quick). */

/** The paper's hyper-parameters (its Figure 1 / the issue): η = 0.1, λ = 5e-4, γ = 0.9. */
export const hyperparameters = { lr: 0.1, weightDecay: 5e-4, momentum: 0.9 } as const;

/**
 * Sizes of a run; the default stands for the paper's figures at a scale two shared CPU cores
 * finish in minutes (see summary.md), --quick for the test.
 * @example configuration(true).equivalenceSteps // 100
 */
export function configuration(quick: boolean) {
  return {
    mnist: {
      train: quick ? 1000 : 10000,
      test: quick ? 500 : 2000,
      calibration: quick ? 500 : 1000,
      width: quick ? 32 : 100,
      batchSize: 50,
    },
    equivalenceSteps: quick ? 100 : 1200,
    cifar: {
      train: quick ? 500 : 4000,
      test: quick ? 200 : 1000,
      calibration: 500,
      channels: quick ? [4, 8, 8] : [8, 16, 32],
      batchSize: 32,
      steps: quick ? 15 : 200,
    },
    texp: { steps: quick ? 60 : 300, milestones: quick ? [20, 40] : [100, 200] },
    // Step decay vs the exponential schedules: the CIFAR-10 conv net in float32 on all of training batch 1
    // (the MNIST MLP where CIFAR-10 is missing), LR ÷10 at half and three quarters of the steps.
    schedules: {
      seeds: 2,
      // 1,500 steps (≈ 4.8 epochs of the 10,000 images): ≈ 0.13 s a step for the three arms on 2 idle
      // cores (measured with the WebAssembly GEMM), so the comparison takes ≈ 7 of the run's minutes.
      steps: quick ? 12 : 1500,
      milestones: quick ? [6, 9] : [750, 1125],
      train: quick ? 192 : 10000,
      test: quick ? 100 : 5000,
      curveTest: quick ? 100 : 500,
      calibration: quick ? 64 : 500,
      channels: quick ? [4, 8, 8] : [8, 16, 32],
      batchSize: 32,
      evaluations: quick ? 2 : 4,
    },
    toy: { points: 20, steps: quick ? 1000 : 2000, lr: 0.5, weightDecay: 0.1, scoreScale: 2 },
  };
}

/** The sizes of one run (default or --quick). */
export type Config = ReturnType<typeof configuration>;
