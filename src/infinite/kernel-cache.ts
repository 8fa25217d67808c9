/**
 * A disk cache for kernel matrices that any paper can use (DESIGN.md, Caches): each entry is a
 * set of named matrices stored as raw little-endian float32 files beside a JSON index, in a
 * folder outside the one-run results folder (e.g. results/cache/<slug>/).
 *
 * An entry is named by a readable key and checked by a fingerprint, the SHA-256 of everything
 * its matrices are computed from (kernelCacheFingerprint: the datasets' shapes, float32 image
 * bytes and labels, and a JSON of the settings: backend, dtype, network, options and a version
 * of the code that computes them). Other images of the same sizes, or other settings, are a
 * miss. An entry that cannot be trusted (index not JSON or missing a field, another
 * fingerprint, a matrix missing, of another size, with another checksum, or holding NaN or
 * ±Infinity) is a miss too, with one line naming the file; the caller then computes again.
 *
 * float32 storage halves the disk; the values the cache returns are exactly the float32 values
 * it stored (callers that compute in float32 get their matrices back bit for bit).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Dataset } from '../data/index.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { moduleGraph, repositoryRoot, writeFileAtomic } from '../report/index.ts';

/** What an entry is computed from. */
export interface KernelCacheInputs {
  /** The image sets the matrices are computed on (shape, count, classes, images, labels are hashed). */
  datasets: readonly Dataset[];
  /** Everything else that decides the values, as JSON: backend, dtype, network, options, code version. */
  settings: unknown;
}

/** The matrices of an entry, and what computing them cost. */
export interface CachedKernels {
  matrices: Record<string, Matrix>;
  /** Seconds the computation took when it ran, and the image pairs it computed. */
  seconds: number;
  pairs: number;
  /** Whether they came from the cache on this call. */
  cached: boolean;
}

