/**
 * Trains a network with SGD + weight decay (multi-step LR) side by side with its
 * exponential-LR twin (twin.ts), both on the same minibatches, and records per step the
 * gap between their outputs: the test of Li & Arora 2020's main theorem (Theorem 1 of the
 * authors' blog, "same network function at every step") and of TEXP (their Theorem 2).
 */
import * as ad from '../../autodiff/index.ts';
import { batchCount, batches, type Dataset, type ExampleSet } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { progress } from '../../src/report/index.ts';
import { accuracyOf, imagesTensor, preciseBatchNormLogits, testLogits } from './evaluation.ts';
import { compareWeights, relativeGap, trainedParameters } from './networks.ts';
import { ExpLrTwin, type OriginalHyperparameters } from './twin.ts';

/** Training and evaluation data of a run; `calibration` feeds precise BN before each evaluation. */
export interface PairData {
  train: Dataset;
  test: Dataset;
  calibration: ExampleSet;
}

/** What every training run of this paper takes (a WD/twin pair, the schedule arms). */
export interface TrainingRunOptions {
  data: PairData;
  dtype: ad.DType;
  batchSize: number;
  steps: number;
  /** Seed of the minibatch order. */
  seed: number;
  hyperparameters: OriginalHyperparameters;
  /** Evaluate test accuracy every this many steps (and after the last). */
  evaluateEvery: number;
  quiet?: boolean;
}

export interface PairOptions extends TrainingRunOptions {
  label: string;
  /** Builds the network; called twice, and must give identical networks. */
  build: () => nn.Sequential;
  /**
   * Also train a control: the WD run again, from initial weights perturbed by at most one
   * unit in the last place (2^−52 in float64, 2^−23 in float32). Its gap to the WD run shows
   * how fast the training dynamics themselves amplify rounding-sized differences.
   */
  control?: boolean;
}

/** One evaluation of both networks on the test set. */
export interface Evaluation {
  step: number;
  accuracy: number;
  twinAccuracy: number;
  /** Relative gap of the test logits (precise BN on both). */
  logitGap: number;
}

/** Everything recorded, one entry per step t (before step t's update, on step t's batch). */
export interface PairTrace {
  label: string;
  loss: number[];
  twinLoss: number[];
  /** ‖f_t(x) − f̃_t(x)‖/‖f_t(x)‖ on the step's minibatch, training mode. */
  outputGap: number[];
  /** ‖f_t(x) − f^control_t(x)‖/‖f_t(x)‖, when a control runs (else empty). */
  controlGap: number[];
  /** Entries of the ReLU inputs whose sign differs between the WD run and the twin (resp. the control). */
  reluFlips: number[];
  controlReluFlips: number[];
  /** ‖w_t − s_t·w̃_t‖/‖w_t‖ over the trained weights. */
  weightGap: number[];
  lr: number[];
  twinLr: number[];
  weightNorm: number[];
  twinWeightNorm: number[];
  /** s_t = ∏_{k<t} α_k: the theorem predicts ‖w̃_t‖ = ‖w_t‖/s_t. */
  scale: number[];
  evaluations: Evaluation[];
  /** Test-logit gap in eval mode with BN's running averages (momentum 0.1) instead of precise BN, after the last step. */
  runningAverageLogitGap: number;
  seconds: number;
}

/** `net.forward(x)`, also returning the input of every top-level ReLU layer. */
function forwardRecordingReluInputs(net: nn.Sequential, x: ad.Tensor): { output: ad.Tensor; reluInputs: ad.Tensor[] } {
  const reluInputs: ad.Tensor[] = [];
  const output = net.layers.reduce((input, layer) => {
    if (layer instanceof nn.ReLU) reluInputs.push(input);
    return layer.forward(input);
  }, x);
  return { output, reluInputs };
}

/**
 * How many ReLU inputs have opposite signs in two runs: a flip changes the gradient by a
 * finite amount, so one input within rounding of ReLU's kink turns a rounding-sized
 * difference into a macroscopic one.
 */
function signFlips(a: readonly ad.Tensor[], b: readonly ad.Tensor[]): number {
  let flips = 0;
  a.forEach((tensor, layer) => {
    const [x, y] = [tensor.data, b[layer].data];
    for (let i = 0; i < x.length; i++) if (x[i] > 0 !== y[i] > 0) flips++;
  });
  return flips;
}

/** `net` with each trained weight multiplied by a random factor within one ulp of 1 (1 ± 2^−52, or 1 ± 2^−23 in float32). */
export function perturbedCopy(net: nn.Sequential, dtype: ad.DType, seed: number): nn.Sequential {
  const ulp = dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  trainedParameters(net).forEach((parameter, index) => {
    const factors = ad.randomUniform(parameter.shape, {
      seed: seed * 7919 + index,
      low: 1 - ulp,
      high: 1 + ulp,
      dtype,
    });
    parameter.assign(parameter.value.mul(factors));
  });
  return net;
}

