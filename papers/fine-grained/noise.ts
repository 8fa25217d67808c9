/**
 * The noise that fine-grained's claims are judged against, measured rather than assumed:
 *   - width: the spread of an H∞ prediction when H∞ is replaced by the kernel H(0) of independent
 *     width-m initializations (a finite net can follow H∞ only up to this; Thm 4.1's ε);
 *   - labels: the spread of a label-dependent statistic over independent corruption draws;
 *   - test set: the paired standard error of a difference of two nets' errors on the same test images.
 */
import { deriveSeed } from '../../src/data/index.ts';
import { symmetricEigen, type SymmetricEigen } from '../../src/linalg/index.ts';
import * as ad from '../../autodiff/index.ts';
import type { Configuration } from './config.ts';
import { corruptLabels } from './data.ts';
import { gramAtWeights } from './gram.ts';
import { initTwoLayer } from './network.ts';
import { complexity, predictedDistance, predictedResidualNorm, project, type LabelSpectrum } from './spectral.ts';

/**
 * Sample standard deviation (n − 1); 0 for fewer than two values.
 * @example standardDeviation([1, 2, 3]) // 1
 */
export function standardDeviation(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
}

/**
 * The W(0) of width-seed `index` (index 0 is the trained network's own).
 * @example initialWeights(configuration(true), 784, 0, 0)
 */
export function initialWeights(config: Configuration, inputs: number, seed: number, index: number) {
  return initTwoLayer({
    inputs,
    width: config.width,
    kappa: config.kappa,
    antithetic: config.antithetic,
    seed: deriveSeed(seed, 10 + index),
  });
}

/**
 * The eigendecompositions of H(0) for `config.widthSeeds` independent initializations (the first is the network's own).
 * @example initialKernels(inputs, configuration(true), 0).length // 3
 */
export function initialKernels(inputs: ad.Tensor, config: Configuration, seed: number): SymmetricEigen[] {
  return Array.from({ length: config.widthSeeds }, (_, index) =>
    symmetricEigen(gramAtWeights(inputs, initialWeights(config, inputs.shape[1], seed, index).weights)),
  );
}

/** The width spread of one label vector's predictions: the formula's sd at each step, the distance's sd at the last. */
export function widthSpread(kernels: readonly SymmetricEigen[], labels: ArrayLike<number>, lr: number, steps: number) {
  const spectra: LabelSpectrum[] = kernels.map((eigen) => ({
    values: eigen.values,
    projections: project(eigen, labels),
  }));
  const residual = Array.from({ length: steps + 1 }, (_, k) =>
    standardDeviation(spectra.map((spectrum) => predictedResidualNorm(spectrum, lr, k))),
  );
  return { residual, distance: standardDeviation(spectra.map((spectrum) => predictedDistance(spectrum, lr, steps))) };
}

/**
 * The first step k ≤ `steps` at which the eigen-formula puts ‖y − u(k)‖ at or below `fraction`·‖y‖; steps + 1 if none.
 * @example stepsToFraction(spectrum, 1 / lambdaMax, 0.1, 4000)
 */
export function stepsToFraction(spectrum: LabelSpectrum, lr: number, fraction: number, steps: number): number {
  const target = fraction * Math.hypot(...spectrum.projections);
  for (let k = 0; k <= steps; k++) if (predictedResidualNorm(spectrum, lr, k) <= target) return k;
  return steps + 1;
}

/**
 * The spread over `draws` corruption draws at level p of √(yᵀ(H∞)⁻¹y) and of the formula's steps to 10% of ‖y‖.
 * @example labelSpread(eigen, labels, 0.5, { draws: 20, seed: 0, lr, steps })
 */
export function labelSpread(
  eigen: SymmetricEigen,
  labels: ArrayLike<number>,
  corruption: number,
  options: { draws: number; seed: number; lr: number; steps: number; fraction: number },
) {
  const spectra = Array.from({ length: options.draws }, (_, r) => {
    const y = corruptLabels(labels, corruption, deriveSeed(options.seed, 1000 + r));
    return { values: eigen.values, projections: project(eigen, y) };
  });
  return {
    complexity: standardDeviation(spectra.map((spectrum) => Math.sqrt(complexity(spectrum)))),
    stepsToFraction: standardDeviation(
      spectra.map((spectrum) => stepsToFraction(spectrum, options.lr, options.fraction, options.steps)),
    ),
  };
}

/**
 * The difference error(B) − error(A) of two nets' 0-1 errors on the same test examples, and its paired standard error
 * √(b + c − (b − c)²/N)/N (b, c the examples only one of them gets wrong).
 * @example pairedErrorDifference([false, false], [true, false]) // { difference: 0.5, standardError: 0.354 }
 */
export function pairedErrorDifference(wrongA: readonly boolean[], wrongB: readonly boolean[]) {
  const total = wrongA.length;
  if (wrongB.length !== total)
    throw new Error(`pairedErrorDifference: ${total} and ${wrongB.length} examples; they must be the same test set`);
  let [onlyB, onlyA] = [0, 0];
  wrongA.forEach((a, i) => {
    if (a && !wrongB[i]) onlyA++;
    if (wrongB[i] && !a) onlyB++;
  });
  return {
    difference: (onlyB - onlyA) / total,
    standardError: Math.sqrt(Math.max(0, onlyA + onlyB - (onlyB - onlyA) ** 2 / total)) / total,
  };
}
