/** Schedules against their formulas; TEXP's α; and the exp-lr equivalence (Li & Arora 2020) run end to end. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { BatchNorm1d, crossEntropy, Linear, ReLU, Sequential } from '../../src/nn/index.ts';
import {
  constantSchedule,
  cosineSchedule,
  expLrAlpha,
  exponentialSchedule,
  multiStepSchedule,
  SGD,
  stepSchedule,
  texpSchedule,
} from '../../src/optim/index.ts';

const steps = [0, 1, 29, 30, 31, 99, 100, 149, 150, 1000];

describe('schedules', () => {
  it('constant, step, multistep, cosine and exponential follow their formulas', () => {
    const cases: [(t: number) => number, (t: number) => number][] = [
      [constantSchedule(0.1), () => 0.1],
      [stepSchedule(0.1, { stepSize: 30 }), (t) => 0.1 * 0.1 ** Math.floor(t / 30)],
      [stepSchedule(0.5, { stepSize: 30, gamma: 0.5 }), (t) => 0.5 * 0.5 ** Math.floor(t / 30)],
      [multiStepSchedule(0.1, { milestones: [100, 150] }), (t) => (t < 100 ? 0.1 : t < 150 ? 0.01 : 0.001)],
      [
        cosineSchedule(0.1, { totalSteps: 150, minimum: 0.001 }),
        (t) => 0.001 + (0.099 * (1 + Math.cos((Math.PI * Math.min(t, 150)) / 150))) / 2,
      ],
      [exponentialSchedule(0.1, { gamma: 0.99 }), (t) => 0.1 * 0.99 ** t],
    ];
    for (const [schedule, formula] of cases) for (const t of steps) expect(schedule(t)).toBeCloseTo(formula(t), 15);
    expect(cosineSchedule(0.1, { totalSteps: 100 })(50)).toBeCloseTo(0.05, 15);
    expect(() => multiStepSchedule(0.1, { milestones: [150, 100] })).toThrow(
      'multiStepSchedule: milestones must be strictly increasing positive integers, got [150,100]',
    );
    expect(() => stepSchedule(0.1, { stepSize: 10 })(-1)).toThrow(
      'stepSchedule: step must be a non-negative integer, got -1',
    );
  });

  it('expLrAlpha is the larger positive root of x² − (1 + γ − λη)x + γ', () => {
    const arb = fc
      .record({
        eta: fc.double({ min: 1e-4, max: 1, noNaN: true }),
        lambda: fc.double({ min: 0, max: 1e-2, noNaN: true }),
        gamma: fc.double({ min: 0, max: 0.95, noNaN: true }),
      })
      .filter(({ eta, lambda, gamma }) => lambda * eta <= (1 - Math.sqrt(gamma)) ** 2);
    fc.assert(
      fc.property(arb, ({ eta, lambda, gamma }) => {
        const alpha = expLrAlpha(eta, lambda, gamma);
        const b = 1 + gamma - lambda * eta;
        expect(Math.abs(alpha * alpha - b * alpha + gamma)).toBeLessThan(1e-14);
        expect(alpha).toBeGreaterThan(0);
        expect(alpha).toBeGreaterThanOrEqual(gamma / alpha - 1e-15); // the other root is γ/α
        expect(alpha).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
    expect(expLrAlpha(0.1, 0, 0.9)).toBe(1);
    expect(expLrAlpha(0.1, 5e-4, 0.9) ** (-2 * 391)).toBeCloseTo(1.481, 3); // the paper's Figure 1: 1.481^epoch
    expect(() => expLrAlpha(1, 0.5, 0.9)).toThrow(
      'expLrAlpha: x² − (1 + γ − λη)x + γ has no positive real root for η = 1, λ = 0.5, γ = 0.9',
    );
  });

  it('TEXP grows by α^{−2} per step and, at a drop, divides by the drop factor and switches α', () => {
    const [lr, weightDecay, momentum] = [0.1, 5e-3, 0.9];
    const alphas = [
      expLrAlpha(lr, weightDecay, momentum),
      expLrAlpha(lr * 0.1, weightDecay, momentum),
      expLrAlpha(lr * 0.01, weightDecay, momentum),
    ];
    const single = texpSchedule(lr, { weightDecay, momentum });
    for (const t of [0, 1, 10, 500]) expect(single(t) / (lr * alphas[0] ** (-2 * t - 1)) - 1).toBeLessThan(1e-12);
    const schedule = texpSchedule(lr, { milestones: [20, 50], weightDecay, momentum });
    const ratio = (t: number) => schedule(t) / schedule(t - 1);
    expect(schedule(0)).toBeCloseTo(lr / alphas[0], 15);
    expect(ratio(7)).toBeCloseTo(alphas[0] ** -2, 13);
    expect(ratio(20)).toBeCloseTo(0.1 / (alphas[0] * alphas[1]), 13);
    expect(ratio(35)).toBeCloseTo(alphas[1] ** -2, 13);
    expect(ratio(50)).toBeCloseTo(0.1 / (alphas[1] * alphas[2]), 13);
    expect(ratio(80)).toBeCloseTo(alphas[2] ** -2, 13);
  });
});

describe('the exponential-LR equivalence (Li & Arora 2020, PAPERS.md §2) with our SGD convention', () => {
  const [lr, weightDecay, momentum, drop] = [0.1, 0.01, 0.9, 0.1];
  const input = ad.randomNormal([8, 5], { seed: 1, dtype: 'float64' });
  const labels = [0, 1, 2, 0, 1, 2, 0, 1];

  /** Linear (no bias) → BN (eps 0, affine frozen) → ReLU → a frozen head: scale-invariant in the first weight. */
  function network(): { net: Sequential; weight: Linear['weight'] } {
    const first = new Linear(5, 6, { seed: 2, bias: false, dtype: 'float64' });
    const head = new Linear(6, 3, { seed: 3, dtype: 'float64' });
    head.parameters().forEach((p) => (p.frozen = true));
    const net = new Sequential(
      first,
      new BatchNorm1d(6, { eps: 0, freezeAffine: true, dtype: 'float64' }),
      new ReLU(),
      head,
    );
    return { net, weight: first.weight };
  }

  /**
   * Trains the weight-decay run with the multi-step LR and its TEXP twin side by side and
   * returns the largest relative gap between w_t and s_t·w̃_t. `correct` turns off the
   * twin's initial buffer and drop corrections, to show the check is sharp.
   */
  function largestGap(milestones: number[], totalSteps: number, correct = true): number {
    const original = network();
    const twin = network();
    const originalOptimizer = new SGD([original.weight], { lr, momentum, weightDecay });
    const twinOptimizer = new SGD([twin.weight], { lr, momentum });
    const decayed = multiStepSchedule(lr, { milestones, gamma: drop });
    const texp = texpSchedule(lr, { milestones, gamma: drop, weightDecay, momentum });
    const alphaOf = (t: number) => expLrAlpha(decayed(t), weightDecay, momentum);
    if (correct) twinOptimizer.setMomentumBuffer(twin.weight, twin.weight.value.mul((1 - 1 / alphaOf(0)) / lr));
    let scale = 1; // s_t = Π_{k<t} α_k
    let gap = 0;
    for (let t = 0; t < totalSteps; t++) {
      if (correct && milestones.includes(t)) {
        const correction = scale ** 2 * ((1 - 1 / alphaOf(t)) / decayed(t) - (1 - 1 / alphaOf(t - 1)) / decayed(t - 1));
        const buffer = twinOptimizer.momentumBuffer(twin.weight)!;
        twinOptimizer.setMomentumBuffer(twin.weight, buffer.add(twin.weight.value.mul(correction)));
      }
      originalOptimizer.lr = decayed(t);
      twinOptimizer.lr = texp(t);
      crossEntropy(original.net.forward(input), labels).backward();
      crossEntropy(twin.net.forward(input), labels).backward();
      originalOptimizer.step();
      twinOptimizer.step();
      scale *= alphaOf(t);
      const w = original.weight.value.toArray();
      const rescaled = twin.weight.value.toArray().map((value) => value * scale);
      const norm = Math.sqrt(w.reduce((total, value) => total + value * value, 0));
      gap = Math.max(gap, Math.sqrt(w.reduce((total, value, i) => total + (value - rescaled[i]) ** 2, 0)) / norm);
    }
    return gap;
  }

  it('constant LR: w_t = α^t·w̃_t to 1e-9 when the twin starts with buffer (1 − 1/α)·w₀/η', () => {
    expect(largestGap([], 40)).toBeLessThan(1e-9);
    expect(largestGap([], 40, false)).toBeGreaterThan(1e-4);
  });

  it('step decay: TEXP with the momentum correction at the drop reproduces the weight-decay run to 1e-9', () => {
    expect(largestGap([15], 35)).toBeLessThan(1e-9);
  });
});
