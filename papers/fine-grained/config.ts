/** fine-grained's run sizes and hyper-parameters (default and --quick). */

/**
 * Sizes of a run. The default is the largest that two shared CPU cores finish in minutes
 * (summary.md says how it differs from the paper's); --quick is for the test.
 *
 * GD runs to convergence: η = lrScale/λ_max(H∞) and K = convergenceFactor·λ_max/λ_min steps, so
 * the slowest eigen-direction of the residual has decayed by (1 − λ_min/λ_max)^K ≈ e^−3 (Thm 4.1),
 * capped at maxSteps (the summary says when the cap binds). κ = 1 with an antithetic init
 * (the second half of the neurons copies the first with opposite output signs, so u(0) = 0
 * exactly, the paper's y − u(0) = y) keeps the activation patterns nearly fixed.
 * @example configuration(true).width // 200
 */
export function configuration(quick: boolean) {
  return {
    /** The first two classes: MNIST digits 0 and 1, CIFAR-10 airplane and automobile. */
    classes: [0, 1] as [number, number],
    /** CIFAR-10 takes fewer: its λ_max/λ_min grows with n (≈ 670 at n = 60, 1,300 at n = 100), and K with it. */
    trainPerClass: { mnist: quick ? 12 : 50, cifar: quick ? 12 : 30 },
    testPerClass: quick ? 50 : 500,
    width: quick ? 200 : 1000,
    kappa: 1,
    antithetic: true,
    lrScale: 1,
    convergenceFactor: 3,
    maxSteps: quick ? 150 : 4000,
    /** ‖W(k) − W(0)‖_F is measured at this many evenly spaced steps (each costs about one GD step). */
    distanceCheckpoints: 8,
    corruption: [0, 0.5, 1],
    /** Independent W(0) draws whose kernels H(0) give the width-m spread of every H∞ prediction. */
    widthSeeds: quick ? 3 : 6,
    /** Independent corruption draws whose spread is the noise of the label-dependent statistics. */
    labelDraws: quick ? 5 : 20,
    /** Theorem 6.1 over n: unit inputs uniform on the sphere in R^dimension, nested samples. */
    growth: {
      dimension: 10,
      sizes: quick ? [25, 50, 100] : [25, 50, 100, 200, 400, 800, 1600],
      seeds: quick ? 2 : 3,
      powers: [1, 2, 3, 4],
    },
  };
}

export type Configuration = ReturnType<typeof configuration>;
