/**
 * conv2dInputGrad's col2im on the wasm path: dcols[t] = Wᵀ · dy[t] is computed into the plan's
 * products as in conv.ts, and each of its patch rows is added back into a zeroed copy of the
 * image's input gradient in the wasm memory by the SIMD kernel col2imRow (im2col-kernel.ts), in
 * the same order as conv.ts's col2imRowAdd (so the float results are the same), image by image on
 * the worker pool: with at least two images per thread one chunk multiplies product t and then
 * adds its rows back while they are in that core's cache; else the product is one job and the
 * col2im another.
 */
import type { Conv2dSpec, Data } from '../../backend.ts';
import { defineTask, runParallel, threadCount } from '../threads.ts';
import { multiplyUnits, type WasmGemmArgs, type WasmGemmPlan } from './gemm.ts';
import { im2colModule, type Col2imRowFunction } from './im2col-kernel.ts';
import { allocateScratch, float32View, float64View, instance, memoryIsShared } from './runtime.ts';

/** The group's channels of the job's input gradients, zeroed in the wasm memory until readInputGrad. */
export interface StagedInputGrad {
  readonly address: number;
  readonly count: number;
  readonly float64: boolean;
}

/**
 * Zeroed wasm scratch for the group's channels of `count` images' input gradients. Call it before
 * planning the product (planWasmGemm's views are made after its allocations), inside a scratch
 * mark that the caller releases (withScratch, or withStagedImages's callback).
 * @example const staged = stageInputGrad(spec, images, false); …; readInputGrad(staged, spec, out, first, group);
 */
export function stageInputGrad(spec: Conv2dSpec, count: number, float64: boolean): StagedInputGrad {
  const elements = count * (spec.inChannels / spec.groups) * spec.inHeight * spec.inWidth;
  const address = allocateScratch(elements * (float64 ? 8 : 4));
  (float64 ? float64View : float32View)(address, elements).fill(0);
  return { address, count, float64 };
}

/** Copies the staged gradients into `out` (images first … first + count − 1, channel group `group`). */
export function readInputGrad(
  staged: StagedInputGrad,
  spec: Conv2dSpec,
  out: Data,
  first: number,
  group: number,
): void {
  const channels = spec.inChannels / spec.groups,
    imageElements = channels * spec.inHeight * spec.inWidth;
  const view = (staged.float64 ? float64View : float32View)(staged.address, staged.count * imageElements);
  for (let t = 0; t < staged.count; t++) {
    const to = ((first + t) * spec.inChannels + group * channels) * spec.inHeight * spec.inWidth;
    out.set(view.subarray(t * imageElements, (t + 1) * imageElements), to);
  }
}

interface Col2imArgs {
  gemm: WasmGemmArgs;
  /** Multiply product t in the chunk first (the fused job), or only add back. */
  multiply: boolean;
  gradients: number;
  spec: Conv2dSpec;
  patch: number;
  images: number;
  imagesPerChunk: number;
}

/** Images [chunk·imagesPerChunk, …): (product t, then) every patch row of dcols[t] added into image t. */
function col2imChunk(args: Col2imArgs, chunk: number): void {
  const { gemm, spec } = args;
  const size = gemm.float64 ? 8 : 4;
  const exports = instance(im2colModule, gemm.memory).exports;
  const col2imRow = (gemm.float64 ? exports.col2imRowF64 : exports.col2imRowF32) as Col2imRowFunction;
  const channels = spec.inChannels / spec.groups,
    kernelArea = spec.kernelHeight * spec.kernelWidth;
  const planeBytes = spec.inHeight * spec.inWidth * size;
  const perProduct = gemm.rowBlocks * gemm.colBlocks;
  const last = Math.min(args.images, (chunk + 1) * args.imagesPerChunk);
  for (let t = chunk * args.imagesPerChunk; t < last; t++) {
    if (args.multiply) multiplyUnits(gemm, t * perProduct, (t + 1) * perProduct);
    for (let row = 0; row < args.patch; row++) {
      const c = Math.floor(row / kernelArea),
        ky = Math.floor((row % kernelArea) / spec.kernelWidth),
        kx = row % spec.kernelWidth;
      col2imRow(
        gemm.work + (t * gemm.paddedRows * gemm.paddedCols + row * gemm.paddedCols) * size,
        args.gradients + (t * channels + c) * planeBytes,
        spec.outHeight,
        spec.outWidth,
        spec.inHeight,
        spec.inWidth,
        spec.strideHeight,
        spec.strideWidth,
        ky * spec.dilationHeight - spec.padHeight,
        kx * spec.dilationWidth - spec.padWidth,
      );
    }
  }
}

const col2imTask = defineTask('wasm-col2im', import.meta.url, col2imChunk);

const MAX_CHUNKS = 1024;
/** Values added below which the col2im stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 1 << 16;

/**
 * dx of the staged images: multiplies the plan (planGemm(images, patch, Og, P) with Wᵀ and dy
 * packed) and adds each product's rows back into the staged gradients (col2im).
 * @example multiplyAndCol2im(plan, staged, spec); readInputGrad(staged, spec, out, first, group);
 */
export function multiplyAndCol2im(plan: WasmGemmPlan, staged: StagedInputGrad, spec: Conv2dSpec): void {
  const gemm = plan.args;
  const patch = (spec.inChannels / spec.groups) * spec.kernelHeight * spec.kernelWidth,
    positions = spec.outHeight * spec.outWidth;
  if (gemm.float64 !== staged.float64 || plan.batch !== staged.count || gemm.paddedRows < patch)
    throw new Error(
      `multiplyAndCol2im: the plan (batch ${plan.batch}, ${gemm.paddedRows} padded rows, float64 ${gemm.float64}) ` +
        `does not fit ${staged.count} images of patch ${patch} (float64 ${staged.float64})`,
    );
  const images = staged.count;
  if (images === 0 || patch === 0 || positions === 0) return;
  const threads = memoryIsShared() ? threadCount() : 1;
  const parallel = threads > 1 && images * patch * positions >= PARALLEL_MIN_ELEMENTS;
  const fused = parallel && images >= 2 * threads && images <= MAX_CHUNKS && gemm.k > 0;
  if (!fused) plan.multiply();
  const imagesPerChunk = Math.max(1, Math.ceil(images / MAX_CHUNKS));
  const args: Col2imArgs = {
    gemm,
    multiply: fused,
    gradients: staged.address,
    spec,
    patch,
    images,
    imagesPerChunk,
  };
  runParallel(col2imTask, args, Math.ceil(images / imagesPerChunk), parallel);
}
