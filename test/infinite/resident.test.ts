/**
 * The resident dispatch of kernelMatrix (src/infinite/resident.ts) without a GPU: gpujs in
 * webasm mode, its residentBlock a ResidentBlock on the host runner (the same steps a WebGL
 * device runs, with host arrays between them). Every block must take that path, and give the
 * values of the ordinary layer path on the same backend within CNTK_RELATIVE of the largest
 * entry (the same float32 steps, but Σ⁰ and the variances are summed in another order: a few
 * ulps apart). The device itself is tested in test/web and test/gpu/gpujs-headlessgl.test.ts.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { ResidentBlock, createGpuJsBackend, type GpuJsBackend } from '../../gpu/gpujs/index.ts';
import {
  cntk,
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

/** The webasm backend with a host-run residentBlock that counts its blocks. */
function hostResident(gpujs: GpuJsBackend): { backend: GpuJsBackend; blocks: () => number } {
  let blocks = 0;
  const { runtime } = gpujs;
  const backend: GpuJsBackend = {
    ...gpujs,
    infinite: {
      ...gpujs.infinite,
      residentBlock(x1, x2, channels, pairs, geometry, scale) {
        blocks++;
        return new ResidentBlock(
          runtime,
          runtime,
          x1 as Float32Array,
          x2 as Float32Array,
          channels,
          pairs,
          geometry,
          scale,
        );
      },
    },
  };
  return { backend, blocks: () => blocks };
}

describe('kernelMatrix through InfiniteKernels.residentBlock', () => {
  const gpujs = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'webasm' });
  const x = ad.randomUniform([5, 2, 4, 4], { seed: 31, dtype: 'float32' });
  const y = ad.randomUniform([3, 2, 4, 4], { seed: 32, dtype: 'float32' });
  const vectors = ad.randomNormal([5, 6], { seed: 33, dtype: 'float32' });
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
});
