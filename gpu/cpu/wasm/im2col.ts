/**
 * conv2d's im2col on the wasm path: the input images are copied once into the wasm memory and
 * every patch row is written by the SIMD kernel (im2col-kernel.ts) straight into the packed B
 * panels of a wasm GEMM plan, chunks of rows shared by the worker pool (threads.ts). It replaces
 * conv.ts's im2colRow + packB loop when the plan is a wasm one, with the same values in the same
 * places, so the product and its summation order are unchanged.
 */
import type { Conv2dSpec, Data } from '../../backend.ts';
import { KC } from '../pack.ts';
import { defineTask, runParallel, threadCount } from '../threads.ts';
import { multiplyUnits, type WasmGemmArgs, type WasmGemmPlan } from './gemm.ts';
import { F32_TILE, F64_TILE } from './gemm-kernel.ts';
import { im2colModule, type PatchRowFunction } from './im2col-kernel.ts';
import {
  allocateScratch,
  float32View,
  float64View,
  instance,
  memoryIsShared,
  releaseScratch,
  scratchMark,
  type MemoryHandle,
} from './runtime.ts';

/** What a chunk needs (it may run on a helper thread): addresses are bytes in `memory`. */
interface PatchArgs {
  memory: MemoryHandle;
  float64: boolean;
  /** Byte address of the first copied image's first channel of the group. */
  images: number;
  /** Bytes between consecutive copied images. */
  imageStride: number;
  channels: number;
  kernelHeight: number;
  kernelWidth: number;
  height: number;
  width: number;
  outWidth: number;
  positions: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** The plan's packed B: base address, bytes per product, padded columns, tile width, depth. */
  packedB: number;
  bStride: number;
  paddedCols: number;
  tileCols: number;
  k: number;
  /** Work items are (image, channel) pairs: KH·KW patch rows each. */
  items: number;
  itemsPerChunk: number;
}

/** Patch rows (c, ky, kx) of (image, channel) items [firstItem, endItem): one kernel call per row. */
function packItems(args: PatchArgs, firstItem: number, endItem: number): void {
  const size = args.float64 ? 8 : 4;
  const exports = instance(im2colModule, args.memory).exports;
  const patchRow = (args.float64 ? exports.patchRowF64 : exports.patchRowF32) as PatchRowFunction;
  const { channels, kernelHeight, kernelWidth, height, width, positions, tileCols, k, paddedCols } = args;
  const tiles = Math.ceil(positions / tileCols);
  for (let item = firstItem; item < endItem; item++) {
    const t = Math.floor(item / channels),
      c = item % channels;
    const plane = args.images + t * args.imageStride + c * height * width * size;
    for (let ky = 0; ky < kernelHeight; ky++) {
      for (let kx = 0; kx < kernelWidth; kx++) {
        // Step p of packed B (pack.ts): k-block [start, start + length), row p − start of its tiles.
        const p = (c * kernelHeight + ky) * kernelWidth + kx;
        const start = p - (p % KC),
          length = Math.min(KC, k - start);
        const destination = args.packedB + t * args.bStride + (start * paddedCols + (p - start) * tileCols) * size;
        patchRow(
          plane,
          destination,
          tileCols * length * size,
          tiles,
          positions,
          args.outWidth,
          height,
          width,
          args.strideHeight,
          args.strideWidth,
          ky * args.dilationHeight - args.padHeight,
          kx * args.dilationWidth - args.padWidth,
        );
      }
    }
  }
}

const packTask = defineTask('wasm-im2col', import.meta.url, (args: PatchArgs, chunk: number) =>
  packItems(args, chunk * args.itemsPerChunk, Math.min(args.items, (chunk + 1) * args.itemsPerChunk)),
);

/**
 * Chunk t: image t's columns into B[t], then product t, on the same thread, while its packed B
 * (patch · OH·OW values, 590 KB on the bench layer in float32) is still in that core's L2. With a
 * whole 32-image job packed first (19 MB), packing ran 2.5× and the product 1.2× slower per image
 * than with 2 images (CPU time, one thread); fused, a conv2d forward of the bench layer took 15%
 * less CPU time in all than pack-then-multiply at 2 threads (machine under load, CPU time).
 */
const packAndMultiplyTask = defineTask(
  'wasm-im2col-gemm',
  import.meta.url,
  ({ pack, gemm }: { pack: PatchArgs; gemm: WasmGemmArgs }, t: number) => {
    packItems(pack, t * pack.channels, (t + 1) * pack.channels);
    const perProduct = gemm.rowBlocks * gemm.colBlocks;
    multiplyUnits(gemm, t * perProduct, (t + 1) * perProduct);
  },
);

/** Patch elements below which packing stays on the calling thread (waking helpers costs tens of µs). */
const PARALLEL_MIN_ELEMENTS = 1 << 16;
const MAX_CHUNKS = 1024;
/** The widest B tile of the wasm kernels (float32's 8 columns), for the guard around staged images. */
const GUARD_TILE = Math.max(F32_TILE.cols, F64_TILE.cols);

