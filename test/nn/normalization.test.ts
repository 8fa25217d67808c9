/** Normalization layers: BN's scale invariance (exp-lr), running statistics, the norms' identities, gradchecks. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  GroupNorm,
  InstanceNorm,
  LayerNorm,
  Linear,
  Module,
  Sequential,
  Tanh,
} from '../../src/nn/index.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;
const scaleArb = fc.double({ min: 0.01, max: 100, noNaN: true });

/** A layer followed by BatchNorm (eps 0, so the invariance is exact) and tanh (never dead, unlike ReLU, so the gradient is never 0). */
function normalizedNet(
  kind: 'linear' | 'conv',
  seed: number,
): { net: Sequential; incoming: Linear | Conv2d; input: ad.Tensor } {
  const incoming =
    kind === 'linear' ? new Linear(5, 4, { seed, ...float64 }) : new Conv2d(2, 3, 3, { seed, padding: 1, ...float64 });
  const norm =
    kind === 'linear' ? new BatchNorm1d(4, { eps: 0, ...float64 }) : new BatchNorm2d(3, { eps: 0, ...float64 });
  norm.weight!.assign(ad.randomNormal(norm.weight!.shape, { seed: seed + 1, ...float64 }));
  norm.bias!.assign(ad.randomNormal(norm.bias!.shape, { seed: seed + 2, ...float64 }));
  const input = ad.randomNormal(kind === 'linear' ? [6, 5] : [3, 2, 4, 4], { seed: seed + 3, ...float64 });
  return { net: new Sequential(incoming, norm, new Tanh()), incoming, input };
}

/** A scalar loss of the net's output: Σ out·r for a fixed random r, squared in part so the gradient is not constant. */
function lossOf(net: Module, input: ad.Tensor): ad.Tensor {
  const out = net.forward(input);
  const weights = ad.randomNormal(out.shape, { seed: 99, ...float64 });
  return out.mul(weights).sum().add(out.square().mean());
}

function scaleIncoming(layer: Linear | Conv2d, c: number): void {
  for (const parameter of layer.parameters()) parameter.assign(parameter.value.mul(c));
}

describe('BatchNorm scale invariance (exp-lr, PAPERS.md §2), train mode', () => {
  for (const kind of ['linear', 'conv'] as const) {
    it(`${kind}→BN: the output is unchanged when the incoming weights are scaled by c > 0`, () => {
      fc.assert(
        fc.property(scaleArb, fc.nat(1000), (c, seed) => {
          const { net, incoming, input } = normalizedNet(kind, seed);
          const before = net.forward(input);
          scaleIncoming(incoming, c);
          expectClose(net.forward(input).data, before.data, 1e-11, 1e-9);
        }),
        { numRuns: 20 },
      );
    });

    it(`${kind}→BN: ⟨∇L(w), w⟩ = 0 and ∇L(cw) = ∇L(w)/c`, () => {
      fc.assert(
        fc.property(scaleArb, fc.nat(1000), (c, seed) => {
          const { net, incoming, input } = normalizedNet(kind, seed);
          lossOf(net, input).backward();
          const gradients = incoming.parameters().map((p) => p.grad!);
          let inner = 0;
          let gradientNorm = 0;
          let weightNorm = 0;
          incoming.parameters().forEach((p, i) => {
            for (let j = 0; j < p.value.size; j++) {
              inner += gradients[i].data[j] * p.value.data[j];
              gradientNorm += gradients[i].data[j] ** 2;
              weightNorm += p.value.data[j] ** 2;
            }
          });
          expect(Math.abs(inner)).toBeLessThan(1e-10 * Math.sqrt(gradientNorm * weightNorm));
          scaleIncoming(incoming, c);
          lossOf(net, input).backward();
          // compared norm-wise: the bias gradient is 0 in exact arithmetic, rounding noise in floating point
          let difference = 0;
          incoming
            .parameters()
            .forEach((p, i) => p.grad!.data.forEach((g, j) => (difference += (g - gradients[i].data[j] / c) ** 2)));
          expect(Math.sqrt(difference)).toBeLessThan((1e-10 * Math.sqrt(gradientNorm)) / c);
        }),
        { numRuns: 20, examples: [[1.779084943968408, 297]] },
      ); // regression: with ReLU here, seed 297 had every unit dead (∇L = 0)
    });
  }
});

