/**
 * The exact CNTKs of a run (Arora et al. 2019, §4; PAPERS.md §8), every depth in one pass
 * (src/infinite/depth-sweep.ts), computed in float32 and cached (cache.ts) under a
 * fingerprint of the data, backend, dtype, readout, fix, depths and kernel code, so that a
 * re-run (or another solver) loads them instead of computing them again.
 *
 * float32: the kernel passes run 1.3–1.7 times as fast as in float64 here and the matrices
 * take half the disk; float32 entries agree with float64 to ≈ 3e-4 relative (PAPERS.md §8), well below
 * what moves a prediction, and the regression itself is solved in float64 (regression.ts).
 * The cache stores the float32 values exactly.
 */
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import { cacheFingerprint, KernelCacheEntry, type DepthKernels } from './cache.ts';
import type { Configuration } from './config.ts';
import { imagesOf, type PreparedData, type Split } from './data.ts';

export type { DepthKernels } from './cache.ts';

/** One sweep over the depths: which kernel, on which data, and what it cost. */
export interface KernelRun {
  /** e.g. "CNTK-V 32×32". */
  label: string;
  readout: 'vanilla' | 'gap';
  fix: boolean;
  /** The readable part of the cache entry's name (data, readout, fix, dtype). */
  key: string;
  /** SHA-256 of the entry's inputs (cache.ts: cacheFingerprint). */
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
  const inputs = { train: split.train, test: split.test, backend, dtype: 'float32', readout, fix, depths } as const;
  const fingerprint = cacheFingerprint(inputs);
  const entry = new KernelCacheEntry(cacheDirectory, key, fingerprint);
  const described = { label, readout, fix, key, fingerprint };
  const cached = entry.load(depths, split.train.count, split.test.count);
  if (cached) {
    console.log(
      `cntk-exact: ${label}: kernels loaded from the cache (${entry.name}; computed in ${cached.seconds.toFixed(0)} s)`,
    );
    return { ...described, kernels: cached.kernels, seconds: cached.seconds, cached: true, pairs: cached.pairs };
  }
  const start = performance.now();
  const sweep = { depths, readout, fix };
  const train = cntkDepthSweep(sweep, imagesOf(split.train), undefined, { quiet, label: `${label} train` });
  const test = cntkDepthSweep(sweep, imagesOf(split.test), imagesOf(split.train), { quiet, label: `${label} test` });
  const seconds = (performance.now() - start) / 1000;
  const n = split.train.count;
  const pairs = (n * (n + 1)) / 2 + split.test.count * n;
  const kernels = depths.map((depth, i) => ({ depth, train: train[i].ntk, test: test[i].ntk }));
  entry.save(kernels, seconds, pairs);
  console.log(
    `cntk-exact: ${label}: ${pairs} pairs, depths ${depths.join(', ')} in one pass, ${seconds.toFixed(0)} s (${(pairs / seconds).toFixed(0)} pairs/s), cached as ${entry.name}`,
  );
  return { ...described, kernels, seconds, cached: false, pairs };
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
