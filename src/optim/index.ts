/**
 * theorygrad's optimizers (simplest first: SGD, Adam, GroupRMSprop) and learning-rate
 * schedules. Optimizers update `Parameter` slots in place of the immutable tensors
 * (see src/nn/module.ts).
 * @example
 *   import { SGD, multiStepSchedule } from './src/optim/index.ts';
 *   const optimizer = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
 *   const schedule = multiStepSchedule(0.1, { milestones: [100, 150] });
 */
export { Optimizer, type ActiveParameter } from './optimizer.ts';
export { SGD, type SGDOptions } from './sgd.ts';
export { Adam, type AdamOptions } from './adam.ts';
export { GroupRMSprop, type GroupRMSpropOptions } from './group-rmsprop.ts';
export {
  constantSchedule,
  cosineSchedule,
  expLrAlpha,
  exponentialSchedule,
  multiStepSchedule,
  stepSchedule,
  texpSchedule,
  type Schedule,
  type TexpOptions,
} from './schedules.ts';
