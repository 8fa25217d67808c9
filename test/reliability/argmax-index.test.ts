/**
 * argmax indices are exact beyond 2^24, where float32 rounds integers: on the cpu backend
 * they come back in float64 (exact to 2^53, as PyTorch's int64); the gpujs backend computes
 * in float32 only and returns float32 indices, exact because it holds every array to 2^23
 * elements (larger inputs are refused with an error naming the op).
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { gpujs } from '../gpu/gpujs-helpers.ts';

describe('argmax indices', () => {
  it('are float64 on cpu, exact past 2^24 (2^24 + 3 elements)', () => {
    const size = 2 ** 24 + 3;
    const values = new Float32Array(size);
    values[size - 1] = 1; // the maximum at the last index, 2^24 + 2
    const last = ad.argmax(ad.tensor(values), 0);
    expect(last.dtype).toBe('float64');
    expect(last.item()).toBe(2 ** 24 + 2);
    values[size - 2] = 2; // now at 2^24 + 1, which float32 cannot hold (it rounds to 2^24)
    const odd = ad.argmax(ad.tensor(values), 0).item();
    expect(odd).toBe(2 ** 24 + 1);
    expect(Math.fround(odd)).toBe(2 ** 24);
  });
  it('keep float64 for float64 inputs and along inner axes', () => {
    const x = ad.tensor(
      [
        [1, 3, 2],
        [5, 4, 6],
      ],
      { dtype: 'float64' },
    );
    expect(ad.argmax(x, 1).toArray()).toEqual([1, 2]);
    expect(ad.argmax(x, 0, true).shape).toEqual([1, 3]);
  });
  it('are exact on gpujs up to its 2^23-element limit, and larger inputs are refused', () => {
    ad.withBackend('gpujs', () => {
      const size = 2 ** 22 + 3; // webasm takes a few seconds at this size
      const values = new Float32Array(size);
      values[size - 1] = 1;
      const index = ad.argmax(ad.tensor(values), 0);
      expect(index.dtype).toBe('float32');
      expect(index.item()).toBe(size - 1);
    });
    expect(() => gpujs().argmax(new Float32Array(2 ** 23 + 1), [2 ** 23 + 1], 0)).toThrow(/gpujs argmax: .*2\^23/);
  });
});