describe('BatchNorm running statistics', () => {
  it('follow running = (1 − m)·running + m·batch with the unbiased variance, and eval mode uses them', () => {
    const norm = new BatchNorm2d(2, { momentum: 0.3, eps: 1e-3, ...float64 });
    let mean = [0, 0];
    let variance = [1, 1];
    for (let seed = 0; seed < 3; seed++) {
      const x = ad.randomNormal([4, 2, 3, 3], { seed, mean: seed, std: 2, ...float64 });
      norm.forward(x);
      for (let c = 0; c < 2; c++) {
        const values = x.slice([0, c, 0, 0], [4, 1, 3, 3]).toArray();
        const batchMean = values.reduce((a, b) => a + b) / values.length;
        const unbiased = values.reduce((a, b) => a + (b - batchMean) ** 2, 0) / (values.length - 1);
        mean[c] = 0.7 * mean[c] + 0.3 * batchMean;
        variance[c] = 0.7 * variance[c] + 0.3 * unbiased;
      }
      expectClose(norm.runningMean.value.data, mean, 1e-14, 1e-14);
      expectClose(norm.runningVariance.value.data, variance, 1e-14, 1e-14);
    }
    norm.weight!.assign(ad.tensor([2, -1], float64));
    norm.bias!.assign(ad.tensor([0.5, 3], float64));
    const x = ad.randomNormal([2, 2, 2, 2], { seed: 7, ...float64 });
    const before = norm.runningMean.value;
    const y = norm.eval().forward(x);
    expect(norm.runningMean.value).toBe(before);
    const expected = x.toArray().map((v, i) => {
      const c = Math.floor(i / 4) % 2;
      return ([2, -1][c] * (v - mean[c])) / Math.sqrt(variance[c] + 1e-3) + [0.5, 3][c];
    });
    expectClose(y.data, expected, 1e-14, 1e-14);
  });

  it('BatchNorm1d takes [N, C] and [N, C, L]; errors name the layer and the shape', () => {
    const norm = new BatchNorm1d(3, float64);
    const y = norm.forward(ad.randomNormal([8, 3, 5], { seed: 1, ...float64 }));
    const means = y.mean([0, 2]).toArray();
    means.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-15));
    expect(() => norm.forward(ad.zeros([8, 4]))).toThrow(
      'BatchNorm1d: input must have rank 2 or 3 with 3 channels on axis 1, got [8,4]',
    );
    expect(() => norm.forward(ad.zeros([1, 3], float64))).toThrow(
      'BatchNorm1d: training needs more than one value per channel, got input [1,3]',
    );
    const frozen = new BatchNorm2d(3, { freezeAffine: true });
    expect(frozen.parameters().map((p) => p.frozen)).toEqual([true, true]);
    expect(new BatchNorm2d(3, { affine: false }).parameters()).toEqual([]);
  });
});

describe('GroupNorm, LayerNorm and InstanceNorm', () => {
  const inputArb = fc
    .record({
      n: fc.integer({ min: 1, max: 3 }),
      c: fc.integer({ min: 1, max: 4 }),
      h: fc.integer({ min: 1, max: 3 }),
      w: fc.integer({ min: 2, max: 3 }),
      seed: fc.nat(1000),
    })
    .map(({ n, c, h, w, seed }) => ad.randomNormal([n, c, h, w], { seed, mean: 1, std: 3, ...float64 }));

  it('GroupNorm with G = 1 equals LayerNorm over (C, H, W); with G = C it equals InstanceNorm', () => {
    fc.assert(
      fc.property(inputArb, (x) => {
        const [, c, h, w] = x.shape;
        expectClose(
          new GroupNorm(1, c, float64).forward(x).data,
          new LayerNorm([c, h, w], float64).forward(x).data,
          1e-13,
          1e-12,
        );
        expectClose(
          new GroupNorm(c, c, float64).forward(x).data,
          new InstanceNorm(c, float64).forward(x).data,
          1e-13,
          1e-12,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('each standardizes its own axes: zero mean and variance var/(var + eps)', () => {
    const x = ad.randomNormal([2, 4, 3, 3], { seed: 3, mean: 2, std: 5, ...float64 });
    const y = new GroupNorm(2, 4, float64).forward(x).reshape([2, 2, 18]);
    y.mean(2)
      .toArray()
      .forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-14));
    y.square()
      .mean(2)
      .toArray()
      .forEach((v) => expect(Math.abs(v - 1)).toBeLessThan(1e-5));
    const z = new LayerNorm(3, float64).forward(x);
    z.mean(3)
      .toArray()
      .forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-14));
    expect(() => new GroupNorm(3, 4)).toThrow('GroupNorm: numGroups 3 must divide numChannels 4');
    expect(() => new LayerNorm([3, 4]).forward(ad.zeros([2, 4, 3]))).toThrow(
      'LayerNorm: input [2,4,3] must end in [3,4]',
    );
    expect(() => new InstanceNorm(4).forward(ad.zeros([2, 4]))).toThrow(
      'InstanceNorm: input must be [N, 4, spatial…], got [2,4]',
    );
    expect(new InstanceNorm(4).parameters()).toEqual([]);
  });

  it('gradcheck of every composed norm, with non-trivial affine parameters', () => {
    const layers: Module[] = [
      new BatchNorm2d(3, float64),
      new GroupNorm(3, 3, { affine: true, ...float64 }),
      new LayerNorm([3, 2, 2], float64),
      new InstanceNorm(3, { affine: true, ...float64 }),
      new BatchNorm1d(3, float64),
    ];
    layers.forEach((layer, i) => {
      layer
        .parameters()
        .forEach((p, j) => p.assign(ad.randomNormal(p.shape, { seed: 10 * i + j, mean: 1, ...float64 })));
      const x = ad.randomNormal(layer instanceof BatchNorm1d ? [4, 3] : [2, 3, 2, 2], { seed: i, ...float64 });
      const readout = ad.randomNormal(x.shape, { seed: 50 + i, ...float64 });
      // Σ y·r + mean(y²): a loss whose gradient through the normalization is not trivially zero
      ad.gradcheck(
        (input) => {
          const y = layer.forward(input);
          return y.mul(readout).sum().add(y.square().mean());
        },
        [x],
        { atol: 1e-6, rtol: 1e-4 },
      );
    });
  });
});
