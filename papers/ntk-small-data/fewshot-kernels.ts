/**
 * The CNTKs of few-shot CIFAR-10 (Arora et al. 2020, §5; the kernels of Arora et al. 2019,
 * arXiv 1904.11955 §4, src/infinite): pool × pool and test × pool, computed once per run in
 * float32 (cntk-exact measured float32 entries within ≈ 3e-4 relative of float64) and
 * cached under results/cache/ntk-small-data/ by the shared kernel cache
 * (src/infinite/kernel-cache.ts): an entry is checked by the SHA-256 of everything it is
 * computed from (the images and labels, readout, fix, depth, backend, `depthSweepCodeVersion`) and
 * of each matrix file; anything that does not match is a miss, said in one line, and the
 * kernel is computed again.
 */
import { imagesOf, type Dataset } from '../../src/data/index.ts';
import { depthSweepCodeVersion } from '../../src/infinite/depth-sweep-version.ts';
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import { cachedKernels, kernelCacheFingerprint, KernelCacheEntry } from '../../src/infinite/kernel-cache.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import type { FewShotConfig } from './config.ts';
import type { FewShotData } from './fewshot-data.ts';

/** One CNTK over the pool and the test set. */
export interface PoolKernel {
  label: string;
  /** pool × pool (P×P) and test × pool (T×P). */
  pool: Matrix;
  test: Matrix;
  /** Seconds the computation took (when it was computed), whether this run loaded it, pairs computed. */
  seconds: number;
  cached: boolean;
  pairs: number;
}

/** What a kernel is computed from. */
export interface PoolKernelSpec {
  label: string;
  readout: 'vanilla' | 'gap';
  fix: boolean;
  depth: number;
  pool: Dataset;
  test: Dataset;
  backend: string;
}

/**
 * The NTK of cntk({ depth, readout, fix }) over `spec.pool` and `spec.test`: from the cache in
 * `cacheDirectory` when a matching entry is there, else computed (one progress bar per matrix) and saved.
 * @example poolKernel({ label: 'CNTK-V', readout: 'vanilla', fix: false, depth: 5, pool, test, backend }, directory, true).pool.rows
 */
export function poolKernel(spec: PoolKernelSpec, cacheDirectory: string, quiet: boolean): PoolKernel {
  const { label, readout, fix, depth, backend } = spec;
  const settings = { readout, fix, depth, backend, dtype: 'float32', version: depthSweepCodeVersion };
  const fingerprint = kernelCacheFingerprint({ datasets: [spec.pool, spec.test], settings });
  const [p, t] = [spec.pool.count, spec.test.count];
  const entry = new KernelCacheEntry(cacheDirectory, `fewshot-${readout}-depth${depth}-pool${p}-test${t}`, fingerprint);
  const pairs = (p * (p + 1)) / 2 + t * p;
  const { matrices, seconds, cached } = cachedKernels(
    entry,
    { pool: [p, p], test: [t, p] },
    () => {
      const sweep = { depths: [depth], readout, fix };
      const [poolImages, testImages] = [imagesOf(spec.pool), imagesOf(spec.test)];
      const [pool] = cntkDepthSweep(sweep, poolImages, undefined, { quiet, label: `${label} pool` });
      const [test] = cntkDepthSweep(sweep, testImages, poolImages, { quiet, label: `${label} test` });
      return { pool: pool.ntk, test: test.ntk };
    },
    pairs,
  );
  return { label, pool: matrices.pool, test: matrices.test, seconds, cached, pairs };
}

/**
 * The run's two kernels: CNTK-V on the 32×32 pool and test set, CNTK-GAP (with fix) on their pooled copies.
 * @example const { vanilla, gap } = fewShotKernels(config.fewShot, data, backend, cacheDirectory, true)
 */
export function fewShotKernels(
  config: FewShotConfig,
  data: FewShotData,
  backend: string,
  cacheDirectory: string,
  quiet: boolean,
): { vanilla: PoolKernel; gap: PoolKernel } {
  const { depth, gapSize } = config;
  const common = { depth, backend };
  return {
    vanilla: poolKernel(
      { ...common, label: 'CNTK-V 32×32', readout: 'vanilla', fix: false, pool: data.pool, test: data.test },
      cacheDirectory,
      quiet,
    ),
    gap: poolKernel(
      {
        ...common,
        label: `CNTK-GAP ${gapSize}×${gapSize}`,
        readout: 'gap',
        fix: true,
        pool: data.poolSmall,
        test: data.testSmall,
      },
      cacheDirectory,
      quiet,
    ),
  };
}
