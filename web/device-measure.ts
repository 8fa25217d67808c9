/**
 * One call of the device checks measured on both backends: run on gpujs (counting the copies it
 * makes and its live textures before and after), then on cpu for the reference values.
 */
import * as ad from '../autodiff/index.ts';
import { cpuBackend } from '../gpu/cpu/index.ts';
import type { GpuJsBackend } from '../gpu/gpujs/index.ts';

/** What one call cost on the device, beside both backends' results. */
export interface BothBackends<T> {
  onGpu: T;
  onCpu: T;
  transfers: { uploads: number; downloads: number };
  liveBefore: number;
  liveAfter: number;
}

/**
 * `run` on gpujs, then on cpu; the uploads and downloads of the gpujs call and the live textures
 * around it (zeros where gpujs keeps no device storage).
 * @example onBothBackends(gpujs, () => kernelMatrix(net, x)).transfers.downloads // 1
 */
export function onBothBackends<T>(gpujs: GpuJsBackend, run: () => T): BothBackends<T> {
  const counted = gpujs.device?.transfers ?? (() => ({ uploads: 0, downloads: 0 }));
  const live = () => gpujs.device?.liveCount() ?? 0;
  const liveBefore = live();
  const before = counted();
  const onGpu = ad.withBackend(gpujs, run);
  const after = counted();
  const liveAfter = live();
  const onCpu = ad.withBackend(cpuBackend, run);
  const transfers = { uploads: after.uploads - before.uploads, downloads: after.downloads - before.downloads };
  return { onGpu, onCpu, transfers, liveBefore, liveAfter };
}
