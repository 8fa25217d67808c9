/** Gradients of gradients: second derivatives and Hessian-vector products against finite differences. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { makeTensor, valuesArb } from '../helpers/arbitraries.ts';

const scalar = (v: number) => makeTensor([v], []);

/** f'' by central differences of f. */
function secondDifference(f: (v: number) => number, v: number, h = 1e-4): number {
  return (f(v + h) - 2 * f(v) + f(v - h)) / (h * h);
}

describe('second derivatives', () => {
  const cases: [string, (x: ad.Tensor) => ad.Tensor, (v: number) => number, number, number][] = [
    ['tanh', (x) => x.tanh(), Math.tanh, -3, 3],
    ['sigmoid', (x) => x.sigmoid(), (v) => 1 / (1 + Math.exp(-v)), -5, 5],
    ['exp', (x) => x.exp(), Math.exp, -2, 2],
    ['pow (x^2.5)', (x) => x.pow(2.5), (v) => v ** 2.5, 0.2, 3],
    ['pow (1.7^x, the exponent path)', (x) => ad.pow(makeTensor([1.7], []), x), (v) => 1.7 ** v, -2, 2],
  ];
  for (const [name, f, reference, min, max] of cases) {
    it(`${name}: grad(grad(f)) matches finite differences`, () => {
      fc.assert(
        fc.property(fc.double({ min, max, noNaN: true }), (v) => {
          const second = ad.grad(ad.grad(f))(scalar(v)).item();
          const numeric = secondDifference(reference, v);
          expect(Math.abs(second - numeric)).toBeLessThan(1e-5 * (1 + Math.abs(numeric)));
        }),
        { numRuns: 50 },
      );
    });
  }
  it('gradcheck passes on first and second derivatives (so third-order VJPs are right too)', () => {
    fc.assert(
      fc.property(valuesArb([4], -2, 2), fc.double({ min: -2, max: 2, noNaN: true }), (values, v) => {
        ad.gradcheck(
          (t) =>
            ad
              .grad((u: ad.Tensor) => u.tanh().sum())(t)
              .mul(t),
          [makeTensor(values, [4])],
        );
        ad.gradcheck((t) => ad.grad(ad.grad((u: ad.Tensor) => u.tanh()))(t), [scalar(v)]);
      }),
      { numRuns: 20 },
    );
  });
});

/** A two-layer MLP's squared loss, parameters flattened into one vector θ. */
function mlpLoss(inputs: ad.Tensor, targets: ad.Tensor, sizes: [number, number, number]) {
  const [d, h, k] = sizes;
  return (theta: ad.Tensor) => {
    const w1 = theta.slice([0], [d * h]).reshape([d, h]);
    const b1 = theta.slice([d * h], [h]);
    const w2 = theta.slice([d * h + h], [h * k]).reshape([h, k]);
    const hidden = inputs.matmul(w1).add(b1).tanh();
    const out = hidden.matmul(w2);
    return out.sub(targets).square().mean();
  };
}

describe('Hessian-vector products of a small MLP loss', () => {
  it('∇(⟨∇L(θ), v⟩) matches the finite difference of gradients (∇L(θ+εv) − ∇L(θ−εv)) / 2ε', () => {
    const sizes: [number, number, number] = [3, 4, 2];
    const count = 3 * 4 + 4 + 4 * 2;
    fc.assert(
      fc.property(
        valuesArb([5, 3]),
        valuesArb([5, 2]),
        valuesArb([count], -1, 1),
        valuesArb([count], -1, 1),
        (xv, yv, thetaValues, direction) => {
          const loss = mlpLoss(makeTensor(xv, [5, 3]), makeTensor(yv, [5, 2]), sizes);
          const theta = makeTensor(thetaValues, [count]);
          const v = makeTensor(direction, [count]);
          const hvp = ad.grad((t: ad.Tensor) => ad.grad(loss)(t).mul(v).sum())(theta);
          const eps = 1e-5;
          const plus = ad.grad(loss)(theta.add(v.mul(eps)));
          const minus = ad.grad(loss)(theta.sub(v.mul(eps)));
          const numeric = plus
            .sub(minus)
            .div(2 * eps)
            .toArray();
          hvp
            .toArray()
            .forEach((value, i) =>
              expect(Math.abs(value - numeric[i])).toBeLessThan(1e-6 * (1 + Math.abs(numeric[i]))),
            );
        },
      ),
      { numRuns: 25 },
    );
  });
  it('the Hessian from jacobian(grad) is symmetric', () => {
    const loss = mlpLoss(
      ad.randomNormal([4, 3], { seed: 1, dtype: 'float64' }),
      ad.randomNormal([4, 2], { seed: 2, dtype: 'float64' }),
      [3, 4, 2],
    );
    const theta = ad.randomNormal([24], { seed: 3, dtype: 'float64' });
    const hessian = ad.jacobian(ad.grad(loss), theta);
    expect(hessian.shape).toEqual([24, 24]);
    const difference = hessian.sub(hessian.transpose()).abs().max().item();
    expect(difference).toBeLessThan(1e-12);
  });
});
