/**
 * The gpujs backend: the Backend interface computed in float32 by gpu.js kernels.
 *
 * gpu.js is loaded (synchronously) only when createGpuJsBackend() is called, and its
 * mode is pinned (load.ts): THEORYGRAD_GPUJS_MODE, else headlessgl where the optional
 * `gl` package makes a context, else webasm. Never 'gpu'/auto.
 *
 * On the host, not in kernels:
 * - fromArray, fill and cast (copies and fills);
 * - randomUniform / randomNormal, drawn from gpu/random.ts so that a seed gives the same
 *   numbers as the cpu backend (gpu.js's Math.random is a different, per-cell PCG stream);
 * - fills for degenerate sizes (empty sums, all-padding outputs), since gpu.js cannot
 *   take empty arrays, and the float32 → Int32Array cast of maxPool2dIndices' result;
 * - argument checks (dtype, lengths, index ranges), before any kernel runs.
 * Everything else is a gpu.js kernel.
 *
 * In the WebGL modes (webgl, webgl2, headlessgl) the backend is resident: `device` runs the
 * same kernels with `pipeline: true`, so results stay on the GPU as textures (device.ts)
 * until read, and a chain of ops makes no host round trip; gather and scatterAdd also take
 * their indices as textures (maxPool2d's argmax, or host indices uploaded once). webasm and
 * cpu modes have no `device` and behave as before.
 *
 * @example
 *   const backend = createGpuJsBackend();
 *   backend.describe(); // 'gpujs (gpu.js 2.24.1, mode webasm)'
 *   backend.matmul(a, b, { batch: 1, m: 2, k: 3, n: 4, transposeA: false, transposeB: false, strideA: 0, strideB: 0 });
 */
import type { Backend, Data, DeviceKernels, DType, Indices, Kernels, Storage } from '../backend.ts';
import { Random } from '../random.ts';
import { FLOAT64_MESSAGE, float32, MAX_KERNEL_ELEMENTS, type GpuJsRuntime, type KernelRunner } from './runtime.ts';
import { createRuntime } from './load.ts';
import { TextureIndices, TextureStorage } from './device.ts';
import { binary, unary, where } from './elementwise.ts';
import { argmax, reduce } from './reduce.ts';
import { broadcastTo, concat, gather, pad, permute, scatterAdd, slice } from './layout.ts';
import { matmul } from './matmul.ts';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from './conv.ts';
import { maxPool2dIndices, maxPool2dIndicesOnDevice } from './pool.ts';
import { createGpuJsInfiniteKernels } from './infinite.ts';
import { residentBlocks } from './infinite-device.ts';

export { naiveMatmulKernel, matmulBlocked, matmulFlat } from './matmul.ts';
export { TextureIndices, TextureStorage } from './device.ts';
export { ResidentBlock } from './infinite-device.ts';
export { GpuJsRuntime, FLOAT64_MESSAGE, MAX_KERNEL_ELEMENTS, GPUJS_MODES, type GpuJsMode } from './runtime.ts';
export { provideGpuJs, type ProvidedGpuJs } from './load.ts';

/** A Backend plus its gpu.js runtime (mode, kernel cache and its statistics). */
export interface GpuJsBackend extends Backend {
  readonly runtime: GpuJsRuntime;
}

function requireFloat32(dtype: DType, label: string): void {
  if (dtype === 'float64') throw new Error(`${FLOAT64_MESSAGE} (${label} asked for float64)`);
  if (dtype !== 'float32') throw new Error(`gpujs ${label}: unknown dtype '${String(dtype)}'`);
}

/** Fills storage by calling draw() once per element, in order: the cpu backend's exact stream. */
function drawn(size: number, draw: () => number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = draw();
  return out;
}

/**
 * Creates the gpu.js backend (loading gpu.js now). Environment: THEORYGRAD_GPUJS_MODE
 * pins the mode ('webasm', 'headlessgl', 'webgl2', 'webgl', 'cpu'; 'webgpu' is refused
 * because gpu.js makes it asynchronous).
 */
