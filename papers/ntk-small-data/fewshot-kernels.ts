/**
 * The CNTKs of few-shot CIFAR-10 (Arora et al. 2020, §5; the kernels of Arora et al. 2019,
 * arXiv 1904.11955 §4, src/infinite): pool × pool and test × pool, computed once per run in
 * float32 (cntk-exact measured float32 entries within ≈ 3e-4 relative of float64) and
 * cached under results/cache/ntk-small-data/. A cache entry is named and checked by the
 * SHA-256 of everything it is computed from (the images' float32 bytes and shapes, readout,
 * fix, depth, backend, `kernelCodeVersion`) and of each matrix file; anything that does not
 * match — another fingerprint, a missing, short or altered file, a non-finite entry — is a
 * miss, said in one line, and the kernel is computed again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ad from '../../autodiff/index.ts';
import type { Dataset } from '../../src/data/index.ts';
import { cntkDepthSweep } from '../../src/infinite/index.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import { writeFileAtomic } from '../../src/report/index.ts';
import type { FewShotConfig } from './config.ts';
import type { FewShotData } from './fewshot-data.ts';

/** Raise when src/infinite's CNTK code changes its values, so older entries become misses. */
export const kernelCodeVersion = 1;

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

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * SHA-256 of the images (shape, count, float32 bytes) of pool and test, readout, fix, depth, backend and code version.
 * @example kernelFingerprint(spec).length // 64
 */
export function kernelFingerprint(spec: PoolKernelSpec): string {
  const hash = createHash('sha256');
  for (const set of [spec.pool, spec.test]) {
    hash.update(JSON.stringify({ shape: set.shape, count: set.count }));
    const images = Float32Array.from(set.images);
    hash.update(new Uint8Array(images.buffer));
  }
  const { readout, fix, depth, backend } = spec;
  hash.update(JSON.stringify({ readout, fix, depth, backend, version: kernelCodeVersion }));
  return hash.digest('hex');
}

const imagesOf = (set: Dataset) => ad.tensor(set.images, { shape: [set.count, ...set.shape], dtype: 'float32' });

/** Reads a cached matrix, or throws a one-line reason. */
function readMatrix(path: string, checksum: unknown, rows: number, cols: number): Matrix {
  if (!existsSync(path)) throw new Error(`${path} is missing`);
  const bytes = readFileSync(path);
  if (bytes.byteLength !== 4 * rows * cols)
    throw new Error(`${path} holds ${bytes.byteLength} bytes, not ${4 * rows * cols}`);
  if (sha256(bytes) !== checksum) throw new Error(`${path} does not match its checksum`);
  const data = Float64Array.from(
    new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)),
  );
  if (!data.every(Number.isFinite)) throw new Error(`${path} holds a non-finite entry`);
  return { rows, cols, data };
}

/**
 * The NTK of cntk({ depth, readout, fix }) over `spec.pool` and `spec.test`: from the cache in
 * `cacheDirectory` when a matching entry is there, else computed (one progress bar per matrix) and saved.
 * @example poolKernel({ label: 'CNTK-V', readout: 'vanilla', fix: false, depth: 5, pool, test, backend }, directory, true).pool.rows
 */
export function poolKernel(spec: PoolKernelSpec, cacheDirectory: string, quiet: boolean): PoolKernel {
  const fingerprint = kernelFingerprint(spec);
  const [p, t] = [spec.pool.count, spec.test.count];
  const name = `fewshot-${spec.readout}-depth${spec.depth}-pool${p}-test${t}-${fingerprint.slice(0, 16)}`;
  const indexPath = join(cacheDirectory, `${name}.json`);
  const pairs = (p * (p + 1)) / 2 + t * p;
  if (existsSync(indexPath)) {
    try {
      const index = JSON.parse(readFileSync(indexPath, 'utf8'));
      if (index.fingerprint !== fingerprint) throw new Error(`${indexPath} was computed from other inputs`);
      const pool = readMatrix(join(cacheDirectory, `${name}-pool.f32`), index.files?.pool, p, p);
      const test = readMatrix(join(cacheDirectory, `${name}-test.f32`), index.files?.test, t, p);
      return { label: spec.label, pool, test, seconds: Number(index.seconds), cached: true, pairs };
    } catch (error) {
      console.log(`ntk-small-data: kernel cache ${(error as Error).message}; a miss, computing ${spec.label} again`);
    }
  }
  const start = performance.now();
  const sweep = { depths: [spec.depth], readout: spec.readout, fix: spec.fix };
  const [poolImages, testImages] = [imagesOf(spec.pool), imagesOf(spec.test)];
  const [pool] = cntkDepthSweep(sweep, poolImages, undefined, { quiet, label: `${spec.label} pool` });
  const [test] = cntkDepthSweep(sweep, testImages, poolImages, { quiet, label: `${spec.label} test` });
  const seconds = (performance.now() - start) / 1000;
  const files: Record<string, string> = {};
  for (const [part, matrix] of [
    ['pool', pool.ntk],
    ['test', test.ntk],
  ] as const) {
    const bytes = new Uint8Array(Float32Array.from(matrix.data).buffer);
    writeFileAtomic(join(cacheDirectory, `${name}-${part}.f32`), bytes);
    files[part] = sha256(bytes);
  }
  writeFileAtomic(indexPath, `${JSON.stringify({ fingerprint, seconds, pairs, files })}\n`);
  return { label: spec.label, pool: pool.ntk, test: test.ntk, seconds, cached: false, pairs };
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
