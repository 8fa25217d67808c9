/** Each layer's forward against a naive loop reference; initialization; dropout statistics. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { Random } from '../../gpu/random.ts';
import {
  AvgPool2d,
  Conv2d,
  Dropout,
  Flatten,
  GlobalAvgPool2d,
  kaimingUniform,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  Sigmoid,
  Tanh,
} from '../../src/nn/index.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;

/** y[n,o] = scale·Σ_i x[n,i]·W[o,i] + biasScale·b[o]. */
function naiveLinear(x: ad.Tensor, layer: Linear): number[] {
  const [n, inFeatures] = x.shape;
  const w = layer.weight.value.data;
  const b = layer.bias?.value.data;
  const out: number[] = [];
  for (let row = 0; row < n; row++) {
    for (let o = 0; o < layer.outFeatures; o++) {
      let total = 0;
      for (let i = 0; i < inFeatures; i++) total += x.data[row * inFeatures + i] * w[o * inFeatures + i];
      out.push(layer.weightScale * total + (b ? layer.biasScale * b[o] : 0));
    }
  }
  return out;
}

interface Geometry {
  stride: number;
  padding: number;
  dilation: number;
  groups: number;
}

/** Direct cross-correlation with zero padding, groups and dilation, plus bias. */
function naiveConv2d(
  x: ad.Tensor,
  w: ad.Tensor,
  bias: ArrayLike<number> | undefined,
  { stride, padding, dilation, groups }: Geometry,
): { values: number[]; shape: number[] } {
  const [n, c, h, width] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((width + 2 * padding - dilation * (kw - 1) - 1) / stride) + 1;
  const values: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let total = bias ? bias[oc] : 0;
          const group = Math.floor(oc / (o / groups));
          for (let ci = 0; ci < cg; ci++)
            for (let p = 0; p < kh; p++)
              for (let q = 0; q < kw; q++) {
                const row = i * stride - padding + p * dilation;
                const col = j * stride - padding + q * dilation;
                if (row < 0 || row >= h || col < 0 || col >= width) continue;
                const channel = group * cg + ci;
                total +=
                  x.data[((b * c + channel) * h + row) * width + col] * w.data[((oc * cg + ci) * kh + p) * kw + q];
              }
          values.push(total);
        }
  return { values, shape: [n, o, oh, ow] };
}

/** Window loops; 'avg' divides by the kernel's area, 'avgInside' by the taps inside the input. */
function naivePool(
  x: ad.Tensor,
  kernel: number,
  stride: number,
  padding: number,
  kind: 'max' | 'avg' | 'avgInside',
): number[] {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding - kernel) / stride) + 1;
  const ow = Math.floor((w + 2 * padding - kernel) / stride) + 1;
  const out: number[] = [];
  for (let plane = 0; plane < n * c; plane++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let best = -Infinity;
        let total = 0;
        let inside = 0;
        for (let p = 0; p < kernel; p++)
          for (let q = 0; q < kernel; q++) {
            const row = i * stride - padding + p;
            const col = j * stride - padding + q;
            if (row < 0 || row >= h || col < 0 || col >= w) continue;
            const value = x.data[(plane * h + row) * w + col];
            best = Math.max(best, value);
            total += value;
            inside++;
          }
        out.push(kind === 'max' ? best : total / (kind === 'avg' ? kernel * kernel : inside));
      }
  return out;
}

