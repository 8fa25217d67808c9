/**
 * The resident dispatch of kernelMatrix (src/infinite/resident.ts) without a GPU: gpujs in
 * webasm mode, its residentBlock a ResidentBlock on the host runner (the same steps a WebGL
 * device runs, with host arrays between them). Every block must take that path, and give the
 * values of the ordinary layer path on the same backend within CNTK_RELATIVE of the largest
 * entry (the same float32 steps, but Σ⁰ and the variances are summed in another order: a few
 * ulps apart). Several readouts of a block (a depth sweep, vanilla/GAP/LAP of one trunk) branch
 * off it: one read per readout and block. The device itself is tested in test/web and test/gpu/gpujs-headlessgl.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import type { ResidentSteps } from '../../gpu/infinite.ts';
import { ResidentBlock, createGpuJsBackend, type GpuJsBackend } from '../../gpu/gpujs/index.ts';
import { blockedKernelMatrices } from '../../src/infinite/kernel-matrix.ts';
import {
  cntk,
  cntkDepthSweep,
  conv,
  dense,
  kernelMatrix,
  nngpMatrix,
  readout,
  relu,
  serial,
  type Network,
} from '../../src/infinite/index.ts';
import { expectWithin } from '../helpers/close.ts';
import { CNTK_RELATIVE } from '../web/device.ts';

/** Within CNTK_RELATIVE of the largest magnitude of `expected`. */
function expectClose(actual: ArrayLike<number>, expected: Float64Array, what: string): void {
  const largest = Math.max(...expected.map(Math.abs));
  expectWithin(actual, expected, () => CNTK_RELATIVE * largest, what);
}

/** Counts read() calls of `steps` and of every branch of it. */
function countReads<T extends ResidentSteps>(steps: T, onRead: () => void): T {
  const read = steps.read.bind(steps);
  const branch = steps.branch.bind(steps);
  steps.read = () => {
    onRead();
    return read();
  };
  steps.branch = () => countReads(branch(), onRead);
  return steps;
}

/** The webasm backend with a host-run residentBlock that counts its blocks and reads. */
function hostResident(gpujs: GpuJsBackend): { backend: GpuJsBackend; blocks: () => number; reads: () => number } {
  let blocks = 0,
    reads = 0;
  const { runtime } = gpujs;
  const backend: GpuJsBackend = {
    ...gpujs,
    infinite: {
      ...gpujs.infinite,
      residentBlock(x1, x2, channels, pairs, geometry, scale) {
        blocks++;
        const block = new ResidentBlock(
          runtime,
          runtime,
          x1 as Float32Array,
          x2 as Float32Array,
          channels,
          pairs,
          geometry,
          scale,
        );
        return countReads(block, () => reads++);
      },
    },
  };
  return { backend, blocks: () => blocks, reads: () => reads };
}

