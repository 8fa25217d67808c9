/**
 * The device-residency checks of issue #23, run where a WebGL gpujs backend lives (the page,
 * for test/web; Node's headless-gl, for test/gpu/gpujs-headlessgl.test.ts). They only
 * compute and report; the tests judge. Six parts: a 10,000-op loop inside tidy (the live
 * texture count must stay bounded), a chain of ops on the device against the same kernels
 * run with host round trips (same GLSL arithmetic, so equal values; also with the kernel
 * cache at one kernel, so textures outlive their kernels' eviction), one SGD step of a
 * small ReLU net on the device against the cpu backend, the copies host tensors cost
 * (uploaded once, on first use), maxPool2d's window search on a texture, and a CNTK block
 * that stays on the device, and
 * the public kernelMatrix on the device (its blocks resident); and a CNN step whose pooling
 * indices stay on the device (device-cnn.ts); and several readouts of one block, a depth
 * sweep and vanilla/GAP/LAP, each read back once per block (device-readouts.ts).
 */
import * as ad from '../autodiff/index.ts';
import { cpuBackend } from '../gpu/cpu/index.ts';
import type { Pool2dSpec } from '../gpu/backend.ts';
import type { GpuJsBackend } from '../gpu/gpujs/index.ts';
import { cntk } from '../src/infinite/presets.ts';
import { kernelMatrix, type KernelMatrices } from '../src/infinite/kernel-matrix.ts';
import { dense, relu, serial } from '../src/infinite/layers.ts';
import { cntkResident } from './cntk-resident.ts';
import { cnnReport, type CnnReport } from './device-cnn.ts';
import { onBothBackends } from './device-measure.ts';
import { readoutReport, type ReadoutReport } from './device-readouts.ts';

export interface DeviceReport {
  /** The backend has device kernels (a WebGL mode). */
  resident: boolean;
  ops: number;
  liveBefore: number;
  /** The most live textures seen between loop iterations. */
  liveMax: number;
  liveAfter: number;
  /** The chain's values with results kept on the device, and with every result read back. */
  chain: { onDevice: boolean; device: number[]; host: number[] };
  /** Values uploaded by the device kernels and read back. */
  upload: number[];
  /** The same with the kernel cache limited to one kernel: every texture read after its kernel was evicted. */
  evicted: { device: number[]; host: number[] };
  /** Loss and updated weights of one step: on the device and on cpu (float32). */
  step: { onDevice: boolean; device: number[]; cpu: number[] };
  /**
   * Host↔device copies (DeviceKernels.transfers) of a chain on three host tensors run twice in
   * tidy, then read: the first run uploads each tensor once, the second reuses the copies,
   * and only the read downloads.
   */
  transfers: { first: Transfers; second: Transfers; read: Transfers };
  /**
   * A depth-4 GAP CNTK of 6 random 2×5×5 images as one block on the device (cntkResident):
   * its NTK matrix, the same kernels with host round trips, kernelMatrix on cpu, the copies
   * made during the layers and at the read, and the live textures after its release.
   */
  /**
   * maxPool2d on a texture (rounded values: ties; padded windows): per spec, the indices of the
   * device kernels (read back after the count) and of cpu, and the copies the device search
   * made; then a pooling layer's forward and gradient on the device and on cpu.
   */
  pool: {
    indices: { spec: string; device: number[]; cpu: number[]; transfers: Transfers }[];
    forward: { device: number[]; cpu: number[] };
    gradient: { device: number[]; cpu: number[] };
  };
  cntk: {
    device: number[];
    host: number[];
    cpu: number[];
    layers: Transfers;
    read: Transfers;
    liveBefore: number;
    liveAfter: number;
  };
  /**
   * The public kernelMatrix on the gpujs backend (its blocks resident, src/infinite/resident.ts)
   * and on cpu, per case: the NNGP and (but for the fully connected case) NTK values, the blocks, the copies of the whole call and
   * the live textures around it; `setupUploads` is one symmetric block's uploads (cntkResident's setup).
   */
  kernelMatrix: { setupUploads: number; cases: KernelMatrixCase[] };
  /** A CNN step whose max-pooling argmax stays on the device, and scatterAdd's collisions (device-cnn.ts). */
  cnn: CnnReport | undefined;
  /** A depth sweep and vanilla/GAP/LAP readouts of one trunk on the device and on cpu (device-readouts.ts). */
  readouts: ReadoutReport;
}

