/**
 * The small-data UCI benchmark of Arora et al. (ICLR 2020, arXiv 1910.01663, §4): the authors'
 * fully connected NTK family, a warm-started SMO along the C grid, the validation-then-4-fold
 * protocol on the Fernández-Delgado splits, a fingerprinted per-dataset cache, and the
 * paper's summary statistics (Friedman rank, P90/P95, paired comparisons).
 * @example
 *   import { fullyConnectedNtkFamily, runProtocol } from './src/uci-benchmark/index.ts';
 *   const family = fullyConnectedNtkFamily(data.features, data.count, data.dimension, 5);
 *   runProtocol(data, [{ label: 'dep 4, fix 0', matrix: () => family.kernel(4, 0) }], [0.01, 1, 100]).foldAccuracy;
 */
export { fullyConnectedNtkFamily, gaussianKernel, squaredDistances, type FullyConnectedNtkFamily } from './ntk.ts';
export { solveBinary, type BinarySolution } from '../kernel-methods/smo.ts';
export { svmCostPath, predictPath, type PathModel } from './cost-path.ts';
export { runProtocol, type KernelCandidate, type ProtocolResult } from './protocol.ts';
export { fingerprint, resultCache, uciDatasetFiles, type ResultCache } from './cache.ts';
export {
  friedmanRanks,
  meanAndDeviation,
  pairedComparison,
  shareWithinBest,
  type PairedComparison,
} from './statistics.ts';
