/**
 * The immutable Tensor: a shape, a dtype, flat row-major storage, and (when produced by
 * a recorded op) the node linking it to its inputs. Operations return new tensors; the
 * storage of an existing tensor is never written after construction.
 *
 * Storage is host (a typed array) or device (a resident backend's DeviceStorage, e.g. a
 * gpu.js texture): `data` reads device storage back once and caches it, so host code sees
 * a typed array either way. Device storage is freed by `dispose()` or `tidy` (tidy.ts).
 *
 * @example
 *   const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 *   const loss = x.mul(x).sum();
 *   loss.backward();
 *   x.grad!.toArray(); // [2, 4, 6, 8]
 */
import { isData, type Data, type DeviceKernels, type DeviceStorage, type DType, type Storage } from '../gpu/backend.ts';
import { sizeOf } from '../gpu/shape.ts';
import { shapeText, type Node } from './op.ts';
import * as ops from './ops/index.ts';
import { backward } from './engine.ts';
import { checkOptions } from './arguments.ts';
import { currentScope, hold, holdCopy, letGo, type Holder } from './tidy.ts';

type Operand = Tensor | number;

/** A host tensor's copy on one resident backend's device, held like device storage (tidy.ts). */
class DeviceCopy implements Holder {
  #held = true;

  constructor(
    readonly owner: Tensor,
    readonly device: DeviceKernels,
    readonly storage: DeviceStorage,
    private readonly onDispose: (copy: DeviceCopy) => void,
  ) {}

  dispose(): void {
    if (!this.#held) return;
    this.#held = false;
    letGo(this, this.storage);
    this.onDispose(this);
  }
}

export class Tensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The op that produced this tensor, when it was recorded for differentiation. */
  readonly node: Node | undefined;
  /** Whether gradients flow to this tensor: leaves opt in, op outputs inherit it. */
  readonly requiresGrad: boolean;
  /** Filled by backward() on leaves that require grad (summed over calls, as in PyTorch). */
  grad: Tensor | undefined;
  #storage: Storage;
  #disposed = false;
  /** Host storage's copy on a resident backend's device, made by upload(). */
  #copy: DeviceCopy | undefined;
  /** The tidy scope open at creation: it frees the device copy unless the tensor is returned or kept. */
  readonly #scope = currentScope();

  constructor(storage: Storage, shape: readonly number[], dtype: DType, node?: Node, requiresGrad = false) {
    if (storage.length !== sizeOf(shape)) {
      throw new Error(
        `Tensor: storage has ${storage.length} elements but shape ${shapeText(shape)} needs ${sizeOf(shape)}`,
      );
    }
    if (!isData(storage)) {
      if (storage.released) throw new Error('Tensor: device storage was already released');
      hold(this, storage);
    }
    this.#storage = storage;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.node = node;
    this.requiresGrad = node !== undefined || requiresGrad;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.#storage.length;
  }

  /** Host or device storage, as ops hand it to the backend: host storage's device copy once upload() made one. */
  get storage(): Storage {
    return this.#copy?.storage ?? this.#own();
  }

  /** The values as host storage: device storage is read back on first use, then cached; host storage as is (never its copy). */
  get data(): Data {
    const storage = this.#own();
    return isData(storage) ? storage : storage.read();
  }

