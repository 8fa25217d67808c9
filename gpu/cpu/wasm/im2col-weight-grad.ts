/**
 * conv2dWeightGrad's operands packed on the wasm path: for a group g and a job of images,
 * dW[g]ᵀ [patch, Og] = cols [patch, images·P] · dyᵀ [images·P, Og] (conv.ts), where k runs along
 * both operands' rows (output positions), so each panel is an interleave of rows: packed A takes
 * MR im2col rows at a time (written by patchRow into a staging block, then interleaved), packed
 * B takes NR rows of dy at a time (interleaved from a copy of dy). Both by the SIMD kernels of
 * im2col-kernel.ts, image by image on the worker pool; the same values land in the same panel
 * places as conv.ts's packA/packB loops, so the product and its summation order are unchanged.
 */
import type { Conv2dSpec, Data } from '../../backend.ts';
import { KC } from '../pack.ts';
import { defineTask, runParallel, threadCount } from '../threads.ts';
import type { WasmGemmArgs, WasmGemmPlan } from './gemm.ts';
import { im2colModule, type InterleaveFunction, type PatchRowFunction } from './im2col-kernel.ts';
import type { StagedImages } from './im2col.ts';
import { F32_TILE, F64_TILE } from './gemm-kernel.ts';
import { allocateScratch, float32View, float64View, instance, memoryIsShared } from './runtime.ts';

/** What a chunk needs (it may run on a helper thread): addresses are bytes in the plan's memory. */
interface WeightGradArgs {
  gemm: WasmGemmArgs;
  images: number;
  imagesPerChunk: number;
  /** Staged x (group's channels, image after image) and its bytes per image. */
  x: number;
  xImageBytes: number;
  /** Copied dy (group's Og rows of P values, image after image). */
  dy: number;
  /** Staging blocks of MR im2col rows, one per chunk, rows `stagingRowBytes` apart. */
  staging: number;
  stagingRowBytes: number;
  spec: Conv2dSpec;
  patch: number;
  outPerGroup: number;
}

/**
 * Calls write(destination, positionOffset, count) for each piece of image t's positions
 * [t·P, t·P + P) that lies in one k-block of the packed panels, with the destination of its first
 * position in the panel's tile `tile` of width `width` (pack.ts: block s starts at s·padded, its
 * tile at tile·width·length, position K at (K − s)·width).
 */
function forEachBlockPiece(
  base: number,
  padded: number,
  width: number,
  tile: number,
  k: number,
  t: number,
  positions: number,
  size: number,
  write: (destination: number, positionOffset: number, count: number) => void,
): void {
  for (let position = t * positions; position < (t + 1) * positions;) {
    const start = position - (position % KC),
      length = Math.min(KC, k - start);
    const end = Math.min(start + length, (t + 1) * positions);
    const destination = base + (start * padded + tile * width * length + (position - start) * width) * size;
    write(destination, position - t * positions, end - position);
    position = end;
  }
}

function packChunk(args: WeightGradArgs, chunk: number): void {
  const { gemm, spec, patch, outPerGroup } = args;
  const size = gemm.float64 ? 8 : 4;
  const exports = instance(im2colModule, gemm.memory).exports;
  const patchRow = (gemm.float64 ? exports.patchRowF64 : exports.patchRowF32) as PatchRowFunction;
  const interleaveRows = (gemm.float64 ? exports.interleaveRowsF64 : exports.interleaveRowsF32) as InterleaveFunction;
  const interleaveCols = (gemm.float64 ? exports.interleaveColsF64 : exports.interleaveColsF32) as InterleaveFunction;
  const positions = spec.outHeight * spec.outWidth,
    kernelArea = spec.kernelHeight * spec.kernelWidth;
  const { tileRows, tileCols, paddedRows, paddedCols, k } = gemm;
  const staging = args.staging + chunk * tileRows * args.stagingRowBytes;
  const last = Math.min(args.images, (chunk + 1) * args.imagesPerChunk);
  for (let t = chunk * args.imagesPerChunk; t < last; t++) {
    // Packed A: MR im2col rows of image t into the staging block, then interleaved into the panel.
    for (let tile = 0; tile < paddedRows / tileRows; tile++) {
      for (let r = 0; r < tileRows && tile * tileRows + r < patch; r++) {
        const row = tile * tileRows + r;
        const c = Math.floor(row / kernelArea),
          ky = Math.floor((row % kernelArea) / spec.kernelWidth),
          kx = row % spec.kernelWidth;
        patchRow(
          args.x + t * args.xImageBytes + c * spec.inHeight * spec.inWidth * size,
          staging + r * args.stagingRowBytes,
          tileCols * size, // tiles back to back: the row written contiguously
          Math.ceil(positions / tileCols),
          positions,
          spec.outWidth,
          spec.inHeight,
          spec.inWidth,
          spec.strideHeight,
          spec.strideWidth,
          ky * spec.dilationHeight - spec.padHeight,
          kx * spec.dilationWidth - spec.padWidth,
        );
      }
      forEachBlockPiece(gemm.packedA, paddedRows, tileRows, tile, k, t, positions, size, (to, offset, count) =>
        interleaveRows(staging + offset * size, args.stagingRowBytes, to, count),
      );
    }
    // Packed B: NR rows of dy (output channels) at a time, interleaved.
    for (let tile = 0; tile < paddedCols / tileCols; tile++) {
      const rows = args.dy + (t * outPerGroup + tile * tileCols) * positions * size;
      forEachBlockPiece(gemm.packedB, paddedCols, tileCols, tile, k, t, positions, size, (to, offset, count) =>
        interleaveCols(rows + offset * size, positions * size, to, count),
      );
    }
  }
}

