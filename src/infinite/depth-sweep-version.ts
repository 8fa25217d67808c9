/**
 * The version of the code behind cntkDepthSweep (depth-sweep.ts), for the kernel caches of the
 * papers that store its matrices (cntk-exact, ntk-small-data's few-shot CIFAR-10): one constant
 * so that both key their entries on the same thing. It lives in its own module, not in
 * depth-sweep.ts, so that importing src/infinite does not hash files.
 */
import { join } from 'node:path';
import { repositoryRoot } from '../report/index.ts';
import { kernelSourceVersion } from './kernel-cache.ts';

/**
 * SHA-256 (hex) over the module graph of src/infinite/depth-sweep.ts (its layers, the autodiff
 * tensors and the cpu and gpujs kernel steps it runs, worker scripts included): any change to
 * that code makes older cache entries misses.
 * @example kernelCacheFingerprint({ datasets, settings: { depth: 5, version: depthSweepCodeVersion } })
 */
export const depthSweepCodeVersion: string = kernelSourceVersion(
  join(repositoryRoot, 'src', 'infinite', 'depth-sweep.ts'),
);
