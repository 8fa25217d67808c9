/** Tensor storage: host by default, device storage on a resident backend (read back once, freed by dispose and tidy). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { withBackend } from '../../gpu/registry.ts';
import { HeldStorage, residentDouble } from './resident-double.ts';

describe('on the default (host) path', () => {
  it('storage is the typed array, and tidy and dispose change no values', () => {
    const x = ad.tensor([1, 2, 3]);
    expect(x.onDevice).toBe(false);
    expect(x.storage).toBe(x.data);
    const y = ad.tidy(() => x.mul(2).add(1));
    expect(y.toArray()).toEqual([3, 5, 7]);
    expect(x.toArray()).toEqual([1, 2, 3]);
  });

  it('a disposed tensor names itself when used again', () => {
    const x = ad.tensor([1, 2]);
    x.dispose();
    x.dispose(); // idempotent
    expect(x.disposed).toBe(true);
    expect(() => x.data).toThrow(/used after dispose\(\) \(float32, shape \[2\]\)/);
    expect(() => ad.exp(x)).toThrow(/^exp: input 0 was disposed \(shape \[2\]\)$/);
  });

  it('tidy refuses what it cannot scope', () => {
    expect(() => ad.tidy(42 as unknown as () => void)).toThrow(/^tidy: fn must be a function, got number$/);
    expect(() => ad.tidy(async () => 1)).toThrow(/^tidy: fn returned a Promise/);
  });
});

describe('on a resident backend', () => {
  it('op results stay on the device and are read back once', () => {
    const backend = residentDouble();
    withBackend(backend, () => {
      const y = ad.tensor([1, 2, 3], { dtype: 'float32' }).mul(2);
      expect(y.onDevice).toBe(true);
      const held = y.storage as HeldStorage;
      expect(held.reads).toBe(0);
      expect(y.toArray()).toEqual([2, 4, 6]);
      y.data;
      expect(held.reads).toBe(2); // the double does not cache; the Tensor reads through DeviceStorage.read
    });
  });

  it('a chain of ops equals the host path, and a device tensor meeting the cpu backend is read back', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 12 }), (values) => {
        const chain = (x: ad.Tensor) => x.tanh().mul(x).add(1).exp().sum(0, true).mul(x).sub(x.mean());
        const host = chain(ad.tensor(values, { dtype: 'float32' }));
        const backend = residentDouble();
        const device = withBackend(backend, () => ad.tidy(() => chain(ad.tensor(values, { dtype: 'float32' }))));
        expect(device.onDevice).toBe(true);
        expect(Array.from(device.data)).toEqual(Array.from(host.data));
        expect(backend.device.liveCount()).toBe(1);
        expect(device.add(1).onDevice).toBe(false); // cpu is active again: host result
      }),
      { numRuns: 40 },
    );
  });

  it('a 10,000-op loop inside tidy keeps the live count bounded', () => {
    const backend = residentDouble();
    withBackend(backend, () => {
      let x = ad.tensor([0.5, -0.25, 2], { dtype: 'float32' });
      for (let i = 0; i < 2500; i++) {
        const previous = x;
        x = ad.tidy(() => previous.mul(0.5).add(1).sub(0.5).tanh());
        previous.dispose();
        expect(backend.device.liveCount()).toBeLessThanOrEqual(1);
      }
      expect(backend.device.liveCount()).toBe(1);
      x.dispose();
      expect(backend.device.liveCount()).toBe(0);
    });
  });

  it('tensors sharing storage (reshape, detach) free it when the last lets go; nested tidy passes results out; keep exempts', () => {
    const backend = residentDouble();
    withBackend(backend, () => {
      const [a, kept] = ad.tidy(() => {
        const inner = ad.tidy(() => {
          const t = ad.tensor([1, 2, 3, 4], { dtype: 'float32' }).add(1);
          return { t, r: t.reshape([2, 2]) };
        });
        expect(backend.device.liveCount()).toBe(1); // t and r share one storage
        const k = ad.keep(inner.t.mul(3));
        return [inner.r.detach(), k];
      });
      expect(backend.device.liveCount()).toBe(2); // a shares r's storage; k kept
      expect(a.toArray()).toEqual([2, 3, 4, 5]);
      expect(kept.toArray()).toEqual([6, 9, 12, 15]);
      a.dispose();
      kept.dispose();
      expect(backend.device.liveCount()).toBe(0);
    });
  });

  it('a training step on the device matches the cpu, with nothing left on the device but the new weights', () => {
    const step = (w: ad.Tensor, x: ad.Tensor, y: ad.Tensor) =>
      ad.tidy(() => {
        const [loss, g] = ad.valueAndGrad((w: ad.Tensor) => x.matmul(w).relu().sub(y).square().mean())(w);
        return { loss, w: w.sub(g.mul(0.1)) };
      });
    const w0 = ad.randomNormal([4, 3], { seed: 1, dtype: 'float32' });
    const x = ad.randomNormal([5, 4], { seed: 2, dtype: 'float32' });
    const y = ad.randomNormal([5, 3], { seed: 3, dtype: 'float32' });
    const host = step(w0, x, y);
    const backend = residentDouble();
    const device = withBackend(backend, () => step(w0, x, y));
    expect(device.w.onDevice).toBe(true);
    // loss, the new weights, and the device copies of w0, x, y (made once, on first use)
    expect(backend.device.liveCount()).toBe(5);
    // w0, x, y, w0's grad-requiring twin (made before w0 had a copy to share) and the step's scalars, freed by tidy
    const first = backend.uploads;
    expect(Array.from(device.w.data)).toEqual(Array.from(host.w.data));
    expect(device.loss.item()).toBe(host.loss.item());
    const again = withBackend(backend, () => step(w0, x, y));
    expect(backend.uploads - first).toBe(first - 4); // only the scalars again: the twin now shares w0's copy
    for (const tensor of [w0, x, y, again.w, again.loss]) tensor.dispose();
    expect(backend.device.liveCount()).toBe(2); // loss and the new weights
  });

  it('host tensors upload once on first device use, keep their host values, and free the copy with their tidy scope', () => {
    const backend = residentDouble();
    withBackend(backend, () => {
      const outside = ad.tensor([1, 2, 3], { dtype: 'float32' });
      expect(backend.uploads).toBe(0); // creation does not upload
      const [returned, kept] = ad.tidy(() => {
        const inner = ad.tensor([4, 5, 6], { dtype: 'float32' });
        const held = ad.tensor([7, 8, 9], { dtype: 'float32' });
        const returned = ad.tensor([1, 1, 1], { dtype: 'float32' });
        const product = ad.tidy(() => outside.mul(inner).add(held).mul(returned)); // inner's copy: in the outer scope
        expect(backend.uploads).toBe(4);
        expect(backend.device.liveCount()).toBe(5); // four copies and the product
        product.dispose();
        ad.keep(held);
        return [returned, held];
      });
      // inner's copy is gone; outside's (made after its creation, outside tidy), returned's and kept's stay
      expect(backend.device.liveCount()).toBe(3);
      expect(outside.onDevice).toBe(false);
      expect(outside.data).toBeInstanceOf(Float32Array); // the host array, not a read of the copy
      expect(outside.storage).not.toBe(outside.data);
      expect(returned.add(kept).toArray()).toEqual([8, 9, 10]);
      expect(backend.uploads).toBe(4); // reused
      const value = returned.add(kept); // outside tidy: stays
      for (const tensor of [outside, returned, kept, value]) tensor.dispose();
      expect(backend.device.liveCount()).toBe(1); // the result of the earlier add (never disposed)
    });
    const other = residentDouble();
    const x = ad.tensor([2], { dtype: 'float32' });
    withBackend(backend, () => x.mul(x));
    withBackend(other, () => expect(x.mul(x).toArray()).toEqual([4])); // another device: a fresh copy there
    expect(other.uploads).toBe(1);
    expect(x.add(1).onDevice).toBe(false); // on cpu the host values serve
  });

  it('refuses released storage', () => {
    const storage = new HeldStorage(Float32Array.of(1), () => {});
    storage.release();
    expect(() => new ad.Tensor(storage, [1], 'float32')).toThrow(/^Tensor: device storage was already released$/);
  });
});
