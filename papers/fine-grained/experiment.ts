/**
 * One dataset's experiment (Arora et al. 2019, §4–§5): H∞ and its eigenpairs, then for each
 * label-corruption level GD on the two-layer net from the same W(0) until convergence
 * (K ≈ 3λ_max/λ_min steps at η = 1/λ_max), with the measured ‖y − u(k)‖ beside the eigen-formula,
 * ‖W(K) − W(0)‖_F beside √(yᵀ(H∞)⁻¹y), and the trained net's test errors beside the bound
 * √(2yᵀ(H∞)⁻¹y/n); each comparison with its measured noise (noise.ts).
 */
import * as ad from '../../autodiff/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import { symmetricEigen, symmetricEigenvalues, type Matrix } from '../../src/linalg/index.ts';
import { progress, thinnedSteps } from '../../src/report/index.ts';
import type { Configuration } from './config.ts';
import { corruptLabels, type BinaryTask } from './data.ts';
import { gramAtWeights, gramInfinity } from './gram.ts';
import { TwoLayerGradientDescent } from './network.ts';
import {
  initialKernels,
  initialWeights,
  labelSpread,
  pairedErrorDifference,
  standardDeviation,
  widthSpread,
} from './noise.ts';
import { complexity, generalizationBound, project, predictedDistance, predictedResidualNorm } from './spectral.ts';

/** "Converged enough to compare speeds": the residual at 10% of ‖y‖. */
export const speedFraction = 0.1;

/** The measurements of one corruption level. */
export interface CorruptionRun {
  corruption: number;
  /** Fraction of training labels that differ from the true ones (≈ p/2). */
  flippedFraction: number;
  /** ‖y − u(k)‖ for k = 0 … steps, measured; the eigen-formula with H∞; the same with the net's own H(0). */
  residual: number[];
  predicted: number[];
  predictedAtInit: number[];
  /** The sd of the formula over independent width-m kernels H(0), at each step. */
  predictedSpread: number[];
  /** ‖W(k) − W(0)‖_F at checkpoints, measured and predicted (linearized dynamics, H∞). */
  distance: { step: number; measured: number; predicted: number }[];
  /** The sd of the predicted distance at the last step over independent width-m kernels H(0). */
  distanceSpread: number;
  /** yᵀ(H∞)⁻¹y, and the bound √(2yᵀ(H∞)⁻¹y/n). */
  complexity: number;
  bound: number;
  /** Steps until ‖y − u(k)‖ ≤ 0.1‖y‖, measured and by the formula (steps + 1: not reached). */
  stepsToFraction: number;
  /** The sd over corruption draws at this level of √(yᵀ(H∞)⁻¹y) and of the formula's steps to 10% (0 at p = 0). */
  labelSpread: { complexity: number; stepsToFraction: number };
  /** 0-1 error on the (corrupted) training labels at the last step. */
  trainError: number;
  /** On the test set at the last step: 0-1 error against the true labels; 0-1 error and ramp loss min(1, |u − y|) against labels corrupted at the same level (the distribution the bound is about). */
  testError: number;
  testErrorCorrupted: number;
  testRampCorrupted: number;
  testRampStandardError: number;
  /** Fraction of ReLU activations 1{w_rᵀx_i ≥ 0} on the training set that changed during training. */
  patternChanges: number;
  /** v_iᵀy, and v_iᵀ(y − u(K)) measured and predicted as (1 − ηλ_i)^K v_iᵀy, eigenvalues ascending. */
  labelProjections: number[];
  residualProjections: { measured: number[]; predicted: number[] };
  seconds: number;
}

