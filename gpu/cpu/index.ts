/**
 * The CPU backend: TypeScript on typed arrays, float32 and float64, with the hot loops (GEMM,
 * conv2d through it, the CNTK ReLU rows, same-shape float32 arithmetic) in WebAssembly SIMD
 * emitted from TypeScript (wasm/), unless THEORYGRAD_WASM=0 or the engine lacks SIMD.
 */
import type { Backend, Data, DType } from '../backend.ts';
import { Random } from '../random.ts';
import { allocate } from './storage.ts';
import { binary, unary, where } from './elementwise.ts';
import { argmax, reduce } from './reduce.ts';
import { broadcastTo, concat, gather, pad, permute, scatterAdd, slice } from './layout.ts';
import { matmul } from './matmul.ts';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from './conv.ts';
import { maxPool2dIndices } from './pool.ts';
import { cpuInfiniteKernels } from './infinite/index.ts';
import { cpuChannelKernels } from './channels.ts';
import { wasmEnabled } from './wasm/runtime.ts';

function fromArray(values: ArrayLike<number>, dtype: DType): Data {
  return dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
}

/** Fills storage by calling draw() once per element, in order, so a seed fixes every value. */
function drawn(size: number, dtype: DType, draw: () => number): Data {
  const out = allocate(size, dtype);
  for (let i = 0; i < size; i++) out[i] = draw();
  return out;
}

export const cpuBackend: Backend = {
  name: 'cpu',
  dtypes: ['float32', 'float64'],
  // The kernels' path is part of the line: results and kernel caches name which one ran.
  describe: () =>
    wasmEnabled() ? 'cpu (TypeScript, WebAssembly SIMD kernels)' : 'cpu (plain TypeScript on typed arrays)',
  fromArray,
  fill: (size, value, dtype) => allocate(size, dtype).fill(value),
  cast: (x, dtype) => fromArray(x, dtype),
  unary,
  binary,
  where,
  reduce,
  argmax,
  permute,
  broadcastTo,
  pad,
  slice,
  concat,
  gather,
  scatterAdd,
  matmul,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  maxPool2dIndices,
  randomUniform(size, seed, low, high, dtype) {
    const rng = new Random(seed);
    return drawn(size, dtype, () => low + (high - low) * rng.uniform());
  },
  randomNormal(size, seed, mean, std, dtype) {
    const rng = new Random(seed);
    return drawn(size, dtype, () => mean + std * rng.normal());
  },
  infinite: cpuInfiniteKernels,
  channels: cpuChannelKernels,
};
