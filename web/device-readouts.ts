/**
 * The readout part of the device checks (web/device-check.ts; judged by test/web/device-readouts.ts):
 * several kernels of one block of pairs kept on the device (issue #23) through the public calls:
 * a CNTK depth sweep (cntkDepthSweep: each depth's final layers branch off the deepest chain)
 * and vanilla, GAP and LAP readouts of one trunk (blockedKernelMatrices, as enhanced-cntk's LAP
 * sweep), on gpujs and on cpu, with the copies and live textures around each call. Each block's
 * layers stay on the device and each readout is read back once.
 */
import * as ad from '../autodiff/index.ts';
import type { GpuJsBackend } from '../gpu/gpujs/index.ts';
import { cntkDepthSweep } from '../src/infinite/depth-sweep.ts';
import { blockedKernelMatrices, type KernelMatrices } from '../src/infinite/kernel-matrix.ts';
import { readout, type Network } from '../src/infinite/layers.ts';
import { cntk } from '../src/infinite/presets.ts';
import { onBothBackends } from './device-measure.ts';

type Transfers = { uploads: number; downloads: number };

/** One call: its blocks and readouts, Σ and Θ of every readout on gpujs and on cpu, its copies, the live textures around it. */
export interface ReadoutCase {
  name: string;
  blocks: number;
  readouts: number;
  /** LAP readouts among them: each uploads its two weight vectors (gpu/gpujs/infinite.ts, linearKernel). */
  lapReadouts: number;
  /** The most ReLU steps a readout passes through (depth − 1). */
  reluSteps: number;
  device: number[];
  cpu: number[];
  transfers: Transfers;
  liveBefore: number;
  liveAfter: number;
}

/** The cases, and the largest error of the device's acos on [−1, 1] (the ReLU step's angle; its bound in the judge). */
export interface ReadoutReport {
  acosError: number;
  cases: ReadoutCase[];
}

/**
 * The largest |acos(x) − fl(acos x)| of `gpujs`'s kernels over 2^16 points of [−1, 1]: GLSL
 * leaves acos's precision to the implementation (Mesa's llvmpipe is off by 1.6e-4 rad), and
 * the ReLU step's arc-cosine kernels carry that error (gpu/gpujs/infinite.ts, reluKernel).
 */
function acosError(gpujs: GpuJsBackend): number {
  const n = 2 ** 16;
  const x = Float32Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const recipe = {
    source: 'function(x) { return Math.acos(x[this.thread.x]); }',
    output: [n],
    constants: {},
    returnType: 'Float' as const,
  };
  const angles = gpujs.runtime.run('acos probe', recipe, [x], n);
  return x.reduce((worst, value, i) => Math.max(worst, Math.abs(angles[i] - Math.acos(value))), 0);
}

/** Σ then Θ of every readout, in order. */
const values = (matrices: readonly Partial<KernelMatrices>[]): number[] =>
  matrices.flatMap((kernels) => [...kernels.nngp!.data, ...kernels.ntk!.data]);

/**
 * The depth sweep and multi-readout calls on `gpujs` and on cpu, on `images` ([6, 2, 5, 5])
 * and 4 other images.
 * @example readoutReport(backendByName('gpujs') as GpuJsBackend, images).cases[0].transfers.downloads // 3
 */
export function readoutReport(gpujs: GpuJsBackend, images: ad.Tensor): ReadoutReport {
  const others = ad.randomUniform([4, 2, 5, 5], { seed: 23, dtype: 'float32' });
  // vanilla, GAP and LAP(1) readouts (then the output layer) of one circular CNTK trunk, up to its last ReLU
  const network = cntk({ depth: 3, readout: 'gap', padding: 'circular' });
  const trunk: Network = { ...network, layers: network.layers.slice(0, -2) };
  const output = network.layers[network.layers.length - 1];
  const readouts = [readout('vanilla'), readout('gap'), readout({ lap: 1 })].map((pool): Network => ({
    ...network,
    layers: [pool, output],
  }));
  const threeReadouts = (flip: boolean) =>
    blockedKernelMatrices(
      network,
      [{ trunk, readouts }],
      images,
      others,
      { quiet: true, flip },
      ['nngp', 'ntk'],
      'readoutReport',
    );
  // the vanilla band of 5×5 images keeps 25 entries a pair: 1,600 bytes allow 4 pairs a block,
  // 2 images a side (6 blocks); depths ≤ 4, which CNTK_RELATIVE covers (test/web/device.ts)
  const cases: [string, number, number, number, number, () => Partial<KernelMatrices>[]][] = [
    [
      'depth sweep 2, 3, 4 (GAP, fix), one block',
      1,
      3,
      0,
      3,
      () => cntkDepthSweep({ depths: [2, 3, 4], readout: 'gap', fix: true }, images, undefined, { quiet: true }),
    ],
    [
      'depth sweep 3, 4 (vanilla), 2×2-image blocks',
      6,
      2,
      0,
      3,
      () => cntkDepthSweep({ depths: [3, 4] }, images, undefined, { quiet: true, memoryBudget: 1_600 }),
    ],
    ['vanilla, GAP, LAP(1) against other images', 1, 3, 1, 2, () => threeReadouts(false)],
    ['vanilla, GAP, LAP(1) with flip', 2, 3, 1, 2, () => threeReadouts(true)],
  ];
  const error = acosError(gpujs);
  const measured = cases.map(([name, blocks, count, lapReadouts, reluSteps, run]) => {
    const { onGpu, onCpu, transfers, liveBefore, liveAfter } = onBothBackends(gpujs, run);
    return {
      name,
      blocks,
      readouts: count,
      lapReadouts,
      reluSteps,
      device: values(onGpu),
      cpu: values(onCpu),
      transfers,
      liveBefore,
      liveAfter,
    };
  });
  return { acosError: error, cases: measured };
}