/** Images of one channel group copied into the wasm memory, with guard elements around them. */
export interface StagedImages {
  /** Byte address of the first image's first channel of the group. */
  readonly address: number;
  readonly count: number;
  readonly float64: boolean;
}

/**
 * Copies the group's channels of images [first, first + count) of x into wasm scratch, runs `fn`
 * with them, and frees them. Call it before planning the product (planWasmGemm's views are made
 * after its allocations; growing the memory afterwards could leave them short).
 * @example withStagedImages(x, spec, 0, images, 0, false, (staged) => { const plan = …; packAndMultiply(plan, staged, spec); … });
 */
export function withStagedImages<T>(
  x: Data,
  spec: Conv2dSpec,
  first: number,
  count: number,
  group: number,
  float64: boolean,
  fn: (staged: StagedImages) => T,
): T {
  const size = float64 ? 8 : 4;
  const channels = spec.inChannels / spec.groups;
  const planeElements = spec.inHeight * spec.inWidth,
    imageElements = channels * planeElements;
  // Guard elements on either side: the kernel's vector loads reach up to max(padWidth, tile width) past the ends.
  const guard = Math.max(spec.padWidth, GUARD_TILE) + 4;
  const mark = scratchMark();
  try {
    const base = allocateScratch((count * imageElements + 2 * guard) * size);
    const copy = (float64 ? float64View : float32View)(base, count * imageElements + 2 * guard);
    for (let t = 0; t < count; t++) {
      const from = ((first + t) * spec.inChannels + group * channels) * planeElements;
      copy.set(x.subarray(from, from + imageElements), guard + t * imageElements);
    }
    return fn({ address: base + guard * size, count, float64 });
  } finally {
    releaseScratch(mark);
  }
}

/**
 * C[t] = A · cols(image t) for the staged images, on a wasm plan of [O/groups, patch] · [patch, OH·OW]
 * products (k = patch, n = OH·OW) whose shared A is packed: writes each image's im2col columns
 * into B[t] (im2col-kernel.ts) and multiplies, in place of packing B and plan.multiply(). With at
 * least two images per thread, one chunk per image packs and multiplies it (packAndMultiplyTask);
 * else the packing and the product are two jobs, each spread over the threads.
 * @example withStagedImages(x, spec, 0, n, 0, false, (s) => packAndMultiply(plan, s, spec)); plan.readC(…);
 */
export function packAndMultiply(plan: WasmGemmPlan, staged: StagedImages, spec: Conv2dSpec): void {
  const { args } = plan;
  const channels = spec.inChannels / spec.groups;
  const positions = spec.outHeight * spec.outWidth;
  const patch = channels * spec.kernelHeight * spec.kernelWidth;
  if (args.float64 !== staged.float64 || args.k !== patch || args.paddedCols < positions || plan.batch !== staged.count)
    throw new Error(
      `packAndMultiply: the plan (k ${args.k}, ${args.paddedCols} padded columns, batch ${plan.batch}, ` +
        `float64 ${args.float64}) does not fit patch ${patch}, ${positions} positions, ${staged.count} images`,
    );
  if (staged.count === 0 || patch === 0 || positions === 0) return plan.multiply();
  const size = args.float64 ? 8 : 4;
  const items = staged.count * channels;
  const itemsPerChunk = Math.max(1, Math.ceil(items / MAX_CHUNKS));
  const pack: PatchArgs = {
    memory: args.memory,
    float64: args.float64,
    images: staged.address,
    imageStride: channels * spec.inHeight * spec.inWidth * size,
    channels,
    kernelHeight: spec.kernelHeight,
    kernelWidth: spec.kernelWidth,
    height: spec.inHeight,
    width: spec.inWidth,
    outWidth: spec.outWidth,
    positions,
    strideHeight: spec.strideHeight,
    strideWidth: spec.strideWidth,
    padHeight: spec.padHeight,
    padWidth: spec.padWidth,
    dilationHeight: spec.dilationHeight,
    dilationWidth: spec.dilationWidth,
    packedB: args.packedB,
    bStride: args.bStride,
    paddedCols: args.paddedCols,
    tileCols: args.tileCols,
    k: args.k,
    items,
    itemsPerChunk,
  };
  const threads = memoryIsShared() ? threadCount() : 1;
  const parallel = threads > 1 && items * spec.kernelHeight * spec.kernelWidth * positions >= PARALLEL_MIN_ELEMENTS;
  if (parallel && staged.count >= 2 * threads && staged.count <= MAX_CHUNKS)
    runParallel(packAndMultiplyTask, { pack, gemm: args }, staged.count, true);
  else {
    runParallel(packTask, pack, Math.ceil(items / itemsPerChunk), parallel);
    plan.multiply();
  }
}
