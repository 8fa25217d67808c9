/**
 * Device storage of the gpujs backend in its WebGL modes: a gpu.js pipeline texture
 * (a kernel built with `pipeline: true` returns its output as a texture that the next
 * kernel reads in place, gpu.js docs "Pipelining"), read back on demand and deleted on
 * release. A counter of live textures lets tests bound leaks.
 *
 * @example
 *   const storage = new TextureStorage(kernel(x), 6, counter);
 *   storage.read();    // Float32Array(6), downloaded once
 *   storage.release(); // texture.delete()
 */
import type { DeviceIndices, DeviceStorage, Pool2dSpec } from '../backend.ts';
import { flatten } from './results.ts';

/** The part of a gpu.js texture used here (gpu.js's Texture class). */
export interface GpuTexture {
  /** gpu.js's argument type, e.g. 'ArrayTexture(1)'. */
  readonly type: string;
  /** The producing kernel's output extents. */
  readonly output: readonly number[];
  toArray(): unknown;
  delete(): void;
}

/** How many textures the backend holds (created minus released), and the host↔device copies made. */
export interface TextureCounter {
  live: number;
  /** Host arrays copied to the GPU: uploads, and host arguments of kernels (gpu.js copies them on each call). */
  uploads: number;
  /** Results copied back to the host: texture reads, and kernels run with host results. */
  downloads: number;
}

export class TextureStorage implements DeviceStorage {
  readonly dtype = 'float32' as const;
  readonly length: number;
  #texture: GpuTexture | undefined;
  #values: Float32Array | undefined;
  readonly #counter: TextureCounter;
  readonly #onRelease: () => void;

  /** `onRelease` runs after the texture is deleted (the runtime destroys a retired kernel there). */
  constructor(texture: GpuTexture, length: number, counter: TextureCounter, onRelease: () => void = () => {}) {
    this.#texture = texture;
    this.length = length;
    this.#counter = counter;
    this.#onRelease = onRelease;
    counter.live++;
  }

  get released(): boolean {
    return this.#texture === undefined;
  }

  /** The texture, for a kernel argument; throws once released. */
  get texture(): GpuTexture {
    if (!this.#texture) throw new Error('gpujs: a released texture was passed to a kernel (its tensor was disposed)');
    return this.#texture;
  }

  read(): Float32Array {
    if (this.#values) return this.#values;
    const texture = this.texture;
    const cells = texture.output.reduce((product, extent) => product * extent, 1);
    this.#counter.downloads++;
    this.#values = flatten(texture.toArray(), cells, this.length, 'read');
    return this.#values;
  }

  release(): void {
    if (!this.#texture) return;
    this.#texture.delete();
    this.#texture = undefined;
    this.#counter.live--;
    this.#onRelease();
  }
}

/**
 * Gather/scatter indices on the GPU: a float32 texture of integers (exact: every index is
 * below 2²³, runtime.ts's MAX_KERNEL_ELEMENTS), with the range its producer guarantees.
 * @example
 *   const indices = new TextureIndices(runtime.upload(Float32Array.of(2, 0)), 0, 3);
 *   indices.read(); // Int32Array [2, 0], downloaded once
 */
export class TextureIndices implements DeviceIndices {
  readonly storage: TextureStorage;
  readonly lowest: number;
  readonly bound: number;
  /** For a max-pooling argmax: its geometry (each index lies in its own window), which lets scatterAdd visit only the windows over each cell. */
  readonly window: Pool2dSpec | undefined;
  #values: Int32Array | undefined;

  constructor(storage: TextureStorage, lowest: number, bound: number, window?: Pool2dSpec) {
    this.storage = storage;
    this.lowest = lowest;
    this.bound = bound;
    this.window = window;
  }

  get length(): number {
    return this.storage.length;
  }

  get released(): boolean {
    return this.storage.released;
  }

  read(): Int32Array {
    this.#values ??= Int32Array.from(this.storage.read());
    return this.#values;
  }

  release(): void {
    this.storage.release();
  }
}
