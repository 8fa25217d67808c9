/**
 * cntk-exact's kernel cache: the float32 NTK matrices of one depth sweep, one raw
 * little-endian float32 file per matrix and a JSON index, under results/cache/cntk-exact/
 * (or `--cache DIR`), outside the one-run results folder that each run replaces.
 *
 * An entry is named and checked by a fingerprint of everything the matrices are computed
 * from: the images' float32 bytes and the labels of the train and test sets (with their
 * shapes), the backend and dtype, the readout, fix and depths, and `kernelCodeVersion` (a hash
 * of the kernel code's source files). A
 * cache built on other images of the same sizes is therefore a miss, never a silent reuse.
 * An entry that cannot be trusted (index missing a field or not JSON, another fingerprint,
 * a matrix missing, truncated, with another checksum, or holding NaN or ±Infinity) is a
 * miss too, with one line naming the file; the kernels are then computed again.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Dataset } from '../../src/data/index.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import { defaultResultsRoot, moduleGraph, repositoryRoot, writeFileAtomic } from '../../src/report/index.ts';

/**
 * The version of the code that computes the cached kernels: SHA-256 over the path and bytes of
 * every source file in the module graph of src/infinite/depth-sweep.ts (the kernel layers,
 * the autodiff tensors and the cpu and gpujs kernel steps it runs, worker scripts included),
 * so that any change to that code makes older entries misses, with no version to remember to raise.
 */
