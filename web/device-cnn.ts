/**
 * The gather/scatterAdd part of the device checks (web/device-check.ts; judged by
 * test/web/device-cnn.ts): a CNN training step on WebGL whose max-pooling argmax stays on the
 * device and feeds the pooled gather and its gradient scatterAdd in place; the two kernels
 * on device indices against cpu where several sources hit one output; and pooling gradients by
 * the kernel that visits only the windows over each cell against the generic one. They only
 * compute and report; the tests judge.
 */
import * as ad from '../autodiff/index.ts';
import { isData, type Storage } from '../gpu/backend.ts';
import { cpuBackend } from '../gpu/cpu/index.ts';
import { TextureIndices, type GpuJsBackend } from '../gpu/gpujs/index.ts';
import type { Pool2dSpec } from '../gpu/backend.ts';
import { crossEntropy } from '../src/nn/losses.ts';

type Transfers = { uploads: number; downloads: number };

export interface CnnReport {
  /** Copies made by each of two steps before anything is read, and by reading the first step's loss. */
  transfers: { first: Transfers; second: Transfers; loss: Transfers };
  /** Loss and gradients (conv weights, then linear weights) on WebGL and on cpu. */
  device: number[];
  cpu: number[];
  liveBefore: number;
  liveAfter: number;
  /**
   * scatterAdd of src [3, 7, 4] along axis 1 into [3, 3, 4] on uploaded device indices (collisions:
   * 7 sources onto 3 rows), with src's absolute values scattered alike (the error bound's Σ|src|)
   * and the largest count of sources on one output; then a gather on the same indices.
   */
  scatter: { device: number[]; cpu: number[]; magnitudes: number[]; sources: number; gather: [number[], number[]] };
  /**
   * Per pooling geometry, a pooling gradient (scatterAdd at maxPool2d's device argmax) by the
   * kernel that visits only the windows over each cell, by the generic kernel on the same
   * texture, and on cpu; `magnitudes` scatters |src| (the summation bound), `sources` is ⌈k/s⌉².
   */
  windows: {
    spec: string;
    windowed: number[];
    generic: number[];
    cpu: number[];
    magnitudes: number[];
    sources: number;
  }[];
}

/** conv → relu → maxPool2d (3×3 windows, stride 2: overlapping) → linear → crossEntropy, with the loss's gradients. */
function step(x: ad.Tensor, w: ad.Tensor, v: ad.Tensor, labels: Int32Array): ad.Tensor[] {
  return ad.tidy(() => {
    const [loss, [gw, gv]] = ad.valueAndGrad(
      (a: ad.Tensor, b: ad.Tensor) => {
        const pooled = ad.maxPool2d(ad.conv2d(x, a, { padding: 1 }).relu(), { kernel: 3, stride: 2, padding: 1 });
        return crossEntropy(pooled.reshape([x.shape[0], -1]).matmul(b), labels);
      },
      [0, 1],
    )(w, v);
    return [loss, gw, gv];
  });
}

/**
 * Runs the CNN step on `gpujs` (a WebGL mode) and on cpu, counting copies, and the scatterAdd check.
 * @example cnnReport(createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' })).transfers.loss // { uploads: 0, downloads: 1 }
 */
export function cnnReport(gpujs: GpuJsBackend): CnnReport {
  const device = gpujs.device;
  if (!device) throw new Error(`cnnReport: ${gpujs.describe()} keeps nothing on a device (a WebGL mode is needed)`);
  const since = (before: Transfers): Transfers => {
    const now = device.transfers();
    return { uploads: now.uploads - before.uploads, downloads: now.downloads - before.downloads };
  };
  const x = ad.randomNormal([4, 2, 8, 8], { seed: 31, dtype: 'float32' });
  const w = ad.randomNormal([3, 2, 3, 3], { seed: 32, dtype: 'float32' }).mul(0.5);
  const v = ad.randomNormal([3 * 4 * 4, 5], { seed: 33, dtype: 'float32' }).mul(0.2);
  const labels = Int32Array.of(1, 4, 0, 4);
  const liveBefore = device.liveCount();
  let before = device.transfers();
  const first = ad.withBackend(gpujs, () => step(x, w, v, labels));
  const firstCopies = since(before);
  before = device.transfers();
  const loss = first[0].item();
  const lossCopies = since(before);
  before = device.transfers();
  const second = ad.withBackend(gpujs, () => step(x, w, v, labels));
  const secondCopies = since(before);
  const onCpu = ad.withBackend(cpuBackend, () => step(x, w, v, labels));
  const report: CnnReport = {
    transfers: { first: firstCopies, second: secondCopies, loss: lossCopies },
    device: [loss, ...first[1].data, ...first[2].data],
    cpu: [onCpu[0].item(), ...onCpu[1].data, ...onCpu[2].data],
    liveBefore,
    liveAfter: 0,
    scatter: scatterCheck(gpujs),
    windows: WINDOWS.map((spec) => windowCheck(gpujs, spec)),
  };
  for (const tensor of [...first, ...second, x, w, v]) tensor.dispose();
  report.liveAfter = device.liveCount();
  return report;
}