const packTask = defineTask('wasm-weight-grad-pack', import.meta.url, packChunk);

const MAX_CHUNKS = 1024;
/** Elements packed below which the packing stays on the calling thread. */
const PARALLEL_MIN_ELEMENTS = 1 << 16;

/** dy of a job's images copied into the wasm memory, and the staging blocks of the chunks. */
export interface StagedOutGrad {
  readonly dy: number;
  readonly staging: number;
  readonly stagingRowBytes: number;
  readonly imagesPerChunk: number;
  readonly chunks: number;
}

/**
 * Copies the group's rows of outGrad for images [first, first + count) into wasm scratch and
 * reserves the staging blocks. Call it inside withStagedImages's callback (which frees both) and
 * before planning the product (planWasmGemm's views are made after its allocations).
 * @example withStagedImages(x, spec, first, n, g, false, (s) => { const dy = stageOutGrad(outGrad, spec, first, n, g, false); … });
 */
export function stageOutGrad(
  outGrad: Data,
  spec: Conv2dSpec,
  first: number,
  count: number,
  group: number,
  float64: boolean,
): StagedOutGrad {
  const size = float64 ? 8 : 4;
  const tile = float64 ? F64_TILE : F32_TILE;
  const outPerGroup = spec.outChannels / spec.groups,
    positions = spec.outHeight * spec.outWidth;
  const imagesPerChunk = Math.max(1, Math.ceil(count / MAX_CHUNKS));
  const chunks = Math.ceil(count / imagesPerChunk);
  const stagingRowBytes = Math.ceil((positions * size) / 16) * 16;
  // dy, then the NR rows past its end that the last column tile's padding lanes read.
  const dyElements = count * outPerGroup * positions + tile.cols * positions;
  const dy = allocateScratch(dyElements * size);
  const staging = allocateScratch(chunks * tile.rows * stagingRowBytes);
  const copy = (float64 ? float64View : float32View)(dy, dyElements);
  for (let t = 0; t < count; t++) {
    const from = ((first + t) * spec.outChannels + group * outPerGroup) * positions;
    copy.set(outGrad.subarray(from, from + outPerGroup * positions), t * outPerGroup * positions);
  }
  return { dy, staging, stagingRowBytes, imagesPerChunk, chunks };
}

/**
 * Packs A = cols and B = dyᵀ of a wasm plan planGemm(1, patch, images·P, Og) for the staged
 * images and dy (group `group`), ready for plan.multiply().
 * @example withStagedImages(x, spec, first, n, g, false, (s) => { const dy = stageOutGrad(…); const plan = …; packWeightGrad(plan, s, dy, spec); plan.multiply(); … });
 */
export function packWeightGrad(plan: WasmGemmPlan, staged: StagedImages, dy: StagedOutGrad, spec: Conv2dSpec): void {
  const gemm = plan.args;
  const size = gemm.float64 ? 8 : 4;
  const channels = spec.inChannels / spec.groups,
    outPerGroup = spec.outChannels / spec.groups;
  const patch = channels * spec.kernelHeight * spec.kernelWidth,
    positions = spec.outHeight * spec.outWidth;
  const images = staged.count;
  if (gemm.float64 !== staged.float64 || gemm.k !== images * positions || plan.batch !== 1)
    throw new Error(
      `packWeightGrad: the plan (k ${gemm.k}, batch ${plan.batch}, float64 ${gemm.float64}) does not fit ` +
        `${images} images of ${positions} positions (float64 ${staged.float64})`,
    );
  if (images === 0 || positions === 0 || patch === 0 || outPerGroup === 0) return;
  const args: WeightGradArgs = {
    gemm,
    images,
    imagesPerChunk: dy.imagesPerChunk,
    x: staged.address,
    xImageBytes: channels * spec.inHeight * spec.inWidth * size,
    dy: dy.dy,
    staging: dy.staging,
    stagingRowBytes: dy.stagingRowBytes,
    spec,
    patch,
    outPerGroup,
  };
  const parallel =
    threadCount() > 1 && memoryIsShared() && images * (patch + outPerGroup) * positions >= PARALLEL_MIN_ELEMENTS;
  runParallel(packTask, args, dy.chunks, parallel);
}