/** Everything measured on one dataset. */
export interface DatasetResult {
  name: string;
  classes: readonly [number, number];
  trainCount: number;
  testCount: number;
  inputSize: number;
  width: number;
  kappa: number;
  lr: number;
  steps: number;
  /** K = convergenceFactor·λ_max/λ_min before the cap; steps < stepsWanted when the cap binds. */
  stepsWanted: number;
  /** H∞'s eigenvalues, ascending. */
  eigenvalues: number[];
  /** ‖H(0) − H∞‖₂/‖H∞‖₂, H(0) the network's kernel at initialization. */
  initialGramGap: number;
  runs: CorruptionRun[];
  /** Test error (true labels) of level i+1 minus level i, with its paired standard error. */
  testErrorSteps: { from: number; to: number; difference: number; standardError: number }[];
}

const wrongAnswers = (outputs: ArrayLike<number>, labels: ArrayLike<number>) =>
  Array.from(labels, (label, i) => Math.sign(outputs[i]) !== label);
const mean = (values: readonly boolean[]) => values.filter(Boolean).length / values.length;

/** The mean ramp loss min(1, |u − y|) over the examples and its standard error. */
function rampLoss(outputs: ArrayLike<number>, labels: ArrayLike<number>) {
  const losses = Array.from(labels, (label, i) => Math.min(1, Math.abs(outputs[i] - label)));
  return {
    mean: losses.reduce((sum, value) => sum + value, 0) / losses.length,
    standardError: standardDeviation(losses) / Math.sqrt(losses.length),
  };
}

function spectralNormOfDifference(a: Matrix, b: Matrix): number {
  const values = symmetricEigenvalues({
    rows: a.rows,
    cols: a.cols,
    data: a.data.map((value, k) => value - b.data[k]),
  });
  return Math.max(Math.abs(values[0]), Math.abs(values[values.length - 1]));
}

/**
 * Runs every corruption level of `config` on `task` to convergence.
 * @example runDataset(task, configuration(true), { seed: 0, quiet: true }).runs[0].residual
 */
