/**
 * The gpujs backend's storage in Node's default webasm mode: host arrays only (no `device`
 * kernels, no textures), so tensors and every result are as before; the device-only entry
 * points refuse with the mode named. (The WebGL modes' device storage is tested in
 * test/web and test/gpu/gpujs-headlessgl.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { createGpuJsBackend } from '../../gpu/gpujs/index.ts';
import { float32 } from '../../gpu/gpujs/runtime.ts';
import { HeldStorage } from '../autodiff/resident-double.ts';

describe('gpujs in webasm mode keeps host storage', () => {
  const backend = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'webasm' });

  it('has no device kernels and no live textures; results are typed arrays, equal to the cpu path through the same kernels', () => {
    expect(backend.device).toBeUndefined();
    expect(backend.runtime.device).toBeUndefined();
    const x = ad.tensor([0.5, -1, 2, 3], { dtype: 'float32', shape: [2, 2] });
    const y = ad.withBackend(backend, () => ad.tidy(() => x.matmul(x).exp().sum(1)));
    expect(y.onDevice).toBe(false);
    expect(y.storage).toBeInstanceOf(Float32Array);
    expect(y.data).toBe(y.storage);
    expect(backend.runtime.liveTextures).toBe(0);
    const direct = backend.reduce('sum', backend.unary('exp', backend.matmul(x.data, x.data, spec2x2)), [2, 2], [1]);
    expect(Array.from(y.data)).toEqual(Array.from(direct));
  });

  it('refuses upload in a mode without a device, and storage it cannot read in place', () => {
    expect(() => backend.runtime.upload(Float32Array.of(1))).toThrow(
      /^gpujs upload: mode webasm keeps no storage on a device$/,
    );
    const foreign = new HeldStorage(Float32Array.of(1), () => {});
    expect(() => float32(foreign, 'unary(exp)')).toThrow(
      /^gpujs unary\(exp\): expected a Float32Array or a gpujs texture$/,
    );
  });
});

const spec2x2 = { batch: 1, m: 2, k: 2, n: 2, transposeA: false, transposeB: false, strideA: 0, strideB: 0 };
