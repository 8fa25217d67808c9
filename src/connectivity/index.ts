/**
 * Mode connectivity by construction (Kuditipudi et al., NeurIPS 2019, arXiv 1906.06247):
 * bias-free nets as weight arrays, SGD with dropout, dropout stability, and the paper's
 * piecewise-linear path between two nets with the loss along it.
 * @example
 *   import { constructPath, randomHalves, hiddenWidths, pathProfile } from './src/connectivity/index.ts';
 *   const path = constructPath(mlp, weightsA, weightsB, randomHalves(hiddenWidths(mlp), 0));
 */
export * from './network.ts';
export * from './train.ts';
export * from './path.ts';
export * from './evaluate.ts';
