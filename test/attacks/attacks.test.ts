/**
 * src/attacks: the ball projection, FGSM and PGD. Properties on random shapes and models: every
 * result lies in the ball (and the clip box), PGD never ends below the clean loss, and on a linear
 * model the attacks find the closed-form worst case x − ρ·y·w/‖w‖₂ (ℓ2) or x − ρ·y·sign(w) (ℓ∞).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import {
  exampleNorms,
  fgsm,
  twoPhaseSchedule,
  pgd,
  projectToBall,
  randomInBall,
  type Norm,
} from '../../src/attacks/index.ts';
import * as nn from '../../src/nn/index.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;
const normArb = fc.constantFrom<Norm>('l2', 'linf');

/** Per-example distances ‖a − b‖ in `norm`. */
function distances(a: ad.Tensor, b: ad.Tensor, norm: Norm): number[] {
  return Array.from(exampleNorms(a.sub(b), norm).data);
}

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 5 }),
  k: fc.integer({ min: 1, max: 6 }),
  norm: normArb,
  radius: fc.double({ min: 0.01, max: 2, noNaN: true }),
  seed: fc.integer({ min: 0, max: 10_000 }),
});

describe('projectToBall', () => {
  it('lands in the ball, leaves points inside it unchanged, and is idempotent', () => {
    fc.assert(
      fc.property(caseArb, ({ n, k, norm, radius, seed }) => {
        const center = ad.randomNormal([n, k], { seed, ...float64 });
        const far = center.add(ad.randomNormal([n, k], { seed: seed + 1, std: 3, ...float64 }));
        const projected = projectToBall(far, center, { norm, radius });
        for (const d of distances(projected, center, norm)) expect(d).toBeLessThanOrEqual(radius * (1 + 1e-12));
        expectClose(projectToBall(projected, center, { norm, radius }).data, projected.data, 1e-12, 1e-12);
        const inside = randomInBall(center, { norm, radius }, seed);
        for (const d of distances(inside, center, norm)) expect(d).toBeLessThanOrEqual(radius * (1 + 1e-12));
        expectClose(projectToBall(inside, center, { norm, radius }).data, inside.data, 1e-12, 1e-12);
      }),
      { numRuns: 60 },
    );
  });

  it('projects ℓ2 radially: [3, 4] onto the unit ball is [0.6, 0.8]', () => {
    expectClose(
      projectToBall(ad.tensor([[3, 4]], float64), ad.zeros([1, 2], float64), { norm: 'l2', radius: 1 }).data,
      [0.6, 0.8],
    );
  });

  it('names itself and the bad value in its errors', () => {
    const x = ad.zeros([2, 2]);
    expect(() => projectToBall(x, x, { norm: 'l1' as Norm, radius: 1 })).toThrow(/projectToBall: norm must be/);
    expect(() => projectToBall(x, x, { norm: 'l2', radius: -1 })).toThrow(/radius must be .* got -1/);
    expect(() => projectToBall(x, ad.zeros([2, 3]), { norm: 'l2', radius: 1 })).toThrow(/\[2,2\] and center \[2,3\]/);
  });
});

/** A random linear model f(x) = wᵀx + b with labels y and the logistic loss ℓ(y f(x)). */
function linearCase(n: number, k: number, seed: number) {
  const w = ad.randomNormal([k, 1], { seed, ...float64 });
  const x = ad.randomNormal([n, k], { seed: seed + 1, ...float64 });
  const y = Float64Array.from({ length: n }, (_, i) => ((seed + i) % 2 === 0 ? 1 : -1));
  const labels = ad.tensor(y, float64);
  const loss = (v: ad.Tensor) => nn.logisticLoss(v.matmul(w).reshape([n]).add(0.3), labels, { reduction: 'none' });
  return { w, x, y, labels, loss };
}

