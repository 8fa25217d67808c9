/** backward(), grad, valueAndGrad, vjp, jacobian and noGrad: semantics a PyTorch or JAX user expects. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { makeTensor, shapeArb, tensorArb } from '../helpers/arbitraries.ts';
import { expectClose } from '../helpers/close.ts';

const f64 = (values: number[] | number[][]) => ad.tensor(values, { dtype: 'float64' });

describe('backward', () => {
  it('fills .grad on leaves and accumulates across calls', () => {
    const x = ad.tensor([1, 2, 3], { dtype: 'float64', requiresGrad: true });
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 4, 6]);
    x.sum().backward();
    expect(x.grad!.toArray()).toEqual([3, 5, 7]);
  });
  it('sums gradients over every use of a tensor (fan-out)', () => {
    const x = ad.tensor([2], { dtype: 'float64', requiresGrad: true });
    const y = x.mul(3);
    y.mul(y).add(y).sum().backward(); // d/dx (9x² + 3x) = 18x + 3
    expect(x.grad!.item()).toBe(39);
  });
  it('needs a seed for a non-scalar output, and checks it', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(/backward: output has shape \[2\]; pass a seed gradient/);
    expect(() => x.mul(2).backward(ad.tensor([1, 2, 3]))).toThrow(
      /backward: seed gradient float32 \[3\] must match the output float32 \[2\]/,
    );
    x.mul(2).backward(ad.tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });
  it('refuses a tensor that does not require grad', () => {
    expect(() => ad.tensor([1]).sum().backward()).toThrow(/backward: this tensor does not require grad/);
    const x = ad.tensor([1], { requiresGrad: true });
    expect(() =>
      ad
        .noGrad(() => x.mul(2))
        .sum()
        .backward(),
    ).toThrow(/does not require grad/);
  });
  it('handles deep graphs without overflowing the stack', () => {
    const x = ad.tensor([1], { dtype: 'float64', requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.item()).toBeCloseTo(1.0001 ** 20000, 8);
  });
});

describe('grad, valueAndGrad, vjp, jacobian', () => {
  it('grad of a sum of squares is 2x', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb()), (x) => {
        const g = ad.grad((t: ad.Tensor) => t.square().sum())(x);
        expect(g.toArray()).toEqual(x.toArray().map((v) => 2 * v));
        expect(g.requiresGrad).toBe(false); // first-order results carry no graph
      }),
      { numRuns: 30 },
    );
  });
  it('valueAndGrad with several arguments', () => {
    const [value, [ga, gb]] = ad.valueAndGrad((a: ad.Tensor, b: ad.Tensor) => a.mul(b).sum(), [0, 1])(
      f64([1, 2]),
      f64([3, 4]),
    );
    expect(value.item()).toBe(11);
    expect(ga.toArray()).toEqual([3, 4]);
    expect(gb.toArray()).toEqual([1, 2]);
  });
  it('an argument the output ignores gets zeros', () => {
    expect(
      ad
        .grad((_a: ad.Tensor, b: ad.Tensor) => b.sum(), 0)(f64([1, 2]), f64([3]))
        .toArray(),
    ).toEqual([0, 0]);
  });
  it('grad needs a one-element output', () => {
    expect(() => ad.grad((t: ad.Tensor) => t.mul(2))(f64([1, 2]))).toThrow(
      /grad: the function must return one element, got shape \[2\]/,
    );
  });
  it('nested grad does not confuse its variable with an outer one (perturbation confusion)', () => {
    // d/dx [x · d/dy (x·y)] = d/dx [x · x] = 2x; a confused implementation gives 4x or x.
    const outer = ad.grad((x: ad.Tensor) => x.mul(ad.grad((y: ad.Tensor) => x.mul(y).sum())(x)).sum());
    expect(outer(f64([3])).toArray()).toEqual([6]);
  });
  it('vjp pulls back any cotangent; jacobian stacks them', () => {
    const x = f64([1, 2, 3]);
    const [y, pullback] = ad.vjp((t) => t.square(), x);
    expect(y.toArray()).toEqual([1, 4, 9]);
    expect(pullback(f64([1, 0, 2]))[0].toArray()).toEqual([2, 0, 12]);
    expect(() => pullback(f64([1]))).toThrow(/vjp: seed gradient float64 \[1\] must match the output float64 \[3\]/);
    const jacobian = ad.jacobian(
      (t) =>
        ad
          .matmul(
            f64([
              [1, 2, 3],
              [4, 5, 6],
            ]),
            t,
          )
          .tanh(),
      x,
    );
    expect(jacobian.shape).toEqual([2, 3]);
    const row0 = 1 - Math.tanh(14) ** 2;
    expect(
      jacobian
        .toArray()
        .slice(0, 3)
        .map((v) => v / row0),
    ).toEqual([1, 2, 3].map((v) => expect.closeTo(v, 9)));
  });
  it('jacobian of a linear map is its matrix', () => {
    fc.assert(
      fc.property(tensorArb(fc.constant([3, 4])), tensorArb(fc.constant([4])), (m, x) => {
        // compared numerically: −0 in m comes back as +0 (−0·1 + 0·x = +0)
        expectClose(ad.jacobian((t) => ad.matmul(m, t), x).data, m.data, 0, 0);
      }),
      { numRuns: 20 },
    );
  });
  it('noGrad stops recording, and grad still works inside it', () => {
    const x = ad.tensor([1, 2], { requiresGrad: true });
    expect(ad.noGrad(() => x.mul(2)).requiresGrad).toBe(false);
    expect(ad.noGrad(() => ad.grad((t: ad.Tensor) => t.square().sum())(x)).toArray()).toEqual([2, 4]);
  });
  it('results are immutable values: ops never write their inputs', () => {
    const x = makeTensor([1, 2, 3], [3]);
    const before = x.toArray();
    x.add(1);
    x.mul(x);
    x.reshape([1, 3]).transpose();
    ad.pad(x, [[1, 1]]);
    expect(x.toArray()).toEqual(before);
    expect(Object.isFrozen(x.shape)).toBe(true);
  });
});