/** scatterAdd and gather on device indices (DeviceKernels.uploadIndices) against the cpu kernels. */
function scatterCheck(gpujs: GpuJsBackend): CnnReport['scatter'] {
  const device = gpujs.device!;
  const src = ad.randomNormal([3, 7, 4], { seed: 34, dtype: 'float32' }).data as Float32Array;
  const magnitudes = src.map(Math.abs);
  const host = Int32Array.from({ length: src.length }, (_, i) => (i * 7 + (i >> 3)) % 3);
  const indices = device.uploadIndices(host, 3);
  const scattered = (values: Float32Array) => device.scatterAdd(values, indices, [3, 7, 4], 1, [3, 3, 4]);
  const onDevice = scattered(src);
  const sizes = scattered(magnitudes);
  const table = ad.randomNormal([3, 3, 4], { seed: 35, dtype: 'float32' }).data as Float32Array;
  const gathered = device.gather(table, [3, 3, 4], 1, indices, [3, 7, 4]);
  const sources = new Map<string, number>();
  host.forEach((row, i) => {
    const key = `${Math.floor(i / 28)},${row},${i % 4}`;
    sources.set(key, (sources.get(key) ?? 0) + 1);
  });
  const read = (storage: Storage) => {
    if (isData(storage)) return Array.from(storage);
    const values = Array.from(storage.read());
    storage.release();
    return values;
  };
  const report = {
    device: read(onDevice),
    cpu: Array.from(cpuBackend.scatterAdd(src, host, [3, 7, 4], 1, [3, 3, 4])),
    magnitudes: read(sizes),
    sources: Math.max(...sources.values()),
    gather: [read(gathered), Array.from(cpuBackend.gather(table, [3, 3, 4], 1, host, [3, 7, 4]))] as [
      number[],
      number[],
    ],
  };
  indices.release();
  return report;
}

/** Pooling geometries on [2, 3, 7, 6]: overlapping and padded, tiling, and stride 1 (up to 9 windows over a cell). */
const WINDOWS: Pool2dSpec[] = [
  [3, 2, 1],
  [2, 2, 0],
  [3, 1, 1],
].map(([kernel, stride, pad]) => {
  const out = (extent: number) => Math.floor((extent + 2 * pad - kernel) / stride) + 1;
  return {
    batch: 2,
    channels: 3,
    inHeight: 7,
    inWidth: 6,
    kernelHeight: kernel,
    kernelWidth: kernel,
    outHeight: out(7),
    outWidth: out(6),
    strideHeight: stride,
    strideWidth: stride,
    padHeight: pad,
    padWidth: pad,
  };
});

/** One pooling gradient three ways: the windowed kernel, the generic one on the same indices, cpu. */
function windowCheck(gpujs: GpuJsBackend, spec: Pool2dSpec): CnnReport['windows'][number] {
  const device = gpujs.device!;
  const { batch, channels, inHeight, inWidth, outHeight, outWidth } = spec;
  // halves of small integers: ties, so the first-maximum rule decides
  const x = (
    ad.randomNormal([batch, channels, inHeight, inWidth], { seed: 36, dtype: 'float32' }).data as Float32Array
  ).map((value) => Math.round(2 * value) / 2 + 0);
  const src = ad.randomNormal([batch * channels * outHeight * outWidth], { seed: 37, dtype: 'float32' })
    .data as Float32Array;
  const pooled = [batch, channels, outHeight * outWidth];
  const planes = [batch, channels, inHeight * inWidth];
  const found = device.maxPool2dIndices(x, spec) as TextureIndices;
  const plain = new TextureIndices(found.storage, found.lowest, found.bound); // no window: the generic kernel
  const read = (storage: Storage) => {
    if (isData(storage)) return Array.from(storage);
    const values = Array.from(storage.read());
    storage.release();
    return values;
  };
  const cpuIndices = cpuBackend.maxPool2dIndices(x, spec);
  const report = {
    spec: JSON.stringify([spec.kernelHeight, spec.strideHeight, spec.padHeight]),
    windowed: read(device.scatterAdd(src, found, pooled, 2, planes)),
    generic: read(device.scatterAdd(src, plain, pooled, 2, planes)),
    cpu: Array.from(cpuBackend.scatterAdd(src, cpuIndices, pooled, 2, planes)),
    magnitudes: Array.from(cpuBackend.scatterAdd(src.map(Math.abs), cpuIndices, pooled, 2, planes)),
    sources: Math.ceil(spec.kernelHeight / spec.strideHeight) * Math.ceil(spec.kernelWidth / spec.strideWidth),
  };
  found.release();
  return report;
}
