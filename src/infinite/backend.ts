/** The covariance-step kernels (gpu/infinite.ts) of the active backend. */
import type { InfiniteKernels } from '../../gpu/infinite.ts';
import { currentBackend } from '../../gpu/registry.ts';

/**
 * The InfiniteKernels of `currentBackend()` (Backend.infinite).
 * @example withBackend('gpujs', () => infiniteKernels().name) // 'gpujs'
 */
export function infiniteKernels(): InfiniteKernels {
  return currentBackend().infinite;
}
