/**
 * A resident backend whose "device" is host memory: the cpu backend's kernels, with every
 * result wrapped as DeviceStorage. It exercises the device protocol of gpu/backend.ts
 * (read-back, release, live count) in the autodiff layer without a GPU.
 */
import {
  type Backend,
  type Data,
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

/** The cpu backend made resident on HeldStorage; `live` counts unreleased storages. */
export function residentDouble(): Backend & { device: DeviceKernels; uploads: number } {
  let live = 0;
  const held = (values: Data): HeldStorage => {
    live++;
    return new HeldStorage(values, () => live--);
  };
  const host = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(host) : value instanceof HeldStorage ? value.read() : value;
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
    device: {
      ...kernels,
      upload(data: Data) {
        backend.uploads++;
        return held(data);
      },
      liveCount: () => live,
      maxElements: 2 ** 23,
      maxPool2dIndices: (x: Storage, spec: Pool2dSpec) => cpuBackend.maxPool2dIndices(host(x) as Data, spec),
      transfers: () => ({ uploads: backend.uploads, downloads: 0 }),
    },
  };
  return backend;
}
