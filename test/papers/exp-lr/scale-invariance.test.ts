/**
 * Scale invariance (Li & Arora 2020, Lemma 1 of the authors' blog), which the equivalence
 * rests on: for the networks of papers/exp-lr/networks.ts, L(c·w) = L(w), ∇L(c·w) = ∇L(w)/c
 * and ⟨∇L(w), w⟩ = 0 for each layer's weights, with eps = 0 — and not with eps > 0.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import * as nn from '../../../src/nn/index.ts';
import {
  scaleInvariantConvNet,
  scaleInvariantMlp,
  trainedParameters,
  type Normalization,
} from '../../../papers/exp-lr/networks.ts';

/** Loss and per-parameter gradients of `net` on a fixed batch, after scaling every trained weight by `scale`. */
function lossAndGradients(
  net: nn.Sequential,
  x: ad.Tensor,
  labels: number[],
  scale: number,
): { loss: number; gradients: number[][]; weights: number[][] } {
  const parameters = trainedParameters(net);
  const original = parameters.map((parameter) => parameter.value);
  parameters.forEach((parameter) => parameter.assign(parameter.value.mul(scale)));
  const loss = nn.crossEntropy(net.forward(x), labels);
  loss.backward();
  const result = {
    loss: loss.item(),
    gradients: parameters.map((parameter) => parameter.grad!.toArray()),
    weights: parameters.map((parameter) => parameter.value.toArray()),
  };
  parameters.forEach((parameter, i) => parameter.assign(original[i]));
  return result;
}

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

describe('scale invariance of the exp-lr networks', () => {
  interface MlpCase {
    normalization: Normalization;
    depth: number;
    width: number;
    seed: number;
    scale: number;
  }

  /**
   * Checks the three identities on one MLP. Gradients are compared to 1e-10 of their norm,
   * with a floor of 1e-12 of the whole gradient's norm: a layer whose gradient nearly vanishes
   * carries rounding noise of that size.
   */
  function checkMlp({ normalization, depth, width, seed, scale }: MlpCase): void {
    const net = scaleInvariantMlp({ inputs: 5, width, depth, classes: 3, seed, dtype: 'float64', normalization });
    const x = ad.randomNormal([6, 5], { seed, dtype: 'float64' });
    const labels = [0, 1, 2, 0, 1, 2];
    const base = lossAndGradients(net, x, labels, 1);
    const scaled = lossAndGradients(net, x, labels, scale);
    expect(Math.abs(scaled.loss - base.loss)).toBeLessThan(1e-12 * Math.max(1, base.loss));
    const floor = 1e-12 * norm(base.gradients.flat());
    base.gradients.forEach((gradient, layer) => {
      const rescaled = scaled.gradients[layer].map((value) => value * scale);
      const tolerance = 1e-10 * norm(gradient) + floor;
      expect(norm(rescaled.map((value, i) => value - gradient[i]))).toBeLessThanOrEqual(tolerance);
      expect(Math.abs(dot(gradient, base.weights[layer]))).toBeLessThanOrEqual(tolerance * norm(base.weights[layer]));
    });
  }

  it('MLPs with BatchNorm, LayerNorm or GroupNorm: L(c·w) = L(w), ∇L(c·w) = ∇L(w)/c, ⟨∇L, w⟩ = 0 per layer', () => {
    const arb = fc.record({
      normalization: fc.constantFrom<Normalization>('batch', 'layer', 'group'),
      depth: fc.integer({ min: 1, max: 3 }),
      width: fc.integer({ min: 3, max: 8 }), // LayerNorm of 2 features is ±1 whatever w: a degenerate, zero-gradient case
      seed: fc.integer({ min: 0, max: 1000 }),
      scale: fc.double({ min: 0.01, max: 100, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, (c) => checkMlp(c)),
      { numRuns: 40 },
    );
  });

  it('regression: a layer with a nearly vanishing gradient (fast-check seed 657037164)', () => {
    checkMlp({ normalization: 'group', depth: 3, width: 3, seed: 0, scale: 0.01 });
  });

  it('the conv net with BatchNorm2d is scale-invariant too', () => {
    const net = scaleInvariantConvNet({ channels: [3, 4], classes: 3, seed: 4, dtype: 'float64' });
    const x = ad.randomNormal([4, 3, 6, 6], { seed: 5, dtype: 'float64' });
    const base = lossAndGradients(net, x, [0, 1, 2, 0], 1);
    const scaled = lossAndGradients(net, x, [0, 1, 2, 0], 7.5);
    expect(Math.abs(scaled.loss - base.loss)).toBeLessThan(1e-12);
    base.gradients.forEach((gradient, layer) =>
      expect(Math.abs(dot(gradient, base.weights[layer]))).toBeLessThan(
        1e-10 * norm(gradient) * norm(base.weights[layer]),
      ),
    );
  });

  it('BatchNorm with eps > 0 is not scale-invariant (why the paper script uses eps = 0)', () => {
    const build = (eps: number) => {
      const head = new nn.Linear(4, 3, { seed: 2, dtype: 'float64' });
      head.parameters().forEach((p) => (p.frozen = true));
      return new nn.Sequential(
        new nn.Linear(5, 4, { seed: 1, bias: false, dtype: 'float64' }),
        new nn.BatchNorm1d(4, { eps, freezeAffine: true, dtype: 'float64' }),
        new nn.ReLU(),
        head,
      );
    };
    const x = ad.randomNormal([6, 5], { seed: 3, dtype: 'float64' });
    const labels = [0, 1, 2, 0, 1, 2];
    const change = (eps: number) =>
      Math.abs(lossAndGradients(build(eps), x, labels, 0.01).loss - lossAndGradients(build(eps), x, labels, 1).loss);
    expect(change(0)).toBeLessThan(1e-13);
    expect(change(1e-5)).toBeGreaterThan(1e-5);
  });
});
