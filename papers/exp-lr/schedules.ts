/**
 * Step decay vs TEXP (Li & Arora 2020, the TEXP theorem: Theorem 2 of the authors' blog,
 * their Figure "PreResNet32 trained with Step Decay and its corresponding TEXP schedule").
 * Three arms start from the same weights and see the same minibatches:
 *   step decay   SGD, weight decay λ, LR η·drop^I
 *   TEXP         no weight decay, η̃_t of `texpSchedule`, with the twin's momentum buffers (exact)
 *   TEXP alone   no weight decay, η̃_t, plain SGD buffers (the schedule without the momentum terms)
 * The claim is about accuracy; trained in float32 as in the paper, the arms' test accuracies
 * are compared with the spread between seeds.
 */
import { batches } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { progress } from '../../src/report/index.ts';
import { accuracyOf, imagesTensor, preciseBatchNormLogits } from './evaluation.ts';
import { relativeGap, trainedParameters } from './networks.ts';
import type { TrainingRunOptions } from './pair.ts';
import { ExpLrTwin } from './twin.ts';

export const scheduleArmNames = ['step decay + WD', 'TEXP (exact)', 'TEXP schedule alone'] as const;

/** One arm's record. */
export interface ArmTrace {
  name: (typeof scheduleArmNames)[number];
  /** Training loss per step. */
  loss: number[];
  /** Learning rate per step. */
  lr: number[];
  /** ‖f_t(x) − f^{step decay}_t(x)‖/‖f^{step decay}_t(x)‖ on each step's batch. */
  outputGap: number[];
  /** Test accuracy (precise BN) at `evaluationSteps`. */
  accuracy: number[];
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
}

/**
 * Trains the three arms for one seed.
 * @example compareSchedules({ build, data, dtype: 'float32', batchSize: 50, steps: 1200, seed: 1, hyperparameters: { lr: 0.1, weightDecay: 5e-4, momentum: 0.9, milestones: [600, 900] }, evaluateEvery: 200 })
 */
export function compareSchedules(options: ScheduleOptions): ScheduleComparison {
  const { data, dtype, batchSize, steps, seed, hyperparameters } = options;
  const start = performance.now();
  const exact = new ExpLrTwin(hyperparameters);
  const alone = new ExpLrTwin(hyperparameters, { momentumBuffers: false });
  const { lr, momentum, weightDecay } = hyperparameters;
  const nets = scheduleArmNames.map(() => options.build(seed));
  const optimizers = nets.map(
    (net, arm) => new SGD(trainedParameters(net), { lr, momentum, weightDecay: arm === 0 ? weightDecay : 0 }),
  );
  const prepare = [
    (step: number) => (optimizers[0].lr = exact.originalLr(step)),
    (step: number) => exact.prepareStep(optimizers[1], step),
    (step: number) => alone.prepareStep(optimizers[2], step),
  ];
  const arms: ArmTrace[] = scheduleArmNames.map((name) => ({ name, loss: [], lr: [], outputGap: [], accuracy: [] }));
  const evaluationSteps: number[] = [];
  const calibration = imagesTensor(data.calibration, dtype);
  const evaluate = (step: number): void => {
    evaluationSteps.push(step);
    preciseBatchNormLogits(nets, data.test, calibration, dtype).forEach((logits, arm) =>
      arms[arm].accuracy.push(accuracyOf(logits, data.test.labels, data.test.classes)),
    );
  };
  const bar = progress(`step decay vs TEXP, seed ${seed}`, steps, { quiet: options.quiet });
  for (let step = 0, epoch = 0; step < steps; epoch++) {
    for (const batch of batches(data.train, { batchSize, seed, epoch, dropLast: true })) {
      if (step === steps) break;
      const x = imagesTensor(batch, dtype);
      const outputs = nets.map((net, arm) => {
        prepare[arm](step);
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
      if (step % options.evaluateEvery === 0 && step < steps) evaluate(step);
    }
  }
  bar.done();
  evaluate(steps);
  return { seed, evaluationSteps, arms, seconds: (performance.now() - start) / 1000 };
}