  /**
   * Copies host storage to a resident backend's device once (apply() calls this before a
   * kernel runs, so creation never uploads and reuse never re-uploads); `data` stays the host
   * array. The copy is freed by dispose(), at the end of the tidy scope the tensor was created
   * in (unless it is returned or kept), or when another device asks. A no-op for device
   * storage, empty tensors and those beyond `device.maxElements`.
   * @example x.upload(backend.device!); x.storage // the device copy
   */
  upload(device: DeviceKernels): void {
    const own = this.#own();
    if (!isData(own) || own.length === 0 || own.length > device.maxElements) return;
    if (this.#copy?.device === device) return;
    this.#copy?.dispose();
    const copy = new DeviceCopy(this, device, device.upload(own), (done) => {
      if (this.#copy === done) this.#copy = undefined;
    });
    this.#copy = copy;
    holdCopy(copy, copy.storage, this.#scope);
  }

  #own(): Storage {
    if (this.#disposed) throw new Error(`Tensor: used after dispose() (${this.dtype}, shape ${shapeText(this.shape)})`);
    return this.#storage;
  }

  /** Whether the values live on a device (until read back or disposed). */
  get onDevice(): boolean {
    return !isData(this.#storage);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Lets go of the storage: device storage is freed once no other tensor shares it; later use throws. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#copy?.dispose();
    if (!isData(this.#storage)) letGo(this, this.#storage as DeviceStorage);
  }

  /** A copy of the values as a plain array, row-major. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new Error(`item: tensor must have exactly one element, got shape ${shapeText(this.shape)}`);
    return this.data[0];
  }

  /** The same values as a new leaf, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype);
  }

  /** The same values as a new leaf that requires grad. */
  requireGrad(): Tensor {
    return new Tensor(this.storage, this.shape, this.dtype, undefined, true);
  }

  /** Reverse-mode differentiation from this tensor into every leaf's `.grad`. */
  backward(seed?: Tensor, options: { createGraph?: boolean } = {}): void {
    backward(this, seed, checkOptions('backward', options).createGraph ?? false);
  }

  toString(): string {
    const values = this.size <= 8 ? this.toArray().join(', ') : `${this.toArray().slice(0, 8).join(', ')}, …`;
    return `Tensor(${this.dtype}, ${shapeText(this.shape)}, [${values}])`;
  }

  // Arithmetic (broadcasting like NumPy)
  add(other: Operand): Tensor {
    return ops.add(this, other);
  }
  sub(other: Operand): Tensor {
    return ops.sub(this, other);
  }
  mul(other: Operand): Tensor {
    return ops.mul(this, other);
  }
  div(other: Operand): Tensor {
    return ops.div(this, other);
  }
  pow(other: Operand): Tensor {
    return ops.pow(this, other);
  }
  maximum(other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  minimum(other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  eq(other: Operand): Tensor {
    return ops.eq(this, other);
  }
  ne(other: Operand): Tensor {
    return ops.ne(this, other);
  }
  lt(other: Operand): Tensor {
    return ops.lt(this, other);
  }
  le(other: Operand): Tensor {
    return ops.le(this, other);
  }
  gt(other: Operand): Tensor {
    return ops.gt(this, other);
  }
  ge(other: Operand): Tensor {
    return ops.ge(this, other);
  }

  // Elementwise maps
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  sin(): Tensor {
    return ops.sin(this);
  }
  cos(): Tensor {
    return ops.cos(this);
  }
  arccos(): Tensor {
    return ops.arccos(this);
  }
  sign(): Tensor {
    return ops.sign(this);
  }
  square(): Tensor {
    return ops.mul(this, this);
  }

  // Reductions
  sum(axes?: number | readonly number[], keepDims = false): Tensor {
    return ops.sum(this, axes, keepDims);
  }
  mean(axes?: number | readonly number[], keepDims = false): Tensor {
    return ops.mean(this, axes, keepDims);
  }
  max(axes?: number | readonly number[], keepDims = false): Tensor {
    return ops.max(this, axes, keepDims);
  }
  min(axes?: number | readonly number[], keepDims = false): Tensor {
    return ops.min(this, axes, keepDims);
  }
  argmax(axis: number, keepDims = false): Tensor {
    return ops.argmax(this, axis, keepDims);
  }

  // Linear algebra
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }

  // Shape
  reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  flatten(startAxis = 0): Tensor {
    return ops.flatten(this, startAxis);
  }
  permute(perm: readonly number[]): Tensor {
    return ops.permute(this, perm);
  }
  /** Swaps the last two axes (a matrix transpose, batched). */
  transpose(): Tensor {
    return ops.transpose(this);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  pad(padding: readonly (readonly [number, number])[], value = 0): Tensor {
    return ops.pad(this, padding, value);
  }
  slice(begin: readonly number[], size: readonly number[]): Tensor {
    return ops.slice(this, begin, size);
  }
  gather(axis: number, indices: Int32Array | readonly number[], indexShape?: readonly number[]): Tensor {
    return ops.gather(this, axis, indices, indexShape);
  }
  cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
  /** Elementwise choice with this tensor as the condition: ifTrue where ≠ 0, else ifFalse. */
  where(ifTrue: Operand, ifFalse: Operand): Tensor {
    return ops.where(this, ifTrue, ifFalse);
  }
}
