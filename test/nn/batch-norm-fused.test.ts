/**
 * BatchNorm through the cpu's fused channel primitives (autodiff/ops/channels.ts) against the same
 * layer composed from elementwise ops (the cpu backend without its channel kernels, as gpujs runs
 * it): outputs, input and parameter gradients and running statistics agree in float64, training
 * and eval, with and without affine, [N, C] and [N, C, H, W]; second derivatives pass gradcheck.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { channelKernelsAvailable } from '../../autodiff/ops/channels.ts';
import { cpuBackend } from '../../gpu/cpu/index.ts';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from '../../src/nn/index.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;
const composedCpu = { ...cpuBackend, channels: undefined };

/** Output, input gradient, parameter gradients and running statistics of one training or eval step. */
function run(layer: BatchNorm, x: ad.Tensor, readout: ad.Tensor, training: boolean): number[][] {
  if (training) layer.train();
  else layer.eval();
  layer.zeroGrad();
  const input = x.detach().requireGrad();
  const y = layer.forward(input);
  y.mul(readout).sum().add(y.square().mean()).backward();
  const parameters = layer.parameters().map((p) => Array.from(p.grad!.data));
  return [y, input.grad!, layer.runningMean.value, layer.runningVariance.value]
    .map((t) => Array.from(t.data))
    .concat(parameters);
}

function makeLayer(twoD: boolean, channels: number, affine: boolean, seed: number): BatchNorm {
  const layer = twoD
    ? new BatchNorm2d(channels, { affine, ...float64 })
    : new BatchNorm1d(channels, { affine, ...float64 });
  layer.parameters().forEach((p, j) => p.assign(ad.randomNormal(p.shape, { seed: seed + j, mean: 1, ...float64 })));
  layer.runningMean.assign(ad.randomNormal([channels], { seed: seed + 5, ...float64 }));
  layer.runningVariance.assign(ad.randomUniform([channels], { seed: seed + 6, low: 0.5, high: 2, ...float64 }));
  return layer;
}

describe('BatchNorm: fused channel primitives vs the composition', () => {
  it('the cpu backend runs the fused path, the composed double does not', () => {
    expect(ad.withBackend(cpuBackend, channelKernelsAvailable)).toBe(true);
    expect(ad.withBackend(composedCpu, channelKernelsAvailable)).toBe(false);
  });

  it('outputs, gradients and running statistics agree in float64', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 4 }),
        fc.nat(1000),
        (twoD, affine, training, channels, batch, seed) => {
          const shape = twoD ? [batch, channels, 3, 2] : [batch, channels];
          const x = ad.randomNormal(shape, { seed, mean: 3, std: 2, ...float64 });
          const readout = ad.randomNormal(shape, { seed: seed + 1, ...float64 });
          const fused = ad.withBackend(cpuBackend, () =>
            run(makeLayer(twoD, channels, affine, seed), x, readout, training),
          );
          const composed = ad.withBackend(composedCpu, () =>
            run(makeLayer(twoD, channels, affine, seed), x, readout, training),
          );
          // float64 paths of one function with different roundings: a few hundred ulps of the largest value
          fused.forEach((values, k) => expectClose(values, composed[k], 1e-12, 1e-11));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('second derivatives through the fused primitives pass gradcheck', () => {
    for (const twoD of [true, false]) {
      const layer = makeLayer(twoD, 3, true, 7);
      const shape = twoD ? [2, 3, 2, 2] : [4, 3];
      const x = ad.randomNormal(shape, { seed: 1, ...float64 });
      const readout = ad.randomNormal(shape, { seed: 2, ...float64 });
      const probe = ad.randomNormal(shape, { seed: 3, ...float64 });
      const loss = (t: ad.Tensor) => {
        const y = layer.forward(t);
        return y.mul(readout).sum().add(y.square().mean());
      };
      // ⟨∇ₓ loss, probe⟩ as a function of x: its gradient is the Hessian-vector product
      ad.gradcheck((t) => ad.grad(loss)(t).mul(probe).sum(), [x], { atol: 1e-6, rtol: 1e-4 });
    }
  });
});
