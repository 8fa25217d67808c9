/**
 * A resident backend whose "device" is host memory: the cpu backend's kernels, with every
 * result wrapped as DeviceStorage. It exercises the device protocol of gpu/backend.ts
 * (read-back, release, live count) in the autodiff layer without a GPU.
 */
import {
  type Backend,
  type Data,
  type DeviceIndices,
  type DeviceKernels,
  type DeviceStorage,
  type Kernels,
  type Pool2dSpec,
  type Storage,
} from '../../gpu/backend.ts';
import { cpuBackend } from '../../gpu/cpu/index.ts';

/** Host memory posing as device memory; counts reads so tests can see round trips. */
export class HeldStorage implements DeviceStorage {
  readonly dtype;
  readonly length: number;
  reads = 0;
  #values: Data | undefined;
  #onRelease: () => void;

  constructor(values: Data, onRelease: () => void) {
    this.dtype = values instanceof Float64Array ? ('float64' as const) : ('float32' as const);
    this.length = values.length;
    this.#values = values;
    this.#onRelease = onRelease;
  }
  get released(): boolean {
    return this.#values === undefined;
  }
  read(): Data {
    if (!this.#values) throw new Error('HeldStorage.read: storage was released');
    this.reads++;
    return this.#values;
  }
  release(): void {
    if (!this.#values) return;
    this.#values = undefined;
    this.#onRelease();
  }
}

/** Host indices posing as device indices; counts reads (a device-made index array never needs one). */
export class HeldIndices implements DeviceIndices {
  readonly length: number;
  reads = 0;
  #values: Int32Array | undefined;
  #onRelease: () => void;

  constructor(
    values: Int32Array,
    readonly lowest: number,
    readonly bound: number,
    onRelease: () => void,
  ) {
    this.length = values.length;
    this.#values = values;
    this.#onRelease = onRelease;
  }
  get released(): boolean {
    return this.#values === undefined;
  }
  /** The values for the kernels (not a read-back: the double's kernels run on the host). */
  get values(): Int32Array {
    if (!this.#values) throw new Error('HeldIndices: indices were released');
    return this.#values;
  }
  read(): Int32Array {
    this.reads++;
    return this.values;
  }
  release(): void {
    if (!this.#values) return;
    this.#values = undefined;
    this.#onRelease();
  }
}

const KERNELS = [
  'cast',
  'unary',
  'binary',
  'where',
  'reduce',
  'argmax',
  'permute',
  'broadcastTo',
  'pad',
  'slice',
  'concat',
  'gather',
  'scatterAdd',
  'matmul',
  'conv2d',
  'conv2dInputGrad',
  'conv2dWeightGrad',
] as const satisfies readonly (keyof Kernels)[];

/** The cpu backend made resident on HeldStorage and HeldIndices; `live` counts unreleased ones. */
export function residentDouble(): Backend & { device: DeviceKernels; uploads: number; indexUploads: number } {
  let live = 0;
  const held = (values: Data): HeldStorage => {
    live++;
    return new HeldStorage(values, () => live--);
  };
  const heldIndices = (values: Int32Array, lowest: number, bound: number): HeldIndices => {
    live++;
    return new HeldIndices(values, lowest, bound, () => live--);
  };
  const host = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(host)
      : value instanceof HeldStorage
        ? value.read()
        : value instanceof HeldIndices
          ? value.values
          : value;
  const kernels = Object.fromEntries(
    KERNELS.map((name) => [
      name,
      (...args: unknown[]) => held((cpuBackend[name] as (...a: unknown[]) => Data)(...args.map(host))),
    ]),
  ) as unknown as Kernels<Storage>;
  const backend = {
    ...cpuBackend,
    name: 'resident-double',
    uploads: 0,
    indexUploads: 0,
    device: {
      ...kernels,
      upload(data: Data) {
        backend.uploads++;
        return held(data);
      },
      liveCount: () => live,
      maxElements: 2 ** 23,
      uploadIndices(indices: Int32Array, bound: number) {
        backend.indexUploads++;
        return heldIndices(indices, 0, bound);
      },
      maxPool2dIndices: (x: Storage, spec: Pool2dSpec) =>
        heldIndices(cpuBackend.maxPool2dIndices(host(x) as Data, spec), 0, spec.inHeight * spec.inWidth),
      transfers: () => ({ uploads: backend.uploads, downloads: 0 }),
    },
  };
  return backend;
}