export interface KernelMatrixCase {
  name: string;
  blocks: number;
  device: number[];
  cpu: number[];
  transfers: Transfers;
  liveBefore: number;
  liveAfter: number;
}

type Transfers = { uploads: number; downloads: number };

/** A shape-changing chain: elementwise maps, broadcasting, a reduction and a matmul. */
function chain(x: ad.Tensor, w: ad.Tensor): ad.Tensor {
  return x.tanh().mul(x).add(1).exp().sum(1, true).mul(x).matmul(w).relu().sub(x.mean());
}

/** Loss and the weights after one SGD step (lr 0.1) of relu(x·w1)·w2 against y, squared error. */
function sgdStep(w1: ad.Tensor, w2: ad.Tensor, x: ad.Tensor, y: ad.Tensor): ad.Tensor {
  return ad.tidy(() => {
    const [loss, [g1, g2]] = ad.valueAndGrad(
      (a: ad.Tensor, b: ad.Tensor) => x.matmul(a).relu().matmul(b).sub(y).square().mean(),
      [0, 1],
    )(w1, w2);
    const updated = [w1.sub(g1.mul(0.1)).flatten(), w2.sub(g2.mul(0.1)).flatten()];
    return ad.concat([loss.reshape([1]), ...updated], 0);
  });
}

/** Pooling windows with padding, overlaps and ties (Pool2dOptions: kernel, stride, padding). */
const POOLS = [
  { kernel: 3, stride: 2, padding: 1 },
  { kernel: 2, stride: 2, padding: 0 },
  { kernel: 3, stride: 1, padding: 1 },
] as const;

/** maxPool2d's window search on the device against cpu, and a pooling layer's forward and gradient. */
function pooling(gpujs: GpuJsBackend): DeviceReport['pool'] {
  const device = gpujs.device!;
  // halves of small integers: many windows hold a tie (+ 0: no −0, which the copy x.add(0) makes +0)
  const normal = ad.randomNormal([2, 3, 6, 7], { seed: 20, dtype: 'float32' });
  const x = ad.tensor(
    normal.data.map((value) => Math.round(2 * value) / 2 + 0),
    { shape: normal.shape },
  );
  const onDevice = ad.withBackend(gpujs, () => x.add(0)); // a texture
  const indices = POOLS.map((options) => {
    const spec = poolSpec(x.shape, options.kernel, options.stride, options.padding);
    const before = device.transfers();
    const found = device.maxPool2dIndices(onDevice.storage, spec);
    const after = device.transfers();
    const values = Array.from(found.read());
    found.release();
    return {
      spec: JSON.stringify(options),
      device: values,
      cpu: Array.from(cpuBackend.maxPool2dIndices(x.data, spec)),
      transfers: { uploads: after.uploads - before.uploads, downloads: after.downloads - before.downloads },
    };
  });
  const layer = (input: ad.Tensor) =>
    ad.tidy(() => {
      const [value, grad] = ad.valueAndGrad((t: ad.Tensor) => ad.maxPool2d(t, POOLS[0]).square().sum())(input);
      return { pooled: ad.maxPool2d(input, POOLS[0]), value, grad };
    });
  const onGpu = ad.withBackend(gpujs, () => layer(onDevice));
  const onCpu = ad.withBackend(cpuBackend, () => layer(x));
  const pool = {
    indices,
    forward: { device: Array.from(onGpu.pooled.data), cpu: Array.from(onCpu.pooled.data) },
    gradient: { device: [onGpu.value.item(), ...onGpu.grad.data], cpu: [onCpu.value.item(), ...onCpu.grad.data] },
  };
  for (const tensor of [onDevice, onGpu.pooled, onGpu.value, onGpu.grad]) tensor.dispose();
  return pool;
}

