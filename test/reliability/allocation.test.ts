/**
 * Storage too large for one array fails at once, naming the op, the shape and the size, on
 * every path that allocates (creation, op outputs, pooling, stridedSlice's padding), instead
 * of V8's `RangeError: Invalid typed array length`; an engine out-of-memory inside an op is
 * reported as such, with the op and the shape.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { allocating, checkAllocation, MAX_ELEMENTS } from '../../autodiff/allocation.ts';

const x = ad.zeros([2, 2]);

describe('a size check before any storage is made', () => {
  it('names the op, the shape, the count and the bytes', () => {
    expect(() => ad.zeros([1e6, 1e6])).toThrow(
      'zeros: shape [1000000,1000000] needs 1e12 float32 values (4 TB), more than one tensor can hold (at most 2^31−1 elements)',
    );
    expect(() => ad.ones([2 ** 16, 2 ** 16], { dtype: 'float64' })).toThrow(
      'ones: shape [65536,65536] needs 4.29e9 float64 values (34.4 GB)',
    );
    expect(() => ad.randomNormal([1e6, 1e6], { seed: 1 })).toThrow('randomNormal: shape [1000000,1000000] needs 1e12');
    expect(() => ad.full([2 ** 31], 1)).toThrow('full: shape [2147483648] needs 2.15e9 float32 values');
  });
  it('covers op outputs, whatever op computes them', () => {
    expect(() => ad.broadcastTo(x, [1e6, 1e6, 2, 2])).toThrow('broadcastTo: shape [1000000,1000000,2,2] needs 4e12');
    expect(() =>
      ad.pad(x, [
        [1e9, 1e9],
        [0, 0],
      ]),
    ).toThrow('pad: shape [2000000002,2] needs 4e9');
    expect(() => ad.scatterAdd(x, 0, [0, 1, 0, 1], [1e9, 1e9])).toThrow('scatterAdd: shape [1000000000,1000000000]');
    expect(() => ad.conv2d(ad.zeros([1, 1, 2, 2]), ad.zeros([1, 1, 1, 1]), { padding: 1e5 })).toThrow(
      'conv2d: shape [1,1,200002,200002] needs 4e10 float32 values (160 GB)',
    );
    expect(() => ad.stridedSlice(ad.zeros([4]), [0], [Infinity], [1e12])).toThrow(
      'stridedSlice: shape [1000000000000]',
    );
  });
  it('lets the largest allowed size through the check', () => {
    expect(() => checkAllocation('zeros', [MAX_ELEMENTS], 'float32')).not.toThrow();
    expect(() => checkAllocation('zeros', [MAX_ELEMENTS + 1], 'float32')).toThrow('zeros: shape [2147483648]');
  });
});

describe('an engine out-of-memory', () => {
  it('is reported as such, naming the op and the shape, with the engine error as cause', () => {
    const failure = new RangeError('Array buffer allocation failed');
    let thrown: unknown;
    try {
      allocating('matmul', [4096, 4096], 'float64', () => {
        throw failure;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe(
      'matmul: out of memory computing shape [4096,4096] (1.68e7 float64 values (134 MB)): Array buffer allocation failed',
    );
    expect((thrown as Error).cause).toBe(failure);
  });
  it('leaves other errors alone', () => {
    const other = new RangeError('Maximum call stack size exceeded');
    expect(() =>
      allocating('sum', [2], 'float32', () => {
        throw other;
      }),
    ).toThrow(other);
  });
});
