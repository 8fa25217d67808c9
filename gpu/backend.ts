/**
 * The one narrow interface between the autodiff engine and the kernels.
 *
 * Host storage (`Data`) is a flat, row-major (C-order) typed array: Float32Array for
 * 'float32' and Float64Array for 'float64'. A resident backend (gpujs in its WebGL modes)
 * also offers the same kernels on `DeviceStorage`, values kept on its device until read.
 * Shapes travel beside the storage as plain number arrays.
 * Kernels never mutate their inputs; each returns freshly allocated storage. Argument
 * validation (shape agreement, index ranges) happens once, in the autodiff layer,
 * before any kernel runs: a kernel may assume its arguments are consistent.
 */
import type { ChannelKernels } from './channels.ts';
import type { InfiniteKernels } from './infinite.ts';

export type DType = 'float32' | 'float64';
export type Data = Float32Array | Float64Array;

/**
 * Values a resident backend keeps on its device (a gpu.js texture): read back on demand,
 * freed explicitly. `read()` downloads once and caches; after `release()` the device
 * memory is gone and `read()` throws (unless it was read before).
 * @example const host = storage.read(); storage.release();
 */
export interface DeviceStorage {
  readonly dtype: DType;
  readonly length: number;
  /** The values as host storage (downloaded on the first call, then cached). */
  read(): Data;
  /** Frees the device memory; idempotent. */
  release(): void;
  readonly released: boolean;
}

/** Either kind of storage: what a Tensor holds. */
export type Storage = Data | DeviceStorage;

/**
 * Gather/scatter indices a resident backend keeps on its device (maxPool2d's argmax, or host
 * indices uploaded once): read back on demand, freed explicitly, like DeviceStorage. `lowest`
 * and `bound` are what the producer guarantees (every index in [lowest, bound)), so a kernel
 * checks its range without reading the values back.
 * @example const host = indices.read(); indices.release();
 */
export interface DeviceIndices {
  readonly length: number;
  /** No index is below this (−1 where an all-padding pooling window has no maximum). */
  readonly lowest: number;
  /** Every index is below this. */
  readonly bound: number;
  /** The indices on the host (downloaded on the first call, then cached). */
  read(): Int32Array;
  /** Frees the device memory; idempotent. */
  release(): void;
  readonly released: boolean;
}

/** Either kind of indices: what gather and scatterAdd take on a resident backend's `device` set. */
export type Indices = Int32Array | DeviceIndices;

/** True for host storage (a typed array), false for device storage. */
export function isData(storage: Storage): storage is Data {
  return storage instanceof Float32Array || storage instanceof Float64Array;
}

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'sin'
  | 'cos'
  | 'arccos'
  /** sign(x) ∈ {−1, 0, 1} */
  | 'sign'
  /** step(x) = 1 if x > 0 else 0: the derivative of relu */
  | 'step';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  /** Comparisons return 1 or 0 in the inputs' dtype. */
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';

/** Batched matrix product C[b] = op(A[b]) · op(B[b]), op = identity or transpose. */
export interface MatmulSpec {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** A[b] is stored as [k, m] and used transposed. */
  transposeA: boolean;
  /** B[b] is stored as [n, k] and used transposed. */
  transposeB: boolean;
  /** Elements between consecutive A (B) matrices; 0 reuses one matrix for every batch. */
  strideA: number;
  strideB: number;
}

/** 2-D convolution geometry, NCHW input [N, C, H, W], weights [O, C/groups, KH, KW]. */
export interface Conv2dSpec {
  batch: number;
  inChannels: number;
  outChannels: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  groups: number;
}

/** Max-pooling geometry on NCHW input; padded positions never win (they act as −∞). */
export interface Pool2dSpec {
  batch: number;
  channels: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  outHeight: number;
  outWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
}

/**
 * The kernels that read and write storage of type S, indexed by indices of type I: host
 * `Data` and `Int32Array` on every backend, and `Storage` and `Indices` (host or device) on a
 * resident backend's `device` set.
 */
export interface Kernels<S extends Storage = Data, I extends Indices = Int32Array> {
  cast(x: S, dtype: DType): S;

  unary(op: UnaryOp, x: S): S;
  /** Elementwise with NumPy broadcasting of aShape and bShape to outShape. */
  binary(
    op: BinaryOp,
    a: S,
    aShape: readonly number[],
    b: S,
    bShape: readonly number[],
    outShape: readonly number[],
  ): S;
  /** where(cond ≠ 0, a, b), all three broadcast to outShape. */
  where(
    cond: S,
    condShape: readonly number[],
    a: S,
    aShape: readonly number[],
    b: S,
    bShape: readonly number[],
    outShape: readonly number[],
  ): S;

