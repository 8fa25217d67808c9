/**
 * The InfiniteKernels (gpu/infinite.ts) of the active backend: the cpu's, or the gpu.js
 * kernels on the gpujs backend's runtime (created once per backend).
 */
import type { Backend } from '../../gpu/backend.ts';
import type { InfiniteKernels } from '../../gpu/infinite.ts';
import { cpuInfiniteKernels } from '../../gpu/cpu/infinite.ts';
import { createGpuJsInfiniteKernels } from '../../gpu/gpujs/infinite.ts';
import type { GpuJsBackend } from '../../gpu/gpujs/index.ts';
import { currentBackend } from '../../gpu/registry.ts';

const gpujsKernels = new WeakMap<Backend, InfiniteKernels>();

/**
 * The covariance-step kernels of `currentBackend()`, chosen by its name.
 * @example withBackend('gpujs', () => infiniteKernels().name) // 'gpujs'
 */
export function infiniteKernels(): InfiniteKernels {
  const backend = currentBackend();
  if (backend.name === 'cpu') return cpuInfiniteKernels;
  if (backend.name === 'gpujs') {
    let kernels = gpujsKernels.get(backend);
    if (!kernels) {
      kernels = createGpuJsInfiniteKernels((backend as GpuJsBackend).runtime);
      gpujsKernels.set(backend, kernels);
    }
    return kernels;
  }
  throw new Error(`infiniteKernels: backend '${backend.name}' has no infinite-width kernels (expected 'cpu' or 'gpujs')`);
}
