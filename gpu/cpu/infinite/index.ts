/**
 * The covariance steps of the infinite-width kernels on the CPU (the InfiniteKernels of
 * gpu/infinite.ts, whose file comment describes the band layout): plain loops over typed
 * arrays, float32 or float64 storage, float64 arithmetic, split over pairs into chunks that
 * worker threads share (threads.ts).
 */
import type { InfiniteKernels } from '../../infinite.ts';
import { inputCovariance } from './input.ts';
import { linear } from './linear.ts';
import { relu } from './relu.ts';
import { allocate } from './shared.ts';

export { allocate, inputCovariance, linear, relu };

/** The CPU's InfiniteKernels (gpu/infinite.ts). */
export const cpuInfiniteKernels: InfiniteKernels = {
  name: 'cpu',
  maxElements: 2 ** 31 - 1,
  allocate,
  inputCovariance,
  linear,
  relu,
};