describe('kernelMatrix through InfiniteKernels.residentBlock', () => {
  const gpujs = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'webasm' });
  const x = ad.randomUniform([5, 2, 4, 4], { seed: 31, dtype: 'float32' });
  const y = ad.randomUniform([3, 2, 4, 4], { seed: 32, dtype: 'float32' });
  const vectors = ad.randomNormal([5, 6], { seed: 33, dtype: 'float32' });
  const larger = ad.randomUniform([4, 1, 7, 7], { seed: 34, dtype: 'float32' });
  const cases: [string, Network, ad.Tensor, ad.Tensor | undefined, number | undefined][] = [
    ['cntk vanilla, depth 3', cntk({ depth: 3, readout: 'vanilla' }), x, undefined, undefined],
    ['cntk gap, against y', cntk({ depth: 4, readout: 'gap' }), x, y, undefined],
    // 4×4 GAP keeps 16×16 entries a pair: 4,096 bytes a pair, so 16,384 allow 4 pairs (2×2 images)
    ['cntk gap, 2×2-image blocks', cntk({ depth: 3, readout: 'gap' }), x, undefined, 16_384],
    [
      'lap, circular, a fixed conv',
      serial(
        conv({ padding: 'circular' }),
        relu(),
        conv({ trainable: false, padding: 'circular' }),
        relu(),
        readout({ lap: 1 }),
        dense(),
      ),
      x,
      y,
      undefined,
    ],
    // four halvings of the variances: a block that let them grow (×49 each) would pass 2^23 values
    ['cntk vanilla, depth 6, 7×7 images', cntk({ depth: 6, readout: 'vanilla' }), larger, undefined, undefined],
    [
      'fully connected ending in relu (NNGP)',
      serial(dense({ biasVariance: 0.2 }), relu(), dense({ weightVariance: 2 }), relu()),
      vectors,
      undefined,
      undefined,
    ],
  ];

  it.each(cases)('%s: every block resident, values as on the layer path', (_, network, x1, x2, memoryBudget) => {
    const { backend, blocks } = hostResident(gpujs);
    const options = { quiet: true, memoryBudget };
    const resident = ad.withBackend(backend, () => kernelMatrix(network, x1, x2, options));
    const layered = ad.withBackend(gpujs, () => kernelMatrix(network, x1, x2, options));
    expect(blocks()).toBeGreaterThan(memoryBudget ? 1 : 0);
    expectClose(resident.nngp.data, layered.nngp.data, 'NNGP');
    // a fully connected ReLU NTK is ill-conditioned on the diagonal: κ0 = (π − arccos λ)/π at
    // λ = 1, where float32 cpu itself is 4e-5 of the largest entry off float64 (web/device-check.ts)
    if (x1 !== vectors) expectClose(resident.ntk.data, layered.ntk.data, 'NTK');
  });

  it('flip and nngpMatrix take the resident path too; a network left with positions is refused', () => {
    const { backend, blocks } = hostResident(gpujs);
    const network = cntk({ depth: 3, readout: 'gap' });
    const flipped = ad.withBackend(backend, () => nngpMatrix(network, x, undefined, { quiet: true, flip: true }));
    expect(blocks()).toBe(2);
    expectClose(
      flipped.data,
      ad.withBackend(gpujs, () => nngpMatrix(network, x, undefined, { quiet: true, flip: true })).data,
      'flipped NNGP',
    );
    expect(() =>
      ad.withBackend(backend, () => kernelMatrix(serial(conv(), relu()), x, undefined, { quiet: true })),
    ).toThrow(/kernelMatrix: the network must end without positions/);
  });

  it('a depth sweep: every block resident, one read per depth and block, values as on the layer path', () => {
    const { backend, blocks, reads } = hostResident(gpujs);
    const sweep = { depths: [2, 3, 5], readout: 'gap' as const, fix: true };
    // 16,384 bytes allow 2×2-image blocks (4×4 GAP: 4,096 bytes a pair): 6 blocks of 5 images with themselves
    const options = { quiet: true, memoryBudget: 16_384 };
    const resident = ad.withBackend(backend, () => cntkDepthSweep(sweep, x, undefined, options));
    const layered = ad.withBackend(gpujs, () => cntkDepthSweep(sweep, x, undefined, options));
    expect(blocks()).toBe(6);
    expect(reads()).toBe(6 * sweep.depths.length);
    resident.forEach((depth, i) => {
      expect(depth.depth).toBe(sweep.depths[i]);
      expectClose(depth.nngp.data, layered[i].nngp.data, `depth ${depth.depth} NNGP`);
      expectClose(depth.ntk.data, layered[i].ntk.data, `depth ${depth.depth} NTK`);
    });
  });

  it('vanilla, GAP and LAP readouts of one trunk, flip: one read per readout and block, values as on the layer path', () => {
    const { backend, blocks, reads } = hostResident(gpujs);
    const network = cntk({ depth: 3, readout: 'gap', padding: 'circular' });
    const trunk = { ...network, layers: network.layers.slice(0, -2) };
    const output = network.layers[network.layers.length - 1];
    const readouts = [readout('vanilla'), readout('gap'), readout({ lap: 1 })].map((pool) => ({
      ...network,
      layers: [pool, output],
    }));
    const run = () =>
      blockedKernelMatrices(network, [{ trunk, readouts }], x, y, { quiet: true, flip: true }, ['nngp', 'ntk'], 'test');
    const resident = ad.withBackend(backend, run);
    const layered = ad.withBackend(gpujs, run);
    expect(blocks()).toBe(2); // x against y, and flipped x against y
    expect(reads()).toBe(2 * readouts.length);
    resident.forEach((kernels, i) => {
      expectClose(kernels.nngp!.data, layered[i].nngp!.data, `readout ${i} NNGP`);
      expectClose(kernels.ntk!.data, layered[i].ntk!.data, `readout ${i} NTK`);
    });
  });

  it('a block takes no step while a branch of it is open', () => {
    const pairs = { count1: 2, count2: 2, triangle: true };
    const geometry = { height: 4, width: 4, padding: 'zero' as const, window: 3 };
    const images = x.data.slice(0, 2 * 2 * 16) as Float32Array;
    const block = new ResidentBlock(gpujs.runtime, gpujs.runtime, images, images, 2, pairs, geometry, 0.5);
    const step = { filter: 3 as const, scale: 1 / 9, shift: 0, trainable: true };
    const branch = block.branch();
    branch.linear(step);
    expect(() => block.linear(step)).toThrow(
      /ResidentBlock.linear: 1 branch\(es\) of this block still read its record/,
    );
    branch.release();
    expect(() => block.linear(step).read()).not.toThrow();
    block.release();
  });
});