/** The Pool2dSpec of square windows on an NCHW shape. */
function poolSpec(shape: readonly number[], kernel: number, stride: number, padding: number): Pool2dSpec {
  const [batch, channels, inHeight, inWidth] = shape;
  const out = (extent: number) => Math.floor((extent + 2 * padding - kernel) / stride) + 1;
  return {
    batch,
    channels,
    inHeight,
    inWidth,
    kernelHeight: kernel,
    kernelWidth: kernel,
    outHeight: out(inHeight),
    outWidth: out(inWidth),
    strideHeight: stride,
    strideWidth: stride,
    padHeight: padding,
    padWidth: padding,
  };
}

/** The copies made by each stage of a chain on host tensors: two runs in tidy, then one read. */
function reuse(gpujs: GpuJsBackend): DeviceReport['transfers'] {
  const counted = gpujs.device?.transfers ?? (() => ({ uploads: 0, downloads: 0 }));
  const since = (before: Transfers): Transfers => {
    const now = counted();
    return { uploads: now.uploads - before.uploads, downloads: now.downloads - before.downloads };
  };
  const x = ad.randomNormal([6, 5], { seed: 16, dtype: 'float32' });
  const w1 = ad.randomNormal([5, 4], { seed: 17, dtype: 'float32' });
  const w2 = ad.randomNormal([4, 3], { seed: 18, dtype: 'float32' });
  const run = () => ad.withBackend(gpujs, () => ad.tidy(() => x.matmul(w1).relu().matmul(w2).tanh()));
  let before = counted();
  run().dispose();
  const first = since(before);
  before = counted();
  const result = run();
  const second = since(before);
  before = counted();
  void result.data;
  const read = since(before);
  for (const tensor of [result, x, w1, w2]) tensor.dispose();
  return { first, second, read };
}

/**
 * kernelMatrix through the public call on gpujs and on cpu: a depth-4 GAP CNTK of `images` with
 * itself (one block, then 2×2-image blocks: 6 blocks), against 4 other images (one block),
 * and a fully connected network on vectors (records without positions).
 */
function publicKernelMatrix(gpujs: GpuJsBackend, images: ad.Tensor): KernelMatrixCase[] {
  const others = ad.randomUniform([4, 2, 5, 5], { seed: 21, dtype: 'float32' });
  const vectors = ad.randomNormal([6, 5], { seed: 22, dtype: 'float32' });
  const gap = cntk({ depth: 4, readout: 'gap' });
  const fullyConnected = serial(dense(), relu(), dense({ weightVariance: 2, biasVariance: 0.1 }), relu(), dense());
  // 5×5 GAP keeps 25×25 entries a pair: 40,000 bytes allow 4 pairs a block, 2 images a side
  // the fully connected NTK is left out of the values: its ReLU derivative κ0 = (π − arccos λ)/π is
  // ill-conditioned on the diagonal (λ = 1), where float32 cpu itself is 4e-5 of the largest entry
  // off float64 (more than CNTK_RELATIVE allows); its transfers and NNGP are still compared
  const cases: [string, number, () => KernelMatrices, boolean][] = [
    ['cntk, one block', 1, () => kernelMatrix(gap, images, undefined, { quiet: true }), true],
    [
      'cntk, 2×2-image blocks',
      6,
      () => kernelMatrix(gap, images, undefined, { quiet: true, memoryBudget: 40_000 }),
      true,
    ],
    ['cntk, against other images', 1, () => kernelMatrix(gap, images, others, { quiet: true }), true],
    ['fully connected (NNGP)', 1, () => kernelMatrix(fullyConnected, vectors, undefined, { quiet: true }), false],
  ];
  return cases.map(([name, blocks, run, withNtk]) => {
    const { onGpu, onCpu, transfers, liveBefore, liveAfter } = onBothBackends(gpujs, run);
    return {
      name,
      blocks,
      device: [...onGpu.nngp.data, ...(withNtk ? onGpu.ntk.data : [])],
      cpu: [...onCpu.nngp.data, ...(withNtk ? onCpu.ntk.data : [])],
      transfers,
      liveBefore,
      liveAfter,
    };
  });
}

/**
 * Runs the checks on `gpujs` (a gpujs Backend in a WebGL mode) with `ops` ops in the loop.
 * @example deviceReport(backendByName('gpujs')).liveMax // 1
 */
