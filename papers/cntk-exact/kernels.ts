/**
 * The exact CNTKs of a run (Arora et al. 2019, §4; PAPERS.md §8), every depth in one pass
 * (src/infinite/depth-sweep.ts), computed in float32 on the chosen backend and cached under
 * results/cache/cntk-exact/ (or `--cache DIR`) by the shared kernel cache
 * (src/infinite/kernel-cache.ts), so that a re-run (or another solver) loads them instead of
 * computing them again.
 *
 * An entry is named by the data's key, readout, fix and dtype, and checked by a fingerprint of
 * everything the matrices are computed from: the train and test images' float32 bytes, labels
 * and shapes, the backend line (a gpujs run never reads a cpu-computed kernel, nor the reverse),
 * dtype, readout, fix, depths and `depthSweepCodeVersion`. A cache built on other images of the same
 * sizes is therefore a miss, never a silent reuse; so is a corrupt or partial entry.
 *
 * float32: the kernel passes run 1.3–1.7 times as fast as in float64 here and the matrices
 * take half the disk; float32 entries agree with float64 to ≈ 3e-4 relative (PAPERS.md §8), well below
 * what moves a prediction, and the regression itself is solved in float64 (regression.ts).
 * The cache stores the float32 values exactly.
 */
import { join } from 'node:path';
import { depthSweepCodeVersion } from '../../src/infinite/depth-sweep-version.ts';
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import { cachedKernels, kernelCacheFingerprint, KernelCacheEntry } from '../../src/infinite/kernel-cache.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import { defaultResultsRoot } from '../../src/report/index.ts';
import type { Configuration } from './config.ts';
import { imagesOf, type PreparedData, type Split } from './data.ts';

/** The cache's folder when `--cache` is not given: results/cache/cntk-exact/ of the repository. */
export const defaultCacheDirectory: string = join(defaultResultsRoot, 'cache', 'cntk-exact');

/** The NTK matrices of one depth: train × train and test × train. */
export interface DepthKernels {
  depth: number;
  train: Matrix;
  test: Matrix;
}

/** What an entry's fingerprint covers besides the images and labels (in this order: the cache's key order). */
export interface KernelSettings {
  /** The backend line, e.g. "cpu (plain TypeScript on typed arrays)". */
  backend: string;
  dtype: 'float32';
  readout: 'vanilla' | 'gap';
  fix: boolean;
  depths: readonly number[];
}

/**
 * SHA-256 (hex) of an entry's inputs: the train and test sets (shapes, float32 images, labels),
 * then the settings and depthSweepCodeVersion.
 * @example kernelFingerprint(split, { backend: 'cpu', dtype: 'float32', readout: 'gap', fix: true, depths: [3] })
 */
export function kernelFingerprint(split: Pick<Split, 'train' | 'test'>, settings: KernelSettings): string {
  const { backend, dtype, readout, fix, depths } = settings;
  return kernelCacheFingerprint({
    datasets: [split.train, split.test],
    settings: { backend, dtype, readout, fix, depths, version: depthSweepCodeVersion },
  });
}

/** One sweep over the depths: which kernel, on which data, and what it cost. */
export interface KernelRun {
  /** e.g. "CNTK-V 32×32". */
  label: string;
  readout: 'vanilla' | 'gap';
  fix: boolean;
  /** The readable part of the cache entry's name (data, readout, fix, dtype). */
  key: string;
  /** SHA-256 of the entry's inputs (kernelFingerprint). */
  fingerprint: string;
  kernels: DepthKernels[];
  /** Seconds the pass took when it was computed, and whether this run loaded it from the cache. */
  seconds: number;
  cached: boolean;
  pairs: number;
}

/**
 * The NTKs of cntk({ depth, readout, fix }) for every depth on `split`: loaded from
 * `cacheDirectory` when an entry with the same fingerprint is there, else computed in one
 * pass per matrix and cached.
 * @example cntkKernels({ label: 'CNTK-V 32×32', split: data.vanilla, depths: [3, 11], readout: 'vanilla', fix: false, backend, cacheDirectory, quiet: false })
 */
export function cntkKernels(options: {
  label: string;
  split: Split;
  depths: readonly number[];
  readout: 'vanilla' | 'gap';
  fix: boolean;
  /** The backend line the kernels are computed on (part of the fingerprint). */
  backend: string;
  cacheDirectory: string;
  quiet: boolean;
}): KernelRun {
  const { label, split, depths, readout, fix, backend, cacheDirectory, quiet } = options;
  const key = `${split.key}-${readout}-${fix ? 'fix' : 'nofix'}-float32`;
  const fingerprint = kernelFingerprint(split, { backend, dtype: 'float32', readout, fix, depths });
  const entry = new KernelCacheEntry(cacheDirectory, key, fingerprint, (line) => console.log(`cntk-exact: ${line}`));
  const n = split.train.count;
  const t = split.test.count;
  const shapes = Object.fromEntries(
    depths.flatMap((depth) => [
      [`depth${depth}-train`, [n, n] as const],
      [`depth${depth}-test`, [t, n] as const],
    ]),
  );
  const compute = () => {
    const sweep = { depths, readout, fix };
    const train = cntkDepthSweep(sweep, imagesOf(split.train), undefined, { quiet, label: `${label} train` });
    const test = cntkDepthSweep(sweep, imagesOf(split.test), imagesOf(split.train), { quiet, label: `${label} test` });
    return Object.fromEntries(
      depths.flatMap((depth, i) => [
        [`depth${depth}-train`, train[i].ntk],
        [`depth${depth}-test`, test[i].ntk],
      ]),
    );
  };
  const { matrices, seconds, pairs, cached } = cachedKernels(entry, shapes, compute, (n * (n + 1)) / 2 + t * n);
  const kernels = depths.map((depth) => ({
    depth,
    train: matrices[`depth${depth}-train`],
    test: matrices[`depth${depth}-test`],
  }));
  console.log(
    cached
      ? `cntk-exact: ${label}: kernels loaded from the cache (${entry.name}; computed in ${seconds.toFixed(0)} s)`
      : `cntk-exact: ${label}: ${pairs} pairs, depths ${depths.join(', ')} in one pass, ${seconds.toFixed(0)} s (${(pairs / seconds).toFixed(0)} pairs/s), cached as ${entry.name}`,
  );
  return { label, readout, fix, key, fingerprint, kernels, seconds, cached, pairs };
}

/**
 * The run's three sweeps: CNTK-V on the 2K set, then CNTK-V (no fix) and CNTK-GAP (fix) on the small set.
 * @example kernelRuns(config, data, { backend, cacheDirectory, quiet: true }).map((run) => run.label) // ['CNTK-V 8×8', …]
 */
export function kernelRuns(
  config: Configuration,
  data: PreparedData,
  options: { backend: string; cacheDirectory: string; quiet: boolean },
): KernelRun[] {
  const sweep = (label: string, split: Split, readout: 'vanilla' | 'gap', fix: boolean) =>
    cntkKernels({ label, split, depths: config.depths, readout, fix, ...options });
  return [
    sweep(`CNTK-V ${config.vanilla.size}×${config.vanilla.size}`, data.vanilla, 'vanilla', false),
    sweep(`CNTK-V ${config.gap.size}×${config.gap.size}`, data.gap, 'vanilla', false),
    sweep(`CNTK-GAP ${config.gap.size}×${config.gap.size}`, data.gap, 'gap', true),
  ];
}