export function runDataset(
  task: BinaryTask,
  config: Configuration,
  options: { seed: number; quiet: boolean },
): DatasetResult {
  const { inputs, labels } = task.train;
  const [n, d] = inputs.shape;
  const infinite = gramInfinity(inputs);
  const eigen = symmetricEigen(infinite);
  const [lambdaMin, lambdaMax] = [eigen.values[0], eigen.values[n - 1]];
  const lr = config.lrScale / lambdaMax;
  const stepsWanted = Math.ceil((config.convergenceFactor * lambdaMax) / lambdaMin);
  const steps = Math.min(config.maxSteps, stepsWanted);
  const init = initialWeights(config, d, options.seed, 0);
  const kernels = initialKernels(inputs, config, options.seed);
  const trainPreactivations = ad.noGrad(() => ad.matmul(inputs, init.weights, { transposeB: true }));
  const testPreactivations = ad.noGrad(() => ad.matmul(task.test.inputs, init.weights, { transposeB: true }));
  const crossProducts = ad.noGrad(() => ad.matmul(task.test.inputs, inputs, { transposeB: true }));
  const checkpoints = Array.from({ length: config.distanceCheckpoints }, (_, j) =>
    Math.round(((j + 1) * steps) / config.distanceCheckpoints),
  );
  const bar = progress(task.name, config.corruption.length * steps, { quiet: options.quiet });
  const wrong: boolean[][] = [];

  const runs = config.corruption.map((corruption): CorruptionRun => {
    const start = performance.now();
    const y = corruptLabels(labels, corruption, deriveSeed(options.seed, 2));
    const testLabels = corruptLabels(task.test.labels, corruption, deriveSeed(options.seed, 3));
    const spectrum = { values: eigen.values, projections: project(eigen, y) };
    const spectrumAtInit = { values: kernels[0].values, projections: project(kernels[0], y) };
    const gd = new TwoLayerGradientDescent(inputs, y, init, lr, trainPreactivations);
    const initialResidual = y.map((label, i) => label - gd.state.outputs[i]);
    const residual = [gd.residualNorm()];
    const distance: CorruptionRun['distance'] = [];
    for (let k = 1; k <= steps; k++) {
      gd.step();
      residual.push(gd.residualNorm());
      if (checkpoints.includes(k))
        distance.push({ step: k, measured: gd.distanceFromInit(), predicted: predictedDistance(spectrum, lr, k) });
      bar.tick();
    }
    const stepRange = Array.from({ length: steps + 1 }, (_, k) => k);
    const testOutputs = gd.outputsAt(testPreactivations, crossProducts);
    wrong.push(wrongAnswers(testOutputs, task.test.labels));
    const finalResidual = y.map((label, i) => label - gd.state.outputs[i]);
    const spread = widthSpread(kernels, y, lr, steps);
    const ramp = rampLoss(testOutputs, testLabels);
    const reached = residual.findIndex((value) => value <= speedFraction * residual[0]);
    return {
      corruption,
      flippedFraction: y.filter((label, i) => label !== labels[i]).length / n,
      residual,
      predicted: stepRange.map((k) => predictedResidualNorm(spectrum, lr, k)),
      predictedAtInit: stepRange.map((k) => predictedResidualNorm(spectrumAtInit, lr, k)),
      predictedSpread: spread.residual,
      distance,
      distanceSpread: spread.distance,
      complexity: complexity(spectrum),
      bound: generalizationBound(spectrum),
      stepsToFraction: reached < 0 ? steps + 1 : reached,
      labelSpread:
        corruption === 0
          ? { complexity: 0, stepsToFraction: 0 }
          : labelSpread(eigen, labels, corruption, {
              draws: config.labelDraws,
              seed: options.seed,
              lr,
              steps,
              fraction: speedFraction,
            }),
      trainError: mean(wrongAnswers(gd.state.outputs, y)),
      testError: mean(wrong[wrong.length - 1]),
      testErrorCorrupted: mean(wrongAnswers(testOutputs, testLabels)),
      testRampCorrupted: ramp.mean,
      testRampStandardError: ramp.standardError,
      patternChanges: gd.patternChanges(trainPreactivations),
      labelProjections: Array.from(spectrum.projections),
      residualProjections: {
        measured: Array.from(project(eigen, finalResidual)),
        predicted: Array.from(
          project(eigen, initialResidual),
          (value, i) => (1 - lr * eigen.values[i]) ** steps * value,
        ),
      },
      seconds: (performance.now() - start) / 1000,
    };
  });
  bar.done();
  return {
    name: task.name,
    classes: task.classes,
    trainCount: n,
    testCount: task.test.labels.length,
    inputSize: d,
    width: config.width,
    kappa: config.kappa,
    lr,
    steps,
    stepsWanted,
    eigenvalues: Array.from(eigen.values),
    initialGramGap: spectralNormOfDifference(gramAtWeights(inputs, init.weights), infinite) / lambdaMax,
    runs,
    testErrorSteps: runs.slice(1).map((run, i) => ({
      from: runs[i].corruption,
      to: run.corruption,
      ...pairedErrorDifference(wrong[i], wrong[i + 1]),
    })),
  };
}

/** The per-step series of a run kept in results.json, as {step, value} at every k-th step and the last (at most about 200). */
function thinnedSeries(values: readonly number[]): { step: number; value: number }[] {
  return thinnedSteps(values.length, 200).map((step) => ({ step, value: values[step] }));
}

/**
 * What results.json keeps of a dataset: everything but the per-eigenvector projections (the
 * figures show them), with the loss, its two formulas and their spread thinned.
 * @example datasetRecord(runDataset(task, configuration(true), { seed: 0, quiet: true })).runs[0].residual[0] // { step: 0, value: … }
 */
export function datasetRecord({ runs, ...rest }: DatasetResult) {
  return {
    ...rest,
    runs: runs.map(
      ({ residual, predicted, predictedAtInit, predictedSpread, labelProjections, residualProjections, ...run }) => ({
        ...run,
        residual: thinnedSeries(residual),
        predicted: thinnedSeries(predicted),
        predictedAtInit: thinnedSeries(predictedAtInit),
        predictedSpread: thinnedSeries(predictedSpread),
      }),
    ),
  };
}