export function deviceReport(gpujs: GpuJsBackend, ops = 10_000): DeviceReport {
  const device = gpujs.device;
  const live = () => device?.liveCount() ?? 0;
  const liveBefore = live();
  let liveMax = liveBefore;
  ad.withBackend(gpujs, () => {
    let x = ad.tensor([0.5, -0.25, 2, 1], { dtype: 'float32' });
    for (let i = 0; i < ops / 4; i++) {
      const previous = x;
      x = ad.tidy(() => previous.mul(0.5).add(1).sub(0.5).tanh());
      previous.dispose();
      liveMax = Math.max(liveMax, live());
    }
    x.dispose();
  });
  const liveAfter = live();
  const uploaded = device?.upload(Float32Array.of(1.5, -2, 3e-8));
  const upload = uploaded ? Array.from(uploaded.read()) : [];
  uploaded?.release();

  const x = ad.randomNormal([6, 5], { seed: 11, dtype: 'float32' });
  const w = ad.randomNormal([5, 3], { seed: 12, dtype: 'float32' });
  const onDevice = ad.withBackend(gpujs, () => ad.tidy(() => chain(x, w)));
  const host = { ...gpujs, device: undefined };
  const onHost = ad.withBackend(host, () => chain(x, w));

  // tanh twice: one kernel also reads its own output
  const late = (early: ad.Tensor) => x.sin().add(early).tanh().tanh();
  const limit = gpujs.runtime.cacheLimit;
  gpujs.runtime.setCacheLimit(1);
  const early = ad.withBackend(gpujs, () => x.exp());
  const evicted = ad.withBackend(gpujs, () => ad.tidy(() => late(early)));
  gpujs.runtime.setCacheLimit(limit);
  const earlyHost = ad.withBackend(host, () => x.exp());
  const evictedHost = ad.withBackend(host, () => late(earlyHost));

  const w1 = ad.randomNormal([5, 8], { seed: 13, dtype: 'float32' });
  const w2 = ad.randomNormal([8, 2], { seed: 14, dtype: 'float32' });
  const y = ad.randomNormal([6, 2], { seed: 15, dtype: 'float32' });
  const stepDevice = ad.withBackend(gpujs, () => sgdStep(w1, w2, x, y));
  const stepCpu = ad.withBackend(cpuBackend, () => sgdStep(w1, w2, x, y));
  const transfers = reuse(gpujs);
  const pool = pooling(gpujs);
  const images = ad.randomUniform([6, 2, 5, 5], { seed: 19, dtype: 'float32' });
  const cntkLive = live();
  const resident = cntkResident(gpujs, images);
  const cntkLiveAfter = live();
  const cntkCpu = ad.withBackend(cpuBackend, () =>
    kernelMatrix(cntk({ depth: 4, readout: 'gap' }), images, undefined, { quiet: true }),
  );
  const report: DeviceReport = {
    resident: device !== undefined,
    ops,
    liveBefore,
    liveMax,
    liveAfter,
    upload,
    chain: { onDevice: onDevice.onDevice, device: Array.from(onDevice.data), host: Array.from(onHost.data) },
    evicted: {
      device: [...early.data, ...evicted.data],
      host: [...earlyHost.data, ...evictedHost.data],
    },
    step: { onDevice: stepDevice.onDevice, device: Array.from(stepDevice.data), cpu: Array.from(stepCpu.data) },
    transfers,
    pool,
    cnn: device ? cnnReport(gpujs) : undefined,
    cntk: {
      device: Array.from(resident.ntk.data),
      host: Array.from(cntkResident(gpujs, images, 4, true).ntk.data),
      cpu: Array.from(cntkCpu.ntk.data),
      ...resident.transfers,
      liveBefore: cntkLive,
      liveAfter: cntkLiveAfter,
    },
    kernelMatrix: { setupUploads: resident.transfers.setup.uploads, cases: publicKernelMatrix(gpujs, images) },
    readouts: readoutReport(gpujs, images),
  };
  for (const tensor of [onDevice, early, evicted, stepDevice]) tensor.dispose();
  return report;
}
