/**
 * One dataset's experiment (Arora et al. 2019, §4–§5): H∞ and its eigenpairs, then for each
 * label-corruption level GD on the two-layer net from the same W(0), with the measured
 * ‖y − u(k)‖ beside the eigen-formula, ‖W(k) − W(0)‖_F beside its prediction and √(yᵀ(H∞)⁻¹y),
 * and the test errors beside the bound √(2yᵀ(H∞)⁻¹y/n).
 */
import * as ad from '../../autodiff/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import { symmetricEigen, symmetricEigenvalues, type Matrix } from '../../src/linalg/index.ts';
import { progress, thinnedSteps } from '../../src/report/index.ts';
import type { Configuration } from './config.ts';
import { corruptLabels, type BinaryTask } from './data.ts';
import { gramAtWeights, gramInfinity } from './gram.ts';
import { initTwoLayer, TwoLayerGradientDescent } from './network.ts';
import { complexity, generalizationBound, project, predictedDistance, predictedResidualNorm } from './spectral.ts';

/** The measurements of one corruption level. */
export interface CorruptionRun {
  corruption: number;
  /** Fraction of training labels that differ from the true ones (≈ p/2). */
  flippedFraction: number;
  /** ‖y − u(k)‖ for k = 0 … steps, measured; the eigen-formula with H∞; the same with H(0). */
  residual: number[];
  predicted: number[];
  predictedAtInit: number[];
  /** ‖W(k) − W(0)‖_F at checkpoints, measured and predicted (linearized dynamics, H∞). */
  distance: { step: number; measured: number; predicted: number }[];
  /** yᵀ(H∞)⁻¹y, and the bound √(2yᵀ(H∞)⁻¹y/n). */
  complexity: number;
  bound: number;
  /** 0-1 error on the (corrupted) training labels at the last step. */
  trainError: number;
  /** On the test set at the last step: 0-1 error against the true labels; 0-1 error and ramp loss min(1, |u − y|) against labels corrupted at the same level (the distribution the bound is about). */
  testError: number;
  testErrorCorrupted: number;
  testRampCorrupted: number;
  /** Fraction of ReLU activations 1{w_rᵀx_i ≥ 0} on the training set that changed during training. */
  patternChanges: number;
  /** v_iᵀy, and v_iᵀ(y − u(K)) measured and predicted as (1 − ηλ_i)^K v_iᵀ(y − u(0)), eigenvalues ascending. */
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
  /** H∞'s eigenvalues, ascending. */
  eigenvalues: number[];
  /** ‖H(0) − H∞‖₂/‖H∞‖₂, H(0) the network's kernel at initialization. */
  initialGramGap: number;
  runs: CorruptionRun[];
}

function errorRate(outputs: ArrayLike<number>, labels: ArrayLike<number>): number {
  let errors = 0;
  for (let i = 0; i < labels.length; i++) if (Math.sign(outputs[i]) !== labels[i]) errors++;
  return errors / labels.length;
}

function rampLoss(outputs: ArrayLike<number>, labels: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum += Math.min(1, Math.abs(outputs[i] - labels[i]));
  return sum / labels.length;
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
 * Runs every corruption level of `config` on `task`.
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
  const lambdaMax = eigen.values[n - 1];
  const lr = config.lrScale / lambdaMax;
  const init = initTwoLayer({
    inputs: d,
    width: config.width,
    kappa: config.kappa,
    seed: deriveSeed(options.seed, 10),
  });
  const initial = gramAtWeights(inputs, init.weights);
  const eigenAtInit = symmetricEigen(initial);
  const trainPreactivations = ad.noGrad(() => ad.matmul(inputs, init.weights, { transposeB: true }));
  const testPreactivations = ad.noGrad(() => ad.matmul(task.test.inputs, init.weights, { transposeB: true }));
  const crossProducts = ad.noGrad(() => ad.matmul(task.test.inputs, inputs, { transposeB: true }));
  const checkpoints = Array.from({ length: config.distanceCheckpoints }, (_, j) =>
    Math.round(((j + 1) * config.steps) / config.distanceCheckpoints),
  );
  const bar = progress(task.name, config.corruption.length * config.steps, { quiet: options.quiet });

  const runs = config.corruption.map((corruption): CorruptionRun => {
    const start = performance.now();
    const y = corruptLabels(labels, corruption, deriveSeed(options.seed, 2));
    const testLabels = corruptLabels(task.test.labels, corruption, deriveSeed(options.seed, 3));
    const spectrum = { values: eigen.values, projections: project(eigen, y) };
    const spectrumAtInit = { values: eigenAtInit.values, projections: project(eigenAtInit, y) };
    const gd = new TwoLayerGradientDescent(inputs, y, init, lr, trainPreactivations);
    const initialResidual = y.map((label, i) => label - gd.state.outputs[i]);
    const residual = [gd.residualNorm()];
    const distance: CorruptionRun['distance'] = [];
    for (let k = 1; k <= config.steps; k++) {
      gd.step();
      residual.push(gd.residualNorm());
      if (checkpoints.includes(k))
        distance.push({ step: k, measured: gd.distanceFromInit(), predicted: predictedDistance(spectrum, lr, k) });
      bar.tick();
    }
    const steps = Array.from({ length: config.steps + 1 }, (_, k) => k);
    const testOutputs = gd.outputsAt(testPreactivations, crossProducts);
    const finalResidual = y.map((label, i) => label - gd.state.outputs[i]);
    const measuredProjections = project(eigen, finalResidual);
    const predictedProjections = project(eigen, initialResidual).map(
      (value, i) => (1 - lr * eigen.values[i]) ** config.steps * value,
    );
    return {
      corruption,
      flippedFraction: y.filter((label, i) => label !== labels[i]).length / n,
      residual,
      predicted: steps.map((k) => predictedResidualNorm(spectrum, lr, k)),
      predictedAtInit: steps.map((k) => predictedResidualNorm(spectrumAtInit, lr, k)),
      distance,
      complexity: complexity(spectrum),
      bound: generalizationBound(spectrum),
      trainError: errorRate(gd.state.outputs, y),
      testError: errorRate(testOutputs, task.test.labels),
      testErrorCorrupted: errorRate(testOutputs, testLabels),
      testRampCorrupted: rampLoss(testOutputs, testLabels),
      patternChanges: gd.patternChanges(trainPreactivations),
      labelProjections: Array.from(spectrum.projections),
      residualProjections: { measured: Array.from(measuredProjections), predicted: Array.from(predictedProjections) },
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
    steps: config.steps,
    eigenvalues: Array.from(eigen.values),
    initialGramGap: spectralNormOfDifference(initial, infinite) / lambdaMax,
    runs,
  };
}

/** The per-step series of a run kept in results.json, as {step, value} at every k-th step and the last (at most about 200). */
function thinnedSeries(values: readonly number[]): { step: number; value: number }[] {
  return thinnedSteps(values.length, 200).map((step) => ({ step, value: values[step] }));
}

/**
 * What results.json keeps of a dataset: everything but the per-eigenvector projections (the
 * figures show them), with the loss and its two formulas thinned.
 * @example datasetRecord(runDataset(task, configuration(true), { seed: 0, quiet: true })).runs[0].residual[0] // { step: 0, value: … }
 */
export function datasetRecord({ runs, ...rest }: DatasetResult) {
  return {
    ...rest,
    runs: runs.map(({ residual, predicted, predictedAtInit, labelProjections, residualProjections, ...run }) => ({
      ...run,
      residual: thinnedSeries(residual),
      predicted: thinnedSeries(predicted),
      predictedAtInit: thinnedSeries(predictedAtInit),
    })),
  };
}
