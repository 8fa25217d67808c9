/**
 * Step decay vs the exponential schedules that replace weight decay (Li & Arora 2020: the
 * TEXP theorem, Theorem 2 of the authors' blog, and §4's experiments on CIFAR-10, where
 * "PreResNet32 trained with Step Decay and its corresponding TEXP schedule" reach the same
 * accuracy and an exponential schedule built on cosine annealing is tried as well).
 * Three arms start from the same weights and see the same minibatches:
 *   step decay + WD      SGD, weight decay λ, LR η·drop^I
 *   TEXP schedule alone  no weight decay, η̃_t of `texpSchedule` (step decay's twin schedule)
 *   exponential cosine   no weight decay, η̃_t = η_t/(s_t·s_{t+1}) for cosine annealing η_t:
 *                        the twin schedule of cosine + WD, growing by α(η_t)^−2 per step
 * Both exponential arms run on plain SGD (no twin momentum buffers), as a practitioner would
 * use them; exact twins with those buffers are the tests' business (equivalence.test.ts).
 * The claim is about accuracy; trained in float32 as in the paper, the arms' test accuracies
 * are compared with the spread between seeds and the paired standard error on the test set.
 */
import * as ad from '../../autodiff/index.ts';
import { batches, takeFirst } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { cosineSchedule, SGD } from '../../src/optim/index.ts';
import { progress } from '../../src/report/index.ts';
import { accuracyOf, correctOf, imagesTensor, preciseBatchNormLogits } from './evaluation.ts';
import { relativeGap, trainedParameters } from './networks.ts';
import type { TrainingRunOptions } from './pair.ts';
import { ExpLrTwin } from './twin.ts';

export const scheduleArmNames = ['step decay + WD', 'TEXP schedule alone', 'exponential cosine'] as const;

/** One arm's record. */
export interface ArmTrace {
  name: (typeof scheduleArmNames)[number];
  /** Training loss, learning rate and norm of the trained weights per step. */
  loss: number[];
  lr: number[];
  weightNorm: number[];
  /** ‖f_t(x) − f^{step decay}_t(x)‖/‖f^{step decay}_t(x)‖ on each step's batch. */
  outputGap: number[];
  /** Test accuracy (precise BN) at `evaluationSteps`, on the first `curveTestCount` test images. */
  accuracy: number[];
  /** After the last step, on the whole test set: accuracy and which images were classified correctly. */
  finalAccuracy: number;
  finalCorrect: Float64Array;
}

export interface ScheduleComparison {
  seed: number;
  evaluationSteps: number[];
  arms: ArmTrace[];
  seconds: number;
}

export interface ScheduleOptions extends TrainingRunOptions {
  /** Builds the network for `seed`; called once per arm. */
  build: (seed: number) => nn.Sequential;
  /** Test images of the accuracy curve (the final accuracy uses the whole test set). */
  curveTestCount: number;
  /** Progress-bar label. */
  label: string;
}

/** Root of the sum of squares of the trained weights. */
function weightNorm(net: nn.Module): number {
  let squares = 0;
  for (const parameter of trainedParameters(net)) for (const w of parameter.value.data) squares += w * w;
  return Math.sqrt(squares);
}

/**
 * Trains the three arms for one seed.
 * @example compareSchedules({ build, data, dtype: 'float32', batchSize: 32, steps: 1200, seed: 1, hyperparameters: { lr: 0.1, weightDecay: 5e-4, momentum: 0.9, milestones: [600, 900] }, evaluateEvery: 200, curveTestCount: 1000, label: 'CIFAR-10' })
 */
export function compareSchedules(options: ScheduleOptions): ScheduleComparison {
  const { data, dtype, batchSize, steps, seed, hyperparameters } = options;
  const start = performance.now();
  const texp = new ExpLrTwin(hyperparameters, { momentumBuffers: false });
  const cosine = new ExpLrTwin(hyperparameters, {
    momentumBuffers: false,
    originalLr: cosineSchedule(hyperparameters.lr, { totalSteps: steps }),
  });
  const { lr, momentum, weightDecay } = hyperparameters;
  const nets = scheduleArmNames.map(() => options.build(seed));
  const optimizers = nets.map(
    (net, arm) => new SGD(trainedParameters(net), { lr, momentum, weightDecay: arm === 0 ? weightDecay : 0 }),
  );
  const prepare = [
    (step: number) => (optimizers[0].lr = texp.originalLr(step)),
    (step: number) => texp.prepareStep(optimizers[1], step),
    (step: number) => cosine.prepareStep(optimizers[2], step),
  ];
  const arms: ArmTrace[] = scheduleArmNames.map((name) => ({
    name,
    loss: [],
    lr: [],
    weightNorm: [],
    outputGap: [],
    accuracy: [],
    finalAccuracy: NaN,
    finalCorrect: new Float64Array(0),
  }));
  const evaluationSteps: number[] = [];
  const calibration = imagesTensor(data.calibration, dtype);
  const curveTest = takeFirst(data.test, Math.min(options.curveTestCount, data.test.count));
  const evaluate = (step: number): void => {
    evaluationSteps.push(step);
    preciseBatchNormLogits(nets, curveTest, calibration, dtype).forEach((logits, arm) =>
      arms[arm].accuracy.push(accuracyOf(logits, curveTest.labels, curveTest.classes)),
    );
  };
  const bar = progress(`${options.label}: step decay vs exponential schedules, seed ${seed}`, steps, {
    quiet: options.quiet,
  });
  evaluate(0);
  for (let step = 0, epoch = 0; step < steps; epoch++) {
    for (const batch of batches(data.train, { batchSize, seed, epoch, dropLast: true })) {
      if (step === steps) break;
      const x = imagesTensor(batch, dtype);
      const outputs: ad.Tensor[] = nets.map((net, arm) => {
        prepare[arm](step);
        arms[arm].weightNorm.push(weightNorm(net));
        return net.forward(x);
      });
      outputs.forEach((output, arm) => {
        const loss = nn.crossEntropy(output, batch.labels);
        arms[arm].loss.push(loss.item());
        arms[arm].lr.push(optimizers[arm].lr);
        arms[arm].outputGap.push(relativeGap(outputs[0].data, output.data));
        loss.backward();
        optimizers[arm].step();
      });
      step++;
      bar.tick();
      if (step % options.evaluateEvery === 0 || step === steps) evaluate(step);
    }
  }
  bar.done();
  preciseBatchNormLogits(nets, data.test, calibration, dtype).forEach((logits, arm) => {
    arms[arm].finalCorrect = correctOf(logits, data.test.labels, data.test.classes);
    arms[arm].finalAccuracy = accuracyOf(logits, data.test.labels, data.test.classes);
  });
  return { seed, evaluationSteps, arms, seconds: (performance.now() - start) / 1000 };
}
