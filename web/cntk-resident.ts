/**
 * The page's CNTK (depth 4, GAP; Arora et al., arXiv:1904.11955, §3 and Appendix B) as one
 * explicit block of pairs kept on the GPU (gpu/gpujs/infinite-device.ts), for the device
 * checks: on the device runner and on the host runner it must give equal values, which the
 * public kernelMatrix (resident on WebGL, src/infinite/resident.ts) cannot show. The images
 * and the block's tables are uploaded once, every layer's covariances stay textures, and only
 * the readout's values come back. The layers are src/infinite/presets.ts's cntk({ depth, readout: 'gap' }):
 * conv(σ_w² = 9), (relu, conv(σ_w² = 2))×(depth − 2), relu, readout('gap'), dense(σ_w² = 2/9),
 * with Σ⁰ summed over channels; kernelMatrix on cpu computes the same matrix (the tests compare).
 */
import type { LinearStep } from '../gpu/infinite.ts';
import { ResidentBlock, type GpuJsBackend } from '../gpu/gpujs/index.ts';
import { fromArray, type Matrix } from '../src/linalg/matrix.ts';
import type * as ad from '../autodiff/index.ts';

/** A resident CNTK run: the NTK matrix, the time, and the copies made while the layers ran and at the read. */
export interface ResidentKernelRun {
  ntk: Matrix;
  pairs: number;
  milliseconds: number;
  /** Uploads and downloads setting the block up (images, tables), during the layers (both 0 when nothing leaves the GPU), and at the read. */
  transfers: {
    setup: { uploads: number; downloads: number };
    layers: { uploads: number; downloads: number };
    read: { uploads: number; downloads: number };
  };
}

/**
 * The depth-`depth` GAP CNTK of `images` ([n, C, H, W], float32) against themselves, one
 * block of n(n+1)/2 pairs on gpujs's device runner, or with `onHost` on its host runner
 * (the same kernels with every result read back: the values the device run must equal).
 * @example cntkResident(backendByName('gpujs') as GpuJsBackend, smallDigits(digits)).ntk
 */
export function cntkResident(gpujs: GpuJsBackend, images: ad.Tensor, depth = 4, onHost = false): ResidentKernelRun {
  const { runtime } = gpujs;
  const runner = onHost ? runtime : runtime.device;
  if (!runner) throw new Error(`cntkResident: the gpujs backend in mode ${runtime.mode} keeps nothing on a device`);
  const [n, channels, height, width] = images.shape;
  const began = performance.now();
  const transfers = () => runtime.transfers;
  const since = (before: { uploads: number; downloads: number }) => {
    const now = transfers();
    return { uploads: now.uploads - before.uploads, downloads: now.downloads - before.downloads };
  };
  const x = Float32Array.from(images.data);
  const geometry = { height, width, padding: 'zero' as const, window: Math.max(height, width) - 1 };
  const setupBegan = transfers();
  const block = new ResidentBlock(
    runner,
    runtime,
    x,
    x,
    channels,
    { count1: n, count2: n, triangle: true },
    geometry,
    1,
  );
  const conv = (weightVariance: number): LinearStep => ({
    filter: 3,
    scale: weightVariance / 9,
    shift: 0,
    trainable: true,
  });
  const setup = since(setupBegan);
  const layersBegan = transfers();
  block.linear(conv(9));
  for (let layer = 2; layer < depth; layer++) block.reluThen(conv(2));
  block.reluThen({ filter: 'sum', scale: 1 / (height * width) ** 2, shift: 0, trainable: false });
  block.linear({ filter: 1, scale: 2 / 9, shift: 0, trainable: true });
  const layers = since(layersBegan);
  const readBegan = transfers();
  const { ntk } = block.read();
  const read = since(readBegan);
  block.release();
  const matrix = new Float64Array(n * n);
  let pair = 0;
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++, pair++) {
      matrix[a * n + b] = ntk![pair];
      matrix[b * n + a] = ntk![pair];
    }
  }
  return {
    ntk: fromArray(n, n, matrix),
    pairs: pair,
    milliseconds: performance.now() - began,
    transfers: { setup, layers, read },
  };
}
