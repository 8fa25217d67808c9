/** fine-grained's run sizes and hyper-parameters (default and --quick). */

/**
 * Sizes of a run. The default is the largest that two shared CPU cores finish in minutes
 * (summary.md says how it differs from the paper's); --quick is for the test.
 * κ small so that u(0) ≈ 0 (the paper's y − u(0) ≈ y); η = lrScale/λ_max(H∞), below the
 * linearized dynamics' stability limit 2/λ_max; corruption levels 0, 0.2, …, 1 as in the paper.
 * @example configuration(true).steps // 40
 */
export function configuration(quick: boolean) {
  return {
    /** The first two classes: MNIST digits 0 and 1, CIFAR-10 airplane and automobile. */
    classes: [0, 1] as [number, number],
    trainPerClass: quick ? 50 : 200,
    testPerClass: quick ? 100 : 500,
    width: quick ? 1000 : 3000,
    kappa: 0.1,
    lrScale: 1,
    steps: quick ? 40 : 100,
    /** ‖W(k) − W(0)‖_F is measured at this many evenly spaced steps (each costs about one GD step). */
    distanceCheckpoints: 5,
    corruption: [0, 0.2, 0.4, 0.6, 0.8, 1],
  };
}

export type Configuration = ReturnType<typeof configuration>;