export function createGpuJsBackend(environment?: Record<string, string | undefined>): GpuJsBackend {
  const runtime = createRuntime(environment);
  return {
    name: 'gpujs',
    dtypes: ['float32'],
    runtime,
    describe: () => runtime.describe(),
    fromArray(values, dtype) {
      requireFloat32(dtype, 'fromArray');
      return Float32Array.from(values);
    },
    fill(size, value, dtype) {
      requireFloat32(dtype, 'fill');
      return new Float32Array(size).fill(value);
    },
    cast(x, dtype) {
      requireFloat32(dtype, 'cast');
      return Float32Array.from(float32(x, 'cast'));
    },
    ...kernelsOn(runtime),
    maxPool2dIndices: (x, spec) => maxPool2dIndices(runtime, x, spec),
    // Host-side on purpose: gpu/random.ts is the project's one generator, so the same
    // seed gives the cpu backend's numbers (drawn in float64, rounded to float32).
    randomUniform(size, seed, low, high, dtype): Data {
      requireFloat32(dtype, 'randomUniform');
      const rng = new Random(seed);
      return drawn(size, () => low + (high - low) * rng.uniform());
    },
    randomNormal(size, seed, mean, std, dtype): Data {
      requireFloat32(dtype, 'randomNormal');
      const rng = new Random(seed);
      return drawn(size, () => mean + std * rng.normal());
    },
    // in the WebGL modes kernelMatrix's blocks stay on the device (residentBlock)
    infinite: { ...createGpuJsInfiniteKernels(runtime), residentBlock: residentBlocks(runtime) },
    device: runtime.device && deviceKernels(runtime, runtime.device),
  };
}

/** The kernels on the GPU: inputs host arrays or textures, results textures (host fills stay host). */
function deviceKernels(runtime: GpuJsRuntime, device: KernelRunner<Storage>): DeviceKernels {
  return {
    upload: (data) => runtime.upload(float32(data, 'upload')),
    uploadIndices: (indices, bound) => uploadIndices(runtime, indices, bound),
    liveCount: () => runtime.liveTextures,
    maxPool2dIndices: (x, spec) => maxPool2dIndicesOnDevice(device, x, spec),
    maxElements: MAX_KERNEL_ELEMENTS,
    transfers: () => runtime.transfers,
    cast(x, dtype) {
      requireFloat32(dtype, 'cast');
      const input = float32(x, 'cast');
      // storage is immutable, so a float32 → float32 cast of a texture shares it (tensors count their shares)
      return input instanceof TextureStorage ? input : Float32Array.from(input);
    },
    ...kernelsOn(device),
  };
}

/** Host indices as a texture of their float32 values (exact below 2²³), after checking them against [0, bound). */
function uploadIndices(runtime: GpuJsRuntime, indices: Int32Array, bound: number): TextureIndices {
  if (!(indices instanceof Int32Array)) throw new Error('gpujs uploadIndices: indices must be an Int32Array');
  if (!Number.isInteger(bound) || bound < 1 || bound > MAX_KERNEL_ELEMENTS)
    throw new Error(`gpujs uploadIndices: bound must be an integer in [1, 2^23], got ${bound}`);
  const values = new Float32Array(indices.length);
  indices.forEach((index, i) => {
    if (!(index >= 0 && index < bound))
      throw new Error(`gpujs uploadIndices: index ${index} at position ${i} is outside [0, ${bound})`);
    values[i] = index;
  });
  return new TextureIndices(runtime.upload(values), 0, bound);
}

/** The ops every kernel runner serves alike: the host runtime (results Float32Array) or the device one (textures). */
function kernelsOn<S extends Storage, I extends Indices>(
  runner: KernelRunner<S>,
): Omit<Kernels<S | Float32Array, I>, 'cast'> {
  return {
    unary: (op, x) => unary(runner, op, x),
    binary: (op, a, aShape, b, bShape, outShape) => binary(runner, op, a, aShape, b, bShape, outShape),
    where: (cond, condShape, a, aShape, b, bShape, outShape) =>
      where(runner, cond, condShape, a, aShape, b, bShape, outShape),
    reduce: (op, x, shape, axes) => reduce(runner, op, x, shape, axes),
    argmax: (x, shape, axis) => argmax(runner, x, shape, axis),
    permute: (x, shape, perm) => permute(runner, x, shape, perm),
    broadcastTo: (x, shape, outShape) => broadcastTo(runner, x, shape, outShape),
    pad: (x, shape, padding, value) => pad(runner, x, shape, padding, value),
    slice: (x, shape, begin, size) => slice(runner, x, shape, begin, size),
    concat: (xs, shapes, axis) => concat(runner, xs, shapes, axis),
    gather: (x, shape, axis, indices, indexShape) => gather(runner, x, shape, axis, indices, indexShape),
    scatterAdd: (src, indices, indexShape, axis, outShape) =>
      scatterAdd(runner, src, indices, indexShape, axis, outShape),
    matmul: (a, b, spec) => matmul(runner, a, b, spec),
    conv2d: (x, weight, spec) => conv2d(runner, x, weight, spec),
    conv2dInputGrad: (outGrad, weight, spec) => conv2dInputGrad(runner, outGrad, weight, spec),
    conv2dWeightGrad: (x, outGrad, spec) => conv2dWeightGrad(runner, x, outGrad, spec),
  };
}
