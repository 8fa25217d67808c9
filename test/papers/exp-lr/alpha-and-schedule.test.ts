/**
 * The α root and the TEXP schedule of Li & Arora 2020 (papers/exp-lr/twin.ts): α is the
 * larger root of x² − (1 + γ − λη)x + γ; η̃_t = η·α^{−2t−1} within a phase and
 * η_t/(s_t·s_{t+1}) across drops; the momentum correction in our form equals the paper's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expLrAlpha } from '../../../src/optim/index.ts';
import { ExpLrTwin } from '../../../papers/exp-lr/twin.ts';

const triple = fc
  .record({
    eta: fc.double({ min: 1e-3, max: 1, noNaN: true }),
    lambda: fc.double({ min: 0, max: 0.1, noNaN: true }),
    gamma: fc.double({ min: 0, max: 0.99, noNaN: true }),
  })
  .filter(({ eta, lambda, gamma }) => eta * lambda <= (1 - Math.sqrt(gamma)) ** 2);

const relative = (a: number, b: number) => Math.abs(a / b - 1);

describe('α (Li & Arora 2020, main theorem)', () => {
  it('is the larger positive root of x² − (1 + γ − λη)x + γ, in (0, 1]', () => {
    fc.assert(
      fc.property(triple, ({ eta, lambda, gamma }) => {
        const alpha = expLrAlpha(eta, lambda, gamma);
        const b = 1 + gamma - lambda * eta;
        expect(Math.abs(alpha * alpha - b * alpha + gamma)).toBeLessThan(1e-14);
        expect(alpha).toBeGreaterThan(0);
        expect(alpha).toBeLessThanOrEqual(1);
        expect(alpha * alpha).toBeGreaterThanOrEqual(gamma * (1 - 1e-12)); // the other root γ/α is not larger
      }),
      { numRuns: 300 },
    );
  });

  it("reduces to 1 − λη without momentum, to 1 without weight decay, and gives the paper's 1.481 per epoch", () => {
    fc.assert(
      fc.property(triple, ({ eta, lambda, gamma }) => {
        expect(relative(expLrAlpha(eta, lambda, 0), 1 - lambda * eta)).toBeLessThan(1e-14);
        expect(expLrAlpha(eta, 0, gamma)).toBe(1);
      }),
      { numRuns: 100 },
    );
    // the authors' Figure 2 (blog) / PAPERS.md Figure 1: η̃ = 0.1 × 1.481^epoch, 391 steps per epoch
    expect(expLrAlpha(0.1, 5e-4, 0.9) ** -782).toBeCloseTo(1.481, 3);
  });
});

describe("the TEXP schedule and the twin's scale", () => {
  const scheduleArb = fc
    .record({
      lr: fc.double({ min: 0.01, max: 1, noNaN: true }),
      weightDecay: fc.double({ min: 0, max: 0.01, noNaN: true }),
      momentum: fc.double({ min: 0, max: 0.95, noNaN: true }),
      milestones: fc
        .uniqueArray(fc.integer({ min: 1, max: 300 }), { maxLength: 3 })
        .map((steps) => steps.sort((a, b) => a - b)),
      drop: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
      step: fc.integer({ min: 0, max: 400 }),
    })
    .filter(({ lr, weightDecay, momentum }) => lr * weightDecay <= (1 - Math.sqrt(momentum)) ** 2);

  it('η̃_t = η·α^{−2t−1} with one phase, and η_t/(s_t·s_{t+1}) with s_t = ∏_{k<t} α_k in general', () => {
    fc.assert(
      fc.property(scheduleArb, ({ lr, weightDecay, momentum, milestones, drop, step }) => {
        const constant = new ExpLrTwin({ lr, weightDecay, momentum });
        const alpha = expLrAlpha(lr, weightDecay, momentum);
        expect(relative(constant.twinLr(step), lr * alpha ** (-2 * step - 1))).toBeLessThan(1e-12);
        expect(relative(constant.scale(step), alpha ** step)).toBeLessThan(1e-12);
        const twin = new ExpLrTwin({ lr, weightDecay, momentum, milestones, drop });
        let scale = 1;
        for (let k = 0; k < step; k++) scale *= twin.alpha(k);
        expect(relative(twin.scale(step), scale)).toBeLessThan(1e-11);
        expect(relative(twin.twinLr(step), twin.originalLr(step) / (scale * scale * twin.alpha(step)))).toBeLessThan(
          1e-11,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('at a drop, η̃ is divided by the drop factor once and the growth switches to the new α^−2', () => {
    fc.assert(
      fc.property(
        scheduleArb.filter(({ milestones }) => milestones.length > 0 && milestones[0] > 1),
        ({ lr, weightDecay, momentum, milestones, drop }) => {
          const twin = new ExpLrTwin({ lr, weightDecay, momentum, milestones, drop });
          const T = milestones[0];
          const [before, after] = [twin.alpha(T - 1), twin.alpha(T)];
          expect(relative(twin.twinLr(T) / twin.twinLr(T - 1), drop / (before * after))).toBeLessThan(1e-11);
          if (!milestones.includes(T + 1))
            expect(relative(twin.twinLr(T + 1) / twin.twinLr(T), after ** -2)).toBeLessThan(1e-11);
          expect(relative(twin.twinLr(T - 1) / twin.twinLr(T - 2), before ** -2)).toBeLessThan(1e-11);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the momentum correction s²[(1 − 1/α_I)/η_I − (1 − 1/α_{I−1})/η_{I−1}] equals (s²/γ)[(1 − α_{I−1})/η_{I−1} − (1 − α_I)/η_I]', () => {
    const arb = fc
      .record({
        eta: fc.double({ min: 0.01, max: 1, noNaN: true }),
        lambda: fc.double({ min: 0, max: 0.01, noNaN: true }),
        gamma: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        drop: fc.double({ min: 0.01, max: 0.9, noNaN: true }),
      })
      .filter(({ eta, lambda, gamma }) => eta * lambda <= (1 - Math.sqrt(gamma)) ** 2);
    fc.assert(
      fc.property(arb, ({ eta, lambda, gamma, drop }) => {
        const [oldAlpha, newAlpha] = [expLrAlpha(eta, lambda, gamma), expLrAlpha(eta * drop, lambda, gamma)];
        const ours = (1 - 1 / newAlpha) / (eta * drop) - (1 - 1 / oldAlpha) / eta;
        const derived = ((1 - oldAlpha) / eta - (1 - newAlpha) / (eta * drop)) / gamma;
        // 1 − 1/α loses ~1e-16 absolute to cancellation, i.e. ~1e-16/(η·drop) in each term
        expect(Math.abs(ours - derived)).toBeLessThanOrEqual(1e-9 * Math.abs(ours) + 1e-13 / (eta * drop));
      }),
      { numRuns: 300 },
    );
  });
});
