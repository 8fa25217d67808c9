/**
 * Kernel regression as in the paper (§6 and its code; PAPERS.md §8): targets 0.9 for the true
 * class and −0.1 for the others, no ridge, α = K⁻¹Y by Cholesky in float64, predictions K_*α,
 * the class of the largest output, with the jitter reported; and the paired comparison of two
 * kernels. Both live in src/kernel-methods/kernel-regression.ts (enhanced-cntk runs the same).
 */
export {
  kernelRegression,
  pairedDifference,
  type RegressionOutcome,
  type RegressionResult,
} from '../../src/kernel-methods/kernel-regression.ts';