/**
 * Runs the pair for `steps` steps and returns the trace.
 * @example runPair({ label: 'MNIST', build, data, dtype: 'float64', batchSize: 50, steps: 100, seed: 0, hyperparameters: { lr: 0.1, weightDecay: 5e-4, momentum: 0.9 }, evaluateEvery: 50 })
 */
export function runPair(options: PairOptions): PairTrace {
  const { data, dtype, batchSize, steps, seed, hyperparameters } = options;
  const start = performance.now();
  const [original, twinNet] = [options.build(), options.build()];
  const twin = new ExpLrTwin(hyperparameters);
  const { weightDecay, momentum } = hyperparameters;
  const originalOptimizer = new SGD(trainedParameters(original), { lr: hyperparameters.lr, momentum, weightDecay });
  const twinOptimizer = new SGD(trainedParameters(twinNet), { lr: hyperparameters.lr, momentum });
  const controlNet = options.control ? perturbedCopy(options.build(), dtype, seed) : undefined;
  const control = controlNet && {
    net: controlNet,
    optimizer: new SGD(trainedParameters(controlNet), { lr: hyperparameters.lr, momentum, weightDecay }),
  };
  const calibration = imagesTensor(data.calibration, dtype);
  const trace: PairTrace = {
    label: options.label,
    loss: [],
    twinLoss: [],
    outputGap: [],
    controlGap: [],
    reluFlips: [],
    controlReluFlips: [],
    weightGap: [],
    lr: [],
    twinLr: [],
    weightNorm: [],
    twinWeightNorm: [],
    scale: [],
    evaluations: [],
    runningAverageLogitGap: NaN,
    seconds: 0,
  };
  const evaluate = (step: number): void => {
    const [logits, twinLogits] = preciseBatchNormLogits([original, twinNet], data.test, calibration, dtype);
    trace.evaluations.push({
      step,
      accuracy: accuracyOf(logits, data.test.labels, data.test.classes),
      twinAccuracy: accuracyOf(twinLogits, data.test.labels, data.test.classes),
      logitGap: relativeGap(logits, twinLogits),
    });
  };
  if (batchCount(data.train.count, { batchSize, seed, dropLast: true }) === 0) {
    throw new Error(`runPair: ${options.label}: ${data.train.count} training examples make no batch of ${batchSize}`);
  }
  const bar = progress(options.label, steps, { quiet: options.quiet });
  let step = 0;
  for (let epoch = 0; step < steps; epoch++) {
    for (const batch of batches(data.train, { batchSize, seed, epoch, dropLast: true })) {
      if (step === steps) break;
      const x = imagesTensor(batch, dtype);
      originalOptimizer.lr = twin.originalLr(step);
      twin.prepareStep(twinOptimizer, step);
      const [run, twinRun] = [forwardRecordingReluInputs(original, x), forwardRecordingReluInputs(twinNet, x)];
      const [output, twinOutput] = [run.output, twinRun.output];
      const [loss, twinLoss] = [nn.crossEntropy(output, batch.labels), nn.crossEntropy(twinOutput, batch.labels)];
      const scale = twin.scale(step);
      const weights = compareWeights(original, twinNet, scale);
      trace.loss.push(loss.item());
      trace.twinLoss.push(twinLoss.item());
      trace.outputGap.push(relativeGap(output.data, twinOutput.data));
      trace.reluFlips.push(signFlips(run.reluInputs, twinRun.reluInputs));
      if (control) {
        const controlRun = forwardRecordingReluInputs(control.net, x);
        const controlOutput = controlRun.output;
        trace.controlGap.push(relativeGap(output.data, controlOutput.data));
        trace.controlReluFlips.push(signFlips(run.reluInputs, controlRun.reluInputs));
        control.optimizer.lr = originalOptimizer.lr;
        nn.crossEntropy(controlOutput, batch.labels).backward();
        control.optimizer.step();
      }
      trace.weightGap.push(weights.gap);
      trace.lr.push(originalOptimizer.lr);
      trace.twinLr.push(twinOptimizer.lr);
      trace.weightNorm.push(weights.norm);
      trace.twinWeightNorm.push(weights.twinNorm);
      trace.scale.push(scale);
      loss.backward();
      twinLoss.backward();
      originalOptimizer.step();
      twinOptimizer.step();
      step++;
      bar.tick();
      if (step % options.evaluateEvery === 0 && step < steps) evaluate(step);
    }
  }
  bar.done();
  const [logits, twinLogits] = [testLogits(original, data.test, dtype), testLogits(twinNet, data.test, dtype)];
  trace.runningAverageLogitGap = relativeGap(logits, twinLogits);
  evaluate(steps);
  trace.seconds = (performance.now() - start) / 1000;
  return trace;
}
