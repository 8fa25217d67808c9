/**
 * The exact CNTKs of a run (Arora et al. 2019, §4; PAPERS.md §8), every depth in one pass
 * (src/infinite/depth-sweep.ts), computed in float32 and cached under
 * results/cntk-exact/cache/ keyed by data, depth, readout, fix and dtype, so that a re-run
 * (or another solver) loads them instead of computing them again.
 *
 * float32: the kernel passes run 1.3–1.7 times as fast as in float64 here and the matrices
 * take half the disk; float32 entries agree with float64 to ≈ 3e-4 relative (PAPERS.md §8), well below
 * what moves a prediction, and the regression itself is solved in float64 (regression.ts).
 * The cache stores the float32 values exactly (raw little-endian float32, one file per matrix,
 * and a JSON index with the seconds the pass took).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import { writeFileAtomic } from '../../src/report/index.ts';
import { imagesOf, type Split } from './data.ts';

/** The NTK matrices of one depth: train × train and test × train. */
export interface DepthKernels {
  depth: number;
  train: Matrix;
  test: Matrix;
}

/** One sweep over the depths: which kernel, on which data, and what it cost. */
export interface KernelRun {
  /** e.g. "CNTK-V 32×32". */
  label: string;
  readout: 'vanilla' | 'gap';
  fix: boolean;
  /** The cache key (data, readout, fix, dtype). */
  key: string;
  kernels: DepthKernels[];
  /** Seconds the pass took when it was computed, and whether this run loaded it from the cache. */
  seconds: number;
  cached: boolean;
  pairs: number;
}

interface CacheIndex {
  depths: number[];
  seconds: number;
  pairs: number;
  train: [number, number];
  test: [number, number];
}

const fileOf = (directory: string, key: string, depth: number, part: 'train' | 'test') =>
  join(directory, `${key}-depth${depth}-${part}.f32`);

function writeMatrix(path: string, matrix: Matrix): void {
  const values = Float32Array.from(matrix.data);
  writeFileAtomic(path, new Uint8Array(values.buffer));
}

function readMatrix(path: string, rows: number, cols: number): Matrix | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.byteLength !== 4 * rows * cols) return undefined;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { rows, cols, data: Float64Array.from(values) };
}

/** The cached run of `key`, if every depth's matrices are there with the expected sizes. */
function loadCached(
  directory: string,
  key: string,
  depths: readonly number[],
  split: Split,
): { kernels: DepthKernels[]; index: CacheIndex } | undefined {
  const indexPath = join(directory, `${key}.json`);
  if (!existsSync(indexPath)) return undefined;
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as CacheIndex;
  const kernels: DepthKernels[] = [];
  for (const depth of depths) {
    if (!index.depths.includes(depth)) return undefined;
    const train = readMatrix(fileOf(directory, key, depth, 'train'), split.train.count, split.train.count);
    const test = readMatrix(fileOf(directory, key, depth, 'test'), split.test.count, split.train.count);
    if (!train || !test) return undefined;
    kernels.push({ depth, train, test });
  }
  return { kernels, index };
}

/**
 * The NTKs of cntk({ depth, readout, fix }) for every depth on `split`: loaded from
 * `cacheDirectory` when there, else computed in one pass per matrix and cached.
 * @example cntkKernels({ label: 'CNTK-V 32×32', split: data.vanilla, depths: [3, 11], readout: 'vanilla', fix: false, cacheDirectory, quiet: false })
 */
export function cntkKernels(options: {
  label: string;
  split: Split;
  depths: readonly number[];
  readout: 'vanilla' | 'gap';
  fix: boolean;
  cacheDirectory: string;
  quiet: boolean;
}): KernelRun {
  const { label, split, depths, readout, fix, cacheDirectory, quiet } = options;
  const key = `${split.key}-${readout}-${fix ? 'fix' : 'nofix'}-float32`;
  const cached = loadCached(cacheDirectory, key, depths, split);
  if (cached) {
    console.log(
      `cntk-exact: ${label}: kernels loaded from the cache (${key}; computed in ${cached.index.seconds.toFixed(0)} s)`,
    );
    return {
      label,
      readout,
      fix,
      key,
      kernels: cached.kernels,
      seconds: cached.index.seconds,
      cached: true,
      pairs: cached.index.pairs,
    };
  }
  const start = performance.now();
  const sweep = { depths, readout, fix };
  const train = cntkDepthSweep(sweep, imagesOf(split.train), undefined, { quiet, label: `${label} train` });
  const test = cntkDepthSweep(sweep, imagesOf(split.test), imagesOf(split.train), { quiet, label: `${label} test` });
  const seconds = (performance.now() - start) / 1000;
  const n = split.train.count;
  const pairs = (n * (n + 1)) / 2 + split.test.count * n;
  const kernels = depths.map((depth, i) => ({ depth, train: train[i].ntk, test: test[i].ntk }));
  for (const { depth, train: trainKernel, test: testKernel } of kernels) {
    writeMatrix(fileOf(cacheDirectory, key, depth, 'train'), trainKernel);
    writeMatrix(fileOf(cacheDirectory, key, depth, 'test'), testKernel);
  }
  const index: CacheIndex = { depths: [...depths], seconds, pairs, train: [n, n], test: [split.test.count, n] };
  writeFileAtomic(join(cacheDirectory, `${key}.json`), `${JSON.stringify(index)}\n`);
  console.log(
    `cntk-exact: ${label}: ${pairs} pairs, depths ${depths.join(', ')} in one pass, ${seconds.toFixed(0)} s (${(pairs / seconds).toFixed(0)} pairs/s), cached as ${key}`,
  );
  return { label, readout, fix, key, kernels, seconds, cached: false, pairs };
}