/** The JSON index of an entry. */
interface CacheIndex {
  fingerprint: string;
  seconds: number;
  pairs: number;
  /** rows, cols and SHA-256 of each matrix, by name. */
  matrices: Record<string, { rows: number; cols: number; sha256: string }>;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * A version of the code that computes a cache's kernels, for its settings: SHA-256 over the
 * repository-relative path and bytes of every source file in the module graph of `entry` (worker
 * scripts included), so that any change to that code makes older entries misses, with no
 * version number to remember to raise.
 * @example kernelSourceVersion(join(repositoryRoot, 'src', 'infinite', 'depth-sweep.ts')) // '3f2a…' (64 hex digits)
 */
export function kernelSourceVersion(entry: string): string {
  const hash = createHash('sha256');
  for (const file of moduleGraph(entry)) {
    const bytes = readFileSync(file);
    hash.update(`${relative(repositoryRoot, file).split(sep).join('/')}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/**
 * SHA-256 (hex) of an entry's inputs: each dataset's shape, count and classes, its images as
 * float32 bytes and labels as int32 bytes, then the settings as JSON.
 * @example kernelCacheFingerprint({ datasets: [train, test], settings: { backend, dtype: 'float32', depth: 4, version: 1 } })
 */
export function kernelCacheFingerprint(inputs: KernelCacheInputs): string {
  const hash = createHash('sha256');
  for (const set of inputs.datasets) {
    hash.update(JSON.stringify({ shape: set.shape, count: set.count, classes: set.classes }));
    const images = Float32Array.from(set.images);
    hash.update(new Uint8Array(images.buffer, images.byteOffset, images.byteLength));
    const labels = Int32Array.from(set.labels);
    hash.update(new Uint8Array(labels.buffer, labels.byteOffset, labels.byteLength));
  }
  hash.update(JSON.stringify(inputs.settings) ?? 'undefined');
  return hash.digest('hex');
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

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * One entry of a kernel cache: `<key>-<fingerprint prefix>.json` and one `.f32` file per matrix.
 * @example const entry = new KernelCacheEntry('results/cache/my-paper', 'cifar10-8x8-train400', fingerprint);
 */
export class KernelCacheEntry {
  readonly name: string;
  constructor(
    readonly directory: string,
    /** A readable key, e.g. "cifar10-8x8-train400-test300-seed0". */
    readonly key: string,
    readonly fingerprint: string,
    /** Where a miss other than an absent entry is reported (default console.log). */
    readonly log: (line: string) => void = (line) => console.log(line),
  ) {
    if (!NAME.test(key))
      throw new Error(`KernelCacheEntry: the key must be letters, digits, '.', '_' or '-', got ${key}`);
    if (!/^[0-9a-f]{16,}$/.test(fingerprint))
      throw new Error(`KernelCacheEntry: the fingerprint must be hex (kernelCacheFingerprint), got ${fingerprint}`);
    this.name = `${key}-${fingerprint.slice(0, 16)}`;
  }

  get indexPath(): string {
    return join(this.directory, `${this.name}.json`);
  }

  /** The file of the matrix `matrix`. */
  matrixFile(matrix: string): string {
    return `${this.name}-${matrix}.f32`;
  }

  /**
   * The cached matrices of the given sizes, or undefined on a miss (a miss other than an absent
   * entry logs one line naming the file and why).
   * @example entry.load({ train: [400, 400], test: [300, 400] })?.matrices.train
   */
  load(shapes: Readonly<Record<string, readonly [number, number]>>): CachedKernels | undefined {
    if (!existsSync(this.indexPath)) return undefined;
    try {
      const index = this.readIndex();
      const matrices: Record<string, Matrix> = {};
      for (const [name, [rows, cols]] of Object.entries(shapes))
        matrices[name] = this.readMatrix(index, name, rows, cols);
      return { matrices, seconds: index.seconds, pairs: index.pairs, cached: true };
    } catch (error) {
      if (!(error instanceof CacheMiss)) throw error;
      this.log(`kernel cache: ${error.file} ${error.message}; a miss, computing the kernels again`);
      return undefined;
    }
  }

  /**
   * Writes the matrices, then the index (an interrupted write leaves no index: a plain miss).
   * @example entry.save({ train, test }, 12.5, 1620)
   */
  save(matrices: Readonly<Record<string, Matrix>>, seconds: number, pairs: number): void {
    const index: CacheIndex = { fingerprint: this.fingerprint, seconds, pairs, matrices: {} };
    for (const [name, matrix] of Object.entries(matrices)) {
      if (!NAME.test(name))
        throw new Error(`KernelCacheEntry.save: matrix names must be letters, digits, '.', '_' or '-', got ${name}`);
      if (matrix.data.length !== matrix.rows * matrix.cols)
        throw new Error(
          `KernelCacheEntry.save: matrix ${name} is ${matrix.rows}×${matrix.cols} but holds ${matrix.data.length} values`,
        );
      const bytes = new Uint8Array(Float32Array.from(matrix.data).buffer);
      writeFileAtomic(join(this.directory, this.matrixFile(name)), bytes);
      index.matrices[name] = { rows: matrix.rows, cols: matrix.cols, sha256: sha256(bytes) };
    }
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
      !finite(record.seconds) ||
      !finite(record.pairs) ||
      typeof record.matrices !== 'object' ||
      record.matrices === null
    )
      throw new CacheMiss(path, 'lacks fingerprint, seconds, pairs or matrices');
    if (record.fingerprint !== this.fingerprint)
      throw new CacheMiss(path, `was computed from other inputs (fingerprint ${record.fingerprint.slice(0, 16)}…)`);
    return record as CacheIndex;
  }

  private readMatrix(index: CacheIndex, name: string, rows: number, cols: number): Matrix {
    const listed = index.matrices[name];
    if (!listed || typeof listed.sha256 !== 'string') throw new CacheMiss(this.indexPath, `lists no matrix ${name}`);
    if (listed.rows !== rows || listed.cols !== cols)
      throw new CacheMiss(this.indexPath, `lists ${name} as ${listed.rows}×${listed.cols}, not ${rows}×${cols}`);
    const path = join(this.directory, this.matrixFile(name));
    if (!existsSync(path)) throw new CacheMiss(path, 'is missing');
    const bytes = readFileSync(path);
    if (bytes.byteLength !== 4 * rows * cols)
      throw new CacheMiss(
        path,
        `holds ${bytes.byteLength} bytes, not the ${4 * rows * cols} of a ${rows}×${cols} matrix`,
      );
    if (sha256(bytes) !== listed.sha256) throw new CacheMiss(path, 'does not match the checksum in its index');
    const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const data = Float64Array.from(values);
    const bad = data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new CacheMiss(path, `holds ${data[bad]} at entry ${bad}`);
    return { rows, cols, data };
  }
}

/**
 * The entry's matrices from the cache, or computed by `compute` (timed) and saved.
 * @example const { matrices, cached } = cachedKernels(entry, { train: [n, n] }, () => ({ train: ntkMatrix(network, x) }), pairs)
 */
export function cachedKernels(
  entry: KernelCacheEntry,
  shapes: Readonly<Record<string, readonly [number, number]>>,
  compute: () => Record<string, Matrix>,
  pairs: number,
): CachedKernels {
  const loaded = entry.load(shapes);
  if (loaded) return loaded;
  const start = performance.now();
  const matrices = compute();
  const seconds = (performance.now() - start) / 1000;
  for (const [name, [rows, cols]] of Object.entries(shapes)) {
    const matrix = matrices[name];
    if (!matrix || matrix.rows !== rows || matrix.cols !== cols)
      throw new Error(
        `cachedKernels: compute() must return ${name} as ${rows}×${cols}, got ${matrix ? `${matrix.rows}×${matrix.cols}` : 'nothing'}`,
      );
  }
  entry.save(matrices, seconds, pairs);
  // the values as stored (float32), so a computed run and a cached one see the same numbers
  const stored = Object.fromEntries(
    Object.entries(matrices).map(([name, matrix]) => [
      name,
      { ...matrix, data: Float64Array.from(Float32Array.from(matrix.data)) },
    ]),
  );
  return { matrices: stored, seconds, pairs, cached: false };
}