export const kernelCodeVersion: string = (() => {
  const hash = createHash('sha256');
  for (const file of moduleGraph(join(repositoryRoot, 'src', 'infinite', 'depth-sweep.ts'))) {
    const bytes = readFileSync(file);
    hash.update(`${relative(repositoryRoot, file).split(sep).join('/')}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
})();

/** The cache's folder when `--cache` is not given: results/cache/cntk-exact/ of the repository. */
export const defaultCacheDirectory: string = join(defaultResultsRoot, 'cache', 'cntk-exact');

/** What one entry is computed from; its SHA-256 is the entry's fingerprint. */
export interface CacheInputs {
  train: Dataset;
  test: Dataset;
  /** The backend line, e.g. "cpu (plain TypeScript on typed arrays)". */
  backend: string;
  dtype: 'float32';
  readout: 'vanilla' | 'gap';
  fix: boolean;
  depths: readonly number[];
}

/** The NTK matrices of one depth: train × train and test × train. */
export interface DepthKernels {
  depth: number;
  train: Matrix;
  test: Matrix;
}

/** The JSON index of an entry. */
interface CacheIndex {
  fingerprint: string;
  depths: number[];
  seconds: number;
  pairs: number;
  /** SHA-256 of each matrix file, by file name. */
  files: Record<string, string>;
}

/**
 * SHA-256 (hex) of the inputs: each set's shape, count, classes, float32 image bytes and
 * int32 label bytes, then the backend, dtype, readout, fix, depths and kernelCodeVersion.
 * @example cacheFingerprint({ train, test, backend: 'cpu', dtype: 'float32', readout: 'gap', fix: true, depths: [3] })
 */
export function cacheFingerprint(inputs: CacheInputs): string {
  const hash = createHash('sha256');
  for (const set of [inputs.train, inputs.test]) {
    hash.update(JSON.stringify({ shape: set.shape, count: set.count, classes: set.classes }));
    const images = Float32Array.from(set.images);
    hash.update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
    const labels = Int32Array.from(set.labels);
    hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  }
  const { backend, dtype, readout, fix, depths } = inputs;
  hash.update(JSON.stringify({ backend, dtype, readout, fix, depths, version: kernelCodeVersion }));
  return hash.digest('hex');
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** An entry of the cache: its files, from the readable key and the fingerprint. */
export class KernelCacheEntry {
  readonly name: string;
  constructor(
    readonly directory: string,
    /** e.g. "cifar10-8x8-train40-test20-seed0-vanilla-nofix-float32". */
    readonly key: string,
    readonly fingerprint: string,
  ) {
    this.name = `${key}-${fingerprint.slice(0, 16)}`;
  }

  get indexPath(): string {
    return join(this.directory, `${this.name}.json`);
  }

  matrixFile(depth: number, part: 'train' | 'test'): string {
    return `${this.name}-depth${depth}-${part}.f32`;
  }

  /**
   * The cached kernels of `depths` (train n×n, test t×n), or undefined on a miss; a miss
   * other than an absent entry prints one line naming the file and why.
   * @example new KernelCacheEntry(directory, key, fingerprint).load([3, 4], 40, 20)
   */
  load(
    depths: readonly number[],
    trainCount: number,
    testCount: number,
  ): { kernels: DepthKernels[]; seconds: number; pairs: number } | undefined {
    if (!existsSync(this.indexPath)) return undefined;
    try {
      const index = this.readIndex();
      const kernels = depths.map((depth) => ({
        depth,
        train: this.readMatrix(index, this.matrixFile(depth, 'train'), trainCount, trainCount),
        test: this.readMatrix(index, this.matrixFile(depth, 'test'), testCount, trainCount),
      }));
      return { kernels, seconds: index.seconds, pairs: index.pairs };
    } catch (error) {
      if (!(error instanceof CacheMiss)) throw error;
      console.log(`cntk-exact: kernel cache ${error.file} ${error.message}; a miss, computing the kernels again`);
      return undefined;
    }
  }

  /**
   * Writes the matrices, then the index (so an interrupted write leaves no index, a plain miss).
   * @example entry.save(kernels, 12.5, 1620)
   */
  save(kernels: readonly DepthKernels[], seconds: number, pairs: number): void {
    const files: Record<string, string> = {};
    for (const { depth, train, test } of kernels) {
      for (const [part, matrix] of [
        ['train', train],
        ['test', test],
      ] as const) {
        const values = Float32Array.from(matrix.data);
        const bytes = new Uint8Array(values.buffer);
        const file = this.matrixFile(depth, part);
        writeFileAtomic(join(this.directory, file), bytes);
        files[file] = sha256(bytes);
      }
    }
    const depths = kernels.map((entry) => entry.depth);
    const index: CacheIndex = { fingerprint: this.fingerprint, depths, seconds, pairs, files };
    writeFileAtomic(this.indexPath, `${JSON.stringify(index)}\n`);
  }

  private readIndex(): CacheIndex {
    const path = this.indexPath;
    let index: unknown;
    try {
      index = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new CacheMiss(path, `is not valid JSON (${(error as Error).message})`);
    }
    const record = index as Partial<CacheIndex> | null;
    const finite = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;
    if (
      typeof record !== 'object' ||
      record === null ||
      typeof record.fingerprint !== 'string' ||
      !Array.isArray(record.depths) ||
      !finite(record.seconds) ||
      !finite(record.pairs) ||
      typeof record.files !== 'object' ||
      record.files === null
    )
      throw new CacheMiss(path, 'lacks fingerprint, depths, seconds, pairs or files');
    if (record.fingerprint !== this.fingerprint)
      throw new CacheMiss(path, `was computed from other inputs (fingerprint ${record.fingerprint.slice(0, 16)}…)`);
    return record as CacheIndex;
  }

  private readMatrix(index: CacheIndex, file: string, rows: number, cols: number): Matrix {
    const path = join(this.directory, file);
    const expected = index.files[file];
    if (typeof expected !== 'string') throw new CacheMiss(this.indexPath, `lists no ${file}`);
    if (!existsSync(path)) throw new CacheMiss(path, 'is missing');
    const bytes = readFileSync(path);
    if (bytes.byteLength !== 4 * rows * cols)
      throw new CacheMiss(
        path,
        `holds ${bytes.byteLength} bytes, not the ${4 * rows * cols} of a ${rows}×${cols} matrix`,
      );
    if (sha256(bytes) !== expected) throw new CacheMiss(path, 'does not match the checksum in its index');
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const data = Float64Array.from(values);
    const bad = data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new CacheMiss(path, `holds ${data[bad]} at entry ${bad}`);
    return { rows, cols, data };
  }
}

/** Why an entry cannot be used, and the file at fault. */
class CacheMiss extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}