describe('attacks on a linear model find the closed-form worst case', () => {
  it('ℓ2 and ℓ∞: PGD and FGSM reach x − ρ·y·w/‖w‖₂ or x − ρ·y·sign(w)', () => {
    fc.assert(
      fc.property(caseArb, ({ n, k, norm, radius, seed }) => {
        const { w, x, y, loss } = linearCase(n, k, seed);
        const wValues = Array.from(w.data);
        const wNorm = Math.hypot(...wValues);
        const direction = wValues.map((value) => (norm === 'l2' ? value / wNorm : Math.sign(value)));
        const worst = ad.tensor(
          Float64Array.from(x.data, (value, index) => value - radius * y[Math.floor(index / k)] * direction[index % k]),
          { shape: [n, k], ...float64 },
        );
        const worstLosses = loss(worst).data;
        const attacked = pgd(loss, x, { threat: { norm, radius }, steps: 30, stepSize: twoPhaseSchedule(radius / 2) });
        expectClose(attacked.losses, worstLosses, 1e-9, 1e-9);
        expectClose(attacked.adversarial.data, worst.data, 1e-9, 1e-9);
        const oneStep = fgsm(loss, x, { norm, radius });
        expectClose(oneStep.losses, worstLosses, 1e-9, 1e-9);
      }),
      { numRuns: 40 },
    );
  });
});

describe('PGD on a src/nn model', () => {
  const modelCase = fc.record({
    n: fc.integer({ min: 1, max: 6 }),
    k: fc.integer({ min: 2, max: 8 }),
    norm: normArb,
    radius: fc.double({ min: 0.01, max: 1, noNaN: true }),
    seed: fc.integer({ min: 0, max: 10_000 }),
    steps: fc.integer({ min: 0, max: 8 }),
    randomStart: fc.boolean(),
    clip: fc.boolean(),
  });

  it('stays in the ball and the clip box, never ends below the clean loss, and reports the loss at its point', () => {
    fc.assert(
      fc.property(modelCase, ({ n, k, norm, radius, seed, steps, randomStart, clip }) => {
        const net = new nn.Sequential(
          new nn.Linear(k, 16, { seed, dtype: 'float64' }),
          new nn.ReLU(),
          new nn.Linear(16, 3, { seed: seed + 1, dtype: 'float64' }),
        );
        const x = ad.randomUniform([n, k], { seed: seed + 2, ...float64 });
        const labels = Array.from({ length: n }, (_, i) => (seed + i) % 3);
        const loss = (v: ad.Tensor) => nn.crossEntropy(net.forward(v), labels, { reduction: 'none' });
        const threat = { norm, radius, clip: clip ? ([0, 1] as const) : undefined };
        const result = pgd(loss, x, { threat, steps, randomStart, restarts: 2, seed });
        for (const d of distances(result.adversarial, x, norm)) expect(d).toBeLessThanOrEqual(radius * (1 + 1e-12));
        if (clip) for (const value of result.adversarial.data) expect(value >= 0 && value <= 1).toBe(true);
        result.losses.forEach((value, i) => expect(value).toBeGreaterThanOrEqual(result.cleanLosses[i]));
        expectClose(result.losses, loss(result.adversarial).data, 1e-12, 1e-12);
      }),
      { numRuns: 40 },
    );
  });

  it('more steps never give a lower loss on a concave-in-x model (each example can only improve)', () => {
    const x = ad.randomNormal([4, 3], { seed: 5, ...float64 });
    const loss = (v: ad.Tensor) => v.square().sum(1).neg().add(v.sum(1));
    const threat = { norm: 'l2' as const, radius: 0.3 };
    const short = pgd(loss, x, { threat, steps: 2, stepSize: 0.05 });
    const long = pgd(loss, x, { threat, steps: 20, stepSize: 0.05 });
    long.losses.forEach((value, i) => expect(value).toBeGreaterThanOrEqual(short.losses[i] - 1e-12));
  });

  it('names itself in its errors', () => {
    const x = ad.zeros([2, 2]);
    const threat = { norm: 'l2' as const, radius: 1 };
    expect(() => pgd((v) => v.sum(), x, { threat, steps: 1 })).toThrow(
      /pgd: loss must return per-example losses \[2\], got \[\]/,
    );
    expect(() => pgd((v) => v.sum(1), x, { threat, steps: 1.5 })).toThrow(/pgd: steps must be an integer/);
    expect(() => pgd((v) => v.sum(1), x, { threat, steps: 1, randomStart: true })).toThrow(
      /pgd: randomStart needs a seed/,
    );
  });
});
