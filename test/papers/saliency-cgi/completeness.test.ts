/**
 * The property CGI rests on (Gupta & Arora 2019, §3; PAPERS.md §6), on random small ReLU networks in
 * float64: gradient ⊙ input is complete for bias-free ReLU nets (Σᵢ xᵢ∂f_y/∂xᵢ = f_y(x), Euler's
 * theorem for a positively 1-homogeneous function), and with biases the missing part is exactly
 * Σ_b b·∂f_y/∂b; integrated gradients from a zero baseline reduce to gradient ⊙ input there; and the
 * competitive maps, summed over labels, are per pixel the largest positive plus the most negative
 * score, so their positive part totals at least the largest logit and their negative part at most the
 * smallest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import * as nn from '../../../src/nn/index.ts';
import {
  allLabelGradientTimesInput,
  competitiveGradientTimesInput,
  gradientTimesInput,
  integratedGradients,
  pixelScores,
} from '../../../src/saliency/index.ts';

const float64 = 'float64' as const;

interface Case {
  kind: 'mlp' | 'cnn';
  n: number;
  channels: number;
  side: number;
  hidden: number;
  classes: number;
  seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  kind: fc.constantFrom<'mlp' | 'cnn'>('mlp', 'cnn'),
  n: fc.integer({ min: 1, max: 3 }),
  channels: fc.constantFrom(1, 3),
  side: fc.constantFrom(4, 6),
  hidden: fc.integer({ min: 2, max: 6 }),
  classes: fc.integer({ min: 2, max: 5 }),
  seed: fc.integer({ min: 0, max: 100_000 }),
});

/** A random ReLU net on [n, C, side, side] inputs: an MLP or conv → ReLU → max pool → dense. */
function network(c: Case, bias: boolean): nn.Sequential {
  const options = (offset: number) => ({ seed: c.seed + offset, dtype: float64, bias });
  const inputs = c.channels * c.side * c.side;
  if (c.kind === 'mlp')
    return new nn.Sequential(
      new nn.Flatten(),
      new nn.Linear(inputs, c.hidden, options(1)),
      new nn.ReLU(),
      new nn.Linear(c.hidden, c.hidden, options(2)),
      new nn.ReLU(),
      new nn.Linear(c.hidden, c.classes, options(3)),
    );
  return new nn.Sequential(
    new nn.Conv2d(c.channels, c.hidden, 3, { ...options(1), padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernel: 2 }),
    new nn.Flatten(),
    new nn.Linear((c.hidden * c.side * c.side) / 4, c.classes, options(2)),
  );
}

function inputsOf(c: Case): ad.Tensor {
  return ad.randomNormal([c.n, c.channels, c.side, c.side], { seed: c.seed + 7, dtype: float64 });
}

function logitsOf(net: nn.Module, x: ad.Tensor): number[][] {
  const values = ad.noGrad(() => net.forward(x));
  const k = values.shape[1];
  return Array.from({ length: values.shape[0] }, (_, i) => Array.from(values.data.subarray(i * k, (i + 1) * k)));
}

/** Row sums of a map [n, ...]. */
function rowSums(map: ad.Tensor): number[] {
  const size = map.size / map.shape[0];
  const data = Array.from(map.data);
  return Array.from({ length: map.shape[0] }, (_, i) =>
    data.slice(i * size, (i + 1) * size).reduce((a, b) => a + b, 0),
  );
}

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-10 * (1 + scale);

describe('completeness of gradient ⊙ input (Euler; paper §3)', () => {
  it('bias-free ReLU nets: the map of every label sums to its logit', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const net = network(c, false);
        const x = inputsOf(c);
        const logits = logitsOf(net, x);
        for (let label = 0; label < c.classes; label++) {
          const sums = rowSums(gradientTimesInput((z) => net.forward(z), x, new Array(c.n).fill(label)));
          sums.forEach((sum, i) => expect(close(sum, logits[i][label], Math.abs(logits[i][label]))).toBe(true));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('with biases: Σ x ⊙ ∇ₓf_y + Σ_b b·∂f_y/∂b = f_y, and the map alone misses exactly the bias part', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const net = network(c, true);
        const x = inputsOf(c);
        const label = c.seed % c.classes;
        const total = logitsOf(net, x).reduce((sum, row) => sum + row[label], 0);
        const mapTotal = rowSums(gradientTimesInput((z) => net.forward(z), x, new Array(c.n).fill(label))).reduce(
          (a, b) => a + b,
          0,
        );
        net.zeroGrad();
        const k = c.classes;
        const pick = ad.tensor(
          Array.from({ length: c.n * k }, (_, j) => (j % k === label ? 1 : 0)),
          { shape: [c.n, k], dtype: float64 },
        );
        net.forward(x).mul(pick).sum().backward();
        let biasPart = 0;
        for (const [name, parameter] of net.namedParameters())
          if (name.endsWith('bias'))
            parameter.value.data.forEach((b, j) => (biasPart += b * (parameter.value.grad?.data[j] ?? 0)));
        expect(close(mapTotal + biasPart, total, Math.abs(total) + Math.abs(biasPart))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('bias-free ReLU nets: integrated gradients from 0 equal gradient ⊙ input at any number of steps', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 4 }), (c, steps) => {
        const net = network(c, false);
        const x = inputsOf(c);
        const labels = Array.from({ length: c.n }, (_, i) => (c.seed + i) % c.classes);
        const logits = (z: ad.Tensor) => net.forward(z);
        const integrated = integratedGradients(logits, x, labels, { steps }).data;
        const plain = gradientTimesInput(logits, x, labels).data;
        plain.forEach((value, j) => expect(close(integrated[j], value, Math.abs(value))).toBe(true));
      }),
      { numRuns: 30 },
    );
  });
});

describe('competitive gradient ⊙ input summed over labels', () => {
  it('per pixel: Σ_y CGI_y = max(0, max_y s_y) + min(0, min_y s_y); totals bound the largest and smallest logits', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const net = network(c, false);
        const x = inputsOf(c);
        const logits = (z: ad.Tensor) => net.forward(z);
        const scores = allLabelGradientTimesInput(logits, x);
        const perLabel = Array.from({ length: c.classes }, (_, y) =>
          pixelScores(scores.slice([y, 0, 0, 0, 0], [1, ...x.shape]).reshape(x.shape)),
        );
        const competitive = Array.from({ length: c.classes }, (_, y) =>
          pixelScores(competitiveGradientTimesInput(logits, x, new Array(c.n).fill(y))),
        );
        const plane = c.side * c.side;
        const values = logitsOf(net, x);
        for (let i = 0; i < c.n; i++) {
          let positive = 0;
          let negative = 0;
          for (let p = 0; p < plane; p++) {
            const at = i * plane + p;
            const all = perLabel.map((s) => s[at]);
            const best = Math.max(0, ...all);
            const worst = Math.min(0, ...all);
            const summed = competitive.reduce((total, map) => total + map[at], 0);
            expect(close(summed, best + worst, Math.abs(best) + Math.abs(worst))).toBe(true);
            positive += best;
            negative += worst;
          }
          const scale = Math.abs(positive) + Math.abs(negative);
          expect(positive).toBeGreaterThanOrEqual(Math.max(...values[i]) - 1e-10 * (1 + scale));
          expect(negative).toBeLessThanOrEqual(Math.min(...values[i]) + 1e-10 * (1 + scale));
        }
      }),
      { numRuns: 30 },
    );
  });
});