  /** Reduce over `axes` (sorted, distinct); the result has those axes removed. */
  reduce(op: ReduceOp, x: S, shape: readonly number[], axes: readonly number[]): S;
  /**
   * Index of the first maximum along `axis`; the axis is removed. Float64Array where the
   * backend computes float64 (exact indices to 2^53), else Float32Array (exact below 2^24).
   */
  argmax(x: S, shape: readonly number[], axis: number): S;

  /** Output axis i is input axis perm[i]. */
  permute(x: S, shape: readonly number[], perm: readonly number[]): S;
  broadcastTo(x: S, shape: readonly number[], outShape: readonly number[]): S;
  /** Constant padding: axis i gets padding[i][0] values before and padding[i][1] after. */
  pad(x: S, shape: readonly number[], padding: readonly (readonly [number, number])[], value: number): S;
  /** The block starting at `begin` with extent `size` (steps of 1). */
  slice(x: S, shape: readonly number[], begin: readonly number[], size: readonly number[]): S;
  concat(xs: readonly S[], shapes: readonly (readonly number[])[], axis: number): S;
  /** out[..., j, ...] = x[..., indices[..., j, ...], ...] along `axis` (indices has out's shape). */
  gather(x: S, shape: readonly number[], axis: number, indices: I, indexShape: readonly number[]): S;
  /**
   * The transpose of gather: out (of outShape) starts at 0 and out[..idx..] += src[..], each
   * output's sources added in their order along `axis` (deterministic, the same on every backend).
   */
  scatterAdd(src: S, indices: I, indexShape: readonly number[], axis: number, outShape: readonly number[]): S;

  matmul(a: S, b: S, spec: MatmulSpec): S;

  conv2d(x: S, weight: S, spec: Conv2dSpec): S;
  /** ∂L/∂x of conv2d given ∂L/∂y (the transposed convolution). */
  conv2dInputGrad(outGrad: S, weight: S, spec: Conv2dSpec): S;
  /** ∂L/∂w of conv2d given x and ∂L/∂y. */
  conv2dWeightGrad(x: S, outGrad: S, spec: Conv2dSpec): S;
}

export interface Backend extends Kernels<Data> {
  /** 'cpu' or 'gpujs'. */
  readonly name: string;
  /** A human-readable line: which backend and, for gpu.js, which mode. */
  describe(): string;
  /** The dtypes this backend computes in. */
  readonly dtypes: readonly DType[];

  /** Copy of `values` as storage of `dtype`. */
  fromArray(values: ArrayLike<number>, dtype: DType): Data;
  fill(size: number, value: number, dtype: DType): Data;
  /** For each output cell, the flat index (h·W + w) within its input plane of the window's maximum. */
  maxPool2dIndices(x: Data, spec: Pool2dSpec): Int32Array;

  /** `size` draws from U[low, high) of the project's seeded generator (gpu/random.ts). */
  randomUniform(size: number, seed: number, low: number, high: number, dtype: DType): Data;
  /** `size` draws from N(mean, std²) of the project's seeded generator. */
  randomNormal(size: number, seed: number, mean: number, std: number, dtype: DType): Data;

  /** The covariance steps of the infinite-width kernels (src/infinite), on the band layout of gpu/infinite.ts. */
  readonly infinite: InfiniteKernels;

  /** BatchNorm's fused per-channel kernels (gpu/channels.ts) on host storage, where a backend has them (cpu). */
  readonly channels?: ChannelKernels;

  /**
   * Present on a resident backend only: the kernels on device storage, whose results stay
   * on the device until read. Absent, every op runs on host storage (the cpu backend,
   * gpujs in webasm and cpu modes).
   */
  readonly device?: DeviceKernels;
}

/** A resident backend's kernels: inputs host or device storage (and indices), results on the device. */
export interface DeviceKernels extends Kernels<Storage, Indices> {
  /** Copies host storage to the device. */
  upload(data: Data): DeviceStorage;
  /** Copies host indices (all in [0, bound)) to the device, for gather and scatterAdd to share. */
  uploadIndices(indices: Int32Array, bound: number): DeviceIndices;
  /** Device storages and indices created and not yet released: the number a leak test bounds. */
  liveCount(): number;
  /** Backend.maxPool2dIndices on host or device storage: computed and kept on the device (nothing comes back). */
  maxPool2dIndices(x: Storage, spec: Pool2dSpec): DeviceIndices;
  /** The largest storage `upload` takes (elements); the autodiff layer keeps larger host tensors on the host. */
  readonly maxElements: number;
  /**
   * Host↔device copies so far: host arrays sent to the device (uploads, and host arguments
   * of device kernels) and results brought back (reads, host results): what a test of
   * residency counts.
   */
  transfers(): { uploads: number; downloads: number };
}
