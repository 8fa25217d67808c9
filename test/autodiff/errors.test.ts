/** Bad input gets a clear error naming the op and the shapes, never a silent wrong value. */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';

const a = ad.zeros([2, 3]);

describe('errors name the op and the shapes', () => {
  it('shape mismatches', () => {
    expect(() => a.add(ad.zeros([4]))).toThrow('add: shapes [2,3] and [4] cannot be broadcast together');
    expect(() => a.matmul(ad.zeros([4, 2]))).toThrow('matmul: shapes [2,3] and [4,2] do not fit (inner 3 vs 4)');
    expect(() => ad.matmul(ad.zeros([2, 2, 3]), ad.zeros([3, 3, 1]))).toThrow(
      /matmul: batch axes of \[2,2,3\] and \[3,3,1\] cannot be broadcast/,
    );
    expect(() => a.reshape([4, 2])).toThrow('reshape: cannot reshape [2,3] (6 elements) to [4,2]');
    expect(() => a.permute([0, 0])).toThrow('permute: [0,0] is not a permutation of the 2 axes of [2,3]');
    expect(() => a.slice([1, 1], [2, 2])).toThrow('slice: begin [1,1] + size [2,2] exceeds [2,3]');
    expect(() => ad.concat([a, ad.zeros([2, 4])], 0)).toThrow('concat: shapes [2,3], [2,4] differ outside axis 0');
    expect(() => a.broadcastTo([3, 3])).toThrow('broadcastTo: cannot broadcast [2,3] to [3,3]');
    expect(() => a.sum(2)).toThrow('sum: axis 2 is out of range for a tensor of rank 2');
    expect(() => a.sum([1, -1])).toThrow('sum: repeated axis in [1,-1]');
  });
  it('convolution geometry', () => {
    expect(() => ad.conv2d(ad.zeros([3, 32, 32]), ad.zeros([4, 3, 3, 3]))).toThrow(
      'conv2d: input must be rank 4 [N,C,H,W], got [3,32,32]',
    );
    expect(() => ad.conv2d(ad.zeros([1, 3, 8, 8]), ad.zeros([4, 2, 3, 3]))).toThrow(
      'conv2d: weight [4,2,3,3] expects 2 input channels (groups 1), input [1,3,8,8] has 3',
    );
    expect(() => ad.conv2d(ad.zeros([1, 4, 8, 8]), ad.zeros([3, 2, 3, 3]), { groups: 2 })).toThrow(
      'conv2d: groups 2 must divide input channels 4 and output channels 3',
    );
    expect(() => ad.conv2d(ad.zeros([1, 1, 2, 2]), ad.zeros([1, 1, 3, 3]))).toThrow(
      /conv2d: kernel 3x3 .* does not fit input 2x2/,
    );
    expect(() => ad.conv2d(ad.zeros([1, 1, 4, 4]), ad.zeros([1, 1, 3, 3]), { stride: 0 })).toThrow(
      'conv2d: stride must be an integer ≥ 1 or a pair of them, got 0',
    );
    expect(() => ad.maxPool2d(ad.zeros([1, 1, 4, 4]), { kernel: 2, padding: 2 })).toThrow(
      'maxPool2d: padding 2,2 must be at most half the kernel 2x2',
    );
  });
  it('dtypes and types', () => {
    expect(() => a.add(ad.zeros([2, 3], { dtype: 'float64' }))).toThrow(
      'add: dtypes must match, got float32 and float64 (cast one with .cast())',
    );
    expect(() => ad.add(a, 'x' as unknown as number)).toThrow('add: operand must be a Tensor or a number, got string');
    expect(() => ad.neg([1, 2] as unknown as ad.Tensor)).toThrow('neg: input 0 must be a Tensor, got an array');
    expect(() => ad.zeros([2], { dtype: 'int32' as 'float32' })).toThrow(
      "zeros: dtype must be 'float32' or 'float64', got int32",
    );
    expect(() => ad.tensor([[1, 2], [3]])).toThrow(
      'tensor: ragged nested array: values[1] has shape [1] but values[0] has [2]',
    );
    expect(() => ad.tensor([1, '2' as unknown as number])).toThrow(
      /tensor: values\[1\] must be a number or an array, got string/,
    );
    expect(() => ad.tensor([1, 2, 3], { shape: [2, 2] })).toThrow(
      'tensor: 3 values do not fill shape [2,2] (4 elements)',
    );
    expect(() => ad.zeros([2, -1])).toThrow('zeros: shape must hold non-negative integers, got [2,-1]');
    expect(() => ad.randomNormal([2], { seed: 1.5 })).toThrow('randomNormal: seed must be an integer, got number 1.5');
  });
  it('indices', () => {
    expect(() => ad.gather(a, 1, [0, 3], [1, 2])).toThrow(
      'gather: index 3 at position 1 is out of range [0, 3) on axis 1',
    );
    expect(() => ad.gather(a, 1, [0.5], [1, 1])).toThrow('gather: indices must hold integers, got [0.5]');
    expect(() => ad.argmax(ad.zeros([2, 0]), 1)).toThrow('argmax: axis 1 of shape [2,0] is empty');
  });
  it('NaN and Infinity propagate by IEEE-754 rules (documented), they are not errors', () => {
    const x = ad.tensor([NaN, Infinity, 1], { dtype: 'float64' });
    expect(x.sum().item()).toBeNaN();
    expect(x.max().item()).toBeNaN();
    expect(x.slice([1], [2]).max().item()).toBe(Infinity);
    expect(ad.tensor([0], { dtype: 'float64' }).log().item()).toBe(-Infinity);
  });
  it('empty tensors flow through ops', () => {
    const empty = ad.zeros([0, 3], { dtype: 'float64', requiresGrad: true });
    expect(empty.add(1).shape).toEqual([0, 3]);
    expect(empty.matmul(ad.zeros([3, 2], { dtype: 'float64' })).shape).toEqual([0, 2]);
    expect(
      ad
        .zeros([2, 0], { dtype: 'float64' })
        .matmul(ad.zeros([0, 2], { dtype: 'float64' }))
        .toArray(),
    ).toEqual([0, 0, 0, 0]);
    empty.sum().backward();
    expect(empty.grad!.shape).toEqual([0, 3]);
  });
});