describe('Linear', () => {
  it('matches x·Wᵀ + b, with and without bias, standard and NTK, on any leading axes', () => {
    const x = ad.randomNormal([5, 4], { seed: 1, ...float64 });
    for (const layer of [
      new Linear(4, 3, { seed: 0, ...float64 }),
      new Linear(4, 3, { seed: 0, bias: false, ...float64 }),
      new Linear(4, 3, { seed: 0, parameterization: 'ntk', weightStd: 1.5, biasStd: 0.1, ...float64 }),
    ]) {
      expectClose(layer.forward(x).data, naiveLinear(x, layer), 1e-14, 1e-14);
      expect(layer.forward(x.reshape([5, 1, 4])).shape).toEqual([5, 1, 3]);
    }
    expect(new Linear(4, 3, { seed: 0, bias: false }).parameters()).toHaveLength(1);
    expect(() => new Linear(4, 3, { seed: 0 }).forward(ad.zeros([2, 5]))).toThrow(
      'Linear: input [2,5] must end in 4 features',
    );
  });

  it('initializes like PyTorch: weights and bias in U(±1/√fan_in); kaiming_uniform(a) bound √(6/((1+a²)fan_in))', () => {
    const layer = new Linear(50, 400, { seed: 7 });
    const bound = 1 / Math.sqrt(50);
    for (const parameter of layer.parameters()) {
      const values = parameter.value.toArray();
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values)).toBeGreaterThan(0.95 * bound);
      expect(Math.min(...values)).toBeLessThan(-0.95 * bound);
    }
    const relu = kaimingUniform([100, 60], { seed: 1, a: 0 }).toArray();
    expect(Math.max(...relu.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 60));
    expect(Math.max(...relu)).toBeGreaterThan(0.97 * Math.sqrt(6 / 60));
  });

  it('NTK parameterization draws N(0, 1) weights and scales the output by σ_w/√fan_in', () => {
    const layer = new Linear(64, 256, { seed: 3, parameterization: 'ntk', weightStd: Math.SQRT2, ...float64 });
    const values = layer.weight.value.toArray();
    const mean = values.reduce((a, b) => a + b) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    expect(layer.weightScale).toBeCloseTo(Math.SQRT2 / 8, 15);
    expect(layer.biasScale).toBe(1);
    expect(() => new Linear(2, 2, { seed: 0, weightStd: 2 })).toThrow(
      "Linear: weightStd and biasStd belong to parameterization 'ntk'",
    );
  });

  it('is reproducible from its seed', () => {
    expect(new Linear(6, 5, { seed: 11 }).weight.value.toArray()).toEqual(
      new Linear(6, 5, { seed: 11 }).weight.value.toArray(),
    );
    expect(new Linear(6, 5, { seed: 11 }).weight.value.toArray()).not.toEqual(
      new Linear(6, 5, { seed: 12 }).weight.value.toArray(),
    );
    expect(() => new Linear(6, 5, {} as { seed: number })).toThrow(
      'Linear: options.seed must be an integer, got undefined',
    );
  });
});

