/**
 * gather/scatterAdd indices on a resident backend (autodiff/indices.ts): maxPool2d's argmax made
 * and kept on the device, host indices uploaded once per op and shared with its gradients,
 * index storage freed by tidy; results equal to the host path. The device is host memory here
 * (resident-double.ts); test/web/device.ts runs the same on WebGL.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { cpuBackend } from '../../gpu/cpu/index.ts';
import { withBackend } from '../../gpu/registry.ts';
import type { Pool2dSpec, Storage } from '../../gpu/backend.ts';
import { crossEntropy } from '../../src/nn/losses.ts';
import { HeldIndices, residentDouble } from './resident-double.ts';

/** The double, with every index array its maxPool2dIndices made. */
function recordingDouble() {
  const backend = residentDouble();
  const made: HeldIndices[] = [];
  const search = backend.device.maxPool2dIndices;
  backend.device.maxPool2dIndices = (x: Storage, spec: Pool2dSpec) => {
    const indices = search(x, spec) as HeldIndices;
    made.push(indices);
    return indices;
  };
  return { backend, made };
}

/** conv → relu → maxPool2d → linear → crossEntropy: the loss and the gradients of both weights. */
function cnnStep(x: ad.Tensor, w: ad.Tensor, v: ad.Tensor, labels: Int32Array, kernel: number, stride: number) {
  return ad.tidy(() => {
    const [loss, [gw, gv]] = ad.valueAndGrad(
      (a: ad.Tensor, b: ad.Tensor) => {
        const pooled = ad.maxPool2d(ad.conv2d(x, a, { padding: 1 }).relu(), { kernel, stride, padding: 1 });
        return crossEntropy(pooled.reshape([x.shape[0], -1]).matmul(b), labels);
      },
      [0, 1],
    )(w, v);
    return [loss, gw, gv];
  });
}

describe('gather and scatterAdd indices on a resident backend', () => {
  it('a CNN step keeps the argmax on the device, uploads the labels once, frees all, and equals cpu exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 4, max: 8 }),
        fc.constantFrom([2, 2], [3, 2], [3, 1]),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (batch, size, [kernel, stride], seed) => {
          const x = ad.randomNormal([batch, 2, size, size], { seed, dtype: 'float32' });
          const w = ad.randomNormal([3, 2, 3, 3], { seed: seed + 1, dtype: 'float32' });
          const out = Math.floor((size + 2 - kernel) / stride) + 1;
          const v = ad.randomNormal([3 * out * out, 4], { seed: seed + 2, dtype: 'float32' });
          const labels = Int32Array.from({ length: batch }, (_, i) => (seed + i) % 4);
          const { backend, made } = recordingDouble();
          const live = backend.device.liveCount();
          const onDevice = withBackend(backend, () => cnnStep(x, w, v, labels, kernel, stride));
          const onCpu = withBackend(cpuBackend, () => cnnStep(x, w, v, labels, kernel, stride));
          expect(made.length).toBe(1);
          expect(made[0].reads, 'the argmax is never read back').toBe(0);
          expect(backend.indexUploads, 'the labels go up once, for the gather and its gradient').toBe(1);
          onDevice.forEach((tensor, i) => expect(Array.from(tensor.data)).toEqual(Array.from(onCpu[i].data)));
          for (const tensor of [...onDevice, x, w, v]) tensor.dispose();
          expect(backend.device.liveCount(), 'every storage and index array freed').toBe(live);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('host indices: gather, scatterAdd and indexSelect with their second-order gradients equal cpu', () => {
    const run = () =>
      ad.tidy(() => {
        const e = ad.randomNormal([5, 3], { seed: 7, dtype: 'float32' });
        const f = (t: ad.Tensor) =>
          ad
            .indexSelect(t, 0, [4, 1, 1])
            .gather(1, [2, 0, 0, 1, 1, 1], [3, 2])
            .square()
            .sum()
            .add(ad.scatterAdd(t, 1, [0, 0, 3, 1, 2, 3, 3, 3, 0, 1, 1, 1, 2, 2, 0], [5, 4]).tanh().sum());
        const second = ad.grad((t: ad.Tensor) => ad.grad(f)(t).square().sum())(e);
        return [f(e), ad.grad(f)(e), second];
      });
    const backend = residentDouble();
    const live = backend.device.liveCount();
    const onDevice = withBackend(backend, run);
    const onCpu = withBackend(cpuBackend, run);
    onDevice.forEach((tensor, i) => expect(Array.from(tensor.data)).toEqual(Array.from(onCpu[i].data)));
    for (const tensor of onDevice) tensor.dispose();
    expect(backend.device.liveCount()).toBe(live);
  });

  it('indices made on the device are read back once where a host backend takes the gradient', () => {
    const { backend, made } = recordingDouble();
    const x = ad.randomNormal([2, 3, 5, 5], { seed: 5, dtype: 'float32' }).requireGrad();
    const options = { kernel: 3, stride: 2, padding: 1 };
    const pooled = withBackend(backend, () => ad.maxPool2d(x, options));
    const weights = ad.randomNormal(pooled.shape, { seed: 6, dtype: 'float32' });
    withBackend(cpuBackend, () => pooled.mul(weights).sum().backward());
    const viaHost = Array.from(x.grad!.data);
    x.grad = undefined;
    withBackend(cpuBackend, () => ad.maxPool2d(x, options).mul(weights).sum().backward());
    expect(viaHost).toEqual(Array.from(x.grad!.data));
    expect(made[0].reads, 'read back once, for the cpu scatterAdd').toBe(1);
  });

  it('a gradient taken after the tidy scope that freed the argmax says so', () => {
    const backend = residentDouble();
    withBackend(backend, () => {
      const x = ad.randomNormal([1, 1, 4, 4], { seed: 3, dtype: 'float32' }).requireGrad();
      const pooled = ad.tidy(() => ad.maxPool2d(x, { kernel: 2 }));
      expect(() => pooled.sum().backward()).toThrow(
        /gather: cannot use indices made on the device after they were freed/,
      );
    });
  });
});
