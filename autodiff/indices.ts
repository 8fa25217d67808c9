/**
 * The indices of a gather or scatterAdd op (autodiff/ops/gather.ts), shared by the op and its
 * gradients: host indices (a checked Int32Array), or indices a resident backend made on its
 * device (maxPool2d's argmax, DeviceKernels.maxPool2dIndices).
 *
 * A backend without a device gets the host Int32Array, exactly as before device indices
 * existed. A resident backend gets device indices: host ones are uploaded on first use and the
 * copy serves the op, its gradient scatterAdd and any higher gradient; device-made ones are
 * never read back. The device copy is held like a tensor's storage (tidy.ts): freed at the end
 * of the tidy scope that made it, or when collected.
 *
 * @example
 *   const labels = OpIndices.host(Int32Array.of(2, 0), 3);
 *   labels.operand(currentBackend()); // Int32Array on cpu, DeviceIndices on gpujs in WebGL
 */
import type { Backend, DeviceIndices, DeviceKernels, Indices } from '../gpu/backend.ts';
import { hold, letGo, type Holder } from './tidy.ts';

export class OpIndices implements Holder {
  /** Every index is in [0, bound): the extent of the axis indexed. */
  readonly bound: number;
  readonly length: number;
  readonly #host: Int32Array | undefined;
  #device: DeviceIndices | undefined;
  #on: DeviceKernels | undefined;
  /** Whether this holds a share of #device (tidy.ts). */
  #held = false;

  private constructor(
    host: Int32Array | undefined,
    device: DeviceIndices | undefined,
    on: DeviceKernels | undefined,
    bound: number,
  ) {
    this.#host = host;
    this.bound = bound;
    this.length = host?.length ?? device!.length;
    if (device) this.#hold(device, on!);
  }

  /** Host indices, already checked against [0, bound). */
  static host(values: Int32Array, bound: number): OpIndices {
    return new OpIndices(values, undefined, undefined, bound);
  }

  /** Indices made on `device` (every one in [0, bound)); they are read back only if a host backend asks. */
  static device(indices: DeviceIndices, device: DeviceKernels, bound: number): OpIndices {
    if (indices.lowest < 0 || indices.bound > bound)
      throw new Error(`OpIndices.device: indices span [${indices.lowest}, ${indices.bound}), outside [0, ${bound})`);
    return new OpIndices(undefined, indices, device, bound);
  }

  /** The indices on the host (device-made ones downloaded once). */
  get data(): Int32Array {
    if (this.#host) return this.#host;
    return this.#live('read').read();
  }

  /**
   * What `backend`'s kernels take: the host array on a backend without a device; else the
   * device copy (uploaded now if there is none yet), or the host array where the device
   * takes no copy (empty, or more than its maxElements).
   */
  operand(backend: Backend): Indices {
    const device = backend.device;
    if (!device) return this.data;
    if (!this.#host) {
      // made on another device: through the host
      if (this.#on === device) return this.#live('use');
      return this.data;
    }
    if (this.#device && this.#on === device) return this.#device;
    if (this.length === 0 || this.length > device.maxElements || this.bound > device.maxElements) return this.#host;
    this.dispose();
    this.#hold(device.uploadIndices(this.#host, this.bound), device);
    return this.#device!;
  }

  /** Lets go of the device copy (host indices upload again if used again); idempotent. */
  dispose(): void {
    if (!this.#device || !this.#held) return;
    this.#held = false;
    const device = this.#device;
    // device-made indices keep the released handle, so a later use says why it fails
    if (this.#host) this.#device = undefined;
    letGo(this, device);
  }

  #hold(indices: DeviceIndices, device: DeviceKernels): void {
    this.#device = indices;
    this.#on = device;
    this.#held = true;
    hold(this, indices);
  }

  #live(action: string): DeviceIndices {
    const indices = this.#device!;
    if (indices.released)
      throw new Error(
        `gather: cannot ${action} indices made on the device after they were freed (by tidy or dispose, with the tensors of the op that made them, e.g. maxPool2d); run the gradient inside the same tidy`,
      );
    return indices;
  }
}
