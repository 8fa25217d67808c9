/**
 * Deep matrix factorization (Arora, Cohen, Hu & Luo 2019, PAPERS.md §7): the trainable
 * factorization and its losses, the synthetic problems, the minimum nuclear norm solver
 * with its optimality certificate, spectral measures, and the end-to-end dynamics
 * (balancedness and the update of Arora, Cohen & Hazan 2018).
 * @example
 *   import { DeepMatrixFactorization, completionLoss, trainFactorization } from './src/matrix-factorization/index.ts';
 */
export {
  DeepMatrixFactorization,
  completionLoss,
  sensingLoss,
  trainFactorization,
  type GaussianInitOptions,
  type TrainOptions,
  type TrainResult,
} from './deep-factorization.ts';
export {
  lowRankTarget,
  observeEntries,
  gaussianMeasurements,
  reconstructionError,
  type Observations,
  type Measurements,
} from './problems.ts';
export {
  minimumNuclearNorm,
  optimalityResiduals,
  observedEntries,
  linearMeasurements,
  type AffineConstraint,
  type NuclearNormOptions,
  type NuclearNormSolution,
  type OptimalityResiduals,
} from './nuclear-norm.ts';
export {
  nuclearNorm,
  effectiveRank,
  gramSingularValues,
  shrinkSingularValues,
  psdPower,
  type Shrinkage,
} from './spectral.ts';
export { endToEnd, balancednessGaps, balancedFactorization, endToEndDirection } from './end-to-end.ts';