describe('Conv2d', () => {
  const geometry = fc.record({
    stride: fc.integer({ min: 1, max: 2 }),
    padding: fc.integer({ min: 0, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    groups: fc.constantFrom(1, 2),
    kernel: fc.integer({ min: 1, max: 3 }),
    bias: fc.boolean(),
    seed: fc.nat(1000),
  });
  it('matches the direct sum over stride, padding, dilation, groups and bias', () => {
    fc.assert(
      fc.property(geometry, ({ kernel, bias, seed, ...g }) => {
        const layer = new Conv2d(4, 6, kernel, { seed, bias, ...g, ...float64 });
        const x = ad.randomNormal([2, 4, 6, 7], { seed: seed + 1, ...float64 });
        const expected = naiveConv2d(x, layer.weight.value, layer.bias?.value.data, g);
        const y = layer.forward(x);
        expect(y.shape).toEqual(expected.shape);
        expectClose(y.data, expected.values, 1e-13, 1e-13);
      }),
      { numRuns: 25 },
    );
  });

  it('fan-in counts in/groups·KH·KW, and NTK scales by σ_w/√fan_in', () => {
    const layer = new Conv2d(4, 6, [3, 2], { seed: 0, groups: 2, parameterization: 'ntk', ...float64 });
    expect(layer.weight.shape).toEqual([6, 2, 3, 2]);
    expect(layer.weightScale).toBeCloseTo(1 / Math.sqrt(12), 15);
    const x = ad.randomNormal([1, 4, 5, 5], { seed: 1, ...float64 });
    const expected = naiveConv2d(x, layer.weight.value.mul(layer.weightScale), layer.bias!.value.data, {
      stride: 1,
      padding: 0,
      dilation: 1,
      groups: 2,
    });
    expectClose(layer.forward(x).data, expected.values, 1e-13, 1e-13);
    expect(() => layer.forward(ad.zeros([1, 3, 5, 5], float64))).toThrow(
      'Conv2d: input must be [N, 4, H, W], got [1,3,5,5]',
    );
    expect(() => new Conv2d(4, 6, 3, { seed: 0, groups: 4 })).toThrow(
      'Conv2d: groups 4 must divide inChannels 4 and outChannels 6',
    );
  });
});

describe('parameter-free layers', () => {
  const x = ad.randomNormal([2, 3, 6, 6], { seed: 5, ...float64 });
  it('pooling matches the naive window loops; global average pooling is the per-map mean', () => {
    expectClose(new AvgPool2d({ kernel: 2 }).forward(x).data, naivePool(x, 2, 2, 0, 'avg'), 1e-15, 1e-15);
    expectClose(
      new AvgPool2d({ kernel: 3, stride: 2, padding: 1 }).forward(x).data,
      naivePool(x, 3, 2, 1, 'avg'),
      1e-15,
      1e-15,
    );
    expectClose(
      new AvgPool2d({ kernel: 3, stride: 2, padding: 1, countIncludePad: false }).forward(x).data,
      naivePool(x, 3, 2, 1, 'avgInside'),
      1e-15,
      1e-15,
    );
    expect(new MaxPool2d({ kernel: 3, stride: 2, padding: 1 }).forward(x).toArray()).toEqual(
      naivePool(x, 3, 2, 1, 'max'),
    );
    const pooled = new GlobalAvgPool2d().forward(x);
    expect(pooled.shape).toEqual([2, 3]);
    expectClose(pooled.data, naivePool(x, 6, 6, 0, 'avg'), 1e-15, 1e-15);
    expect(() => new GlobalAvgPool2d().forward(ad.zeros([2, 3]))).toThrow(
      'GlobalAvgPool2d: input must be rank 4 [N,C,H,W], got [2,3]',
    );
  });

  it('Flatten keeps the batch axis; activations apply elementwise; Sequential composes', () => {
    expect(new Flatten().forward(x).shape).toEqual([2, 108]);
    expect(new ReLU().forward(x).toArray()).toEqual(x.toArray().map((v) => Math.max(v, 0)));
    expectClose(new Tanh().forward(x).data, x.toArray().map(Math.tanh), 1e-15, 1e-15);
    expectClose(
      new Sigmoid().forward(x).data,
      x.toArray().map((v) => 1 / (1 + Math.exp(-v))),
      1e-15,
      1e-15,
    );
    const net = new Sequential(new Flatten(), new Linear(108, 4, { seed: 0, ...float64 }), new ReLU());
    const direct = (net.layers[1] as Linear).forward(x.flatten(1)).relu();
    expect(net.forward(x).toArray()).toEqual(direct.toArray());
  });
});

describe('Dropout', () => {
  const ones = ad.ones([200, 100], float64);
  it('zeroes a fraction p and scales survivors by 1/(1 − p), so the mean is kept', () => {
    const output = new Dropout(0.3, { seed: 1 }).forward(ones).toArray();
    const zeros = output.filter((v) => v === 0).length / output.length;
    expect(Math.abs(zeros - 0.3)).toBeLessThan(4 * Math.sqrt((0.3 * 0.7) / output.length));
    expect(output.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-15)).toBe(true);
    expect(Math.abs(output.reduce((a, b) => a + b) / output.length - 1)).toBeLessThan(0.02);
  });

  it('is reproducible from its seed or generator, draws a new mask per call, and is the identity in eval', () => {
    const a = new Dropout(0.5, { seed: 9 });
    const b = new Dropout(0.5, { random: new Random(9) });
    const first = a.forward(ones).toArray();
    expect(b.forward(ones).toArray()).toEqual(first);
    expect(a.forward(ones).toArray()).not.toEqual(first);
    expect(a.eval().forward(ones)).toBe(ones);
    expect(new Dropout(0, { seed: 0 }).forward(ones)).toBe(ones);
    expect(
      new Dropout(1, { seed: 0 })
        .forward(ones)
        .toArray()
        .every((v) => v === 0),
    ).toBe(true);
    expect(() => new Dropout(1.5, { seed: 0 })).toThrow('Dropout: p must be in [0, 1], got 1.5');
  });
});
