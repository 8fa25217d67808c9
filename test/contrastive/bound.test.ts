/**
 * The inequalities of Arora et al. 2019 (arXiv 1902.09229) on random finite latent-class
 * distributions, where every expectation is an exact average (float64): Lemma 4.3
 * L^μ_sup(f) ≤ (L_un(f) − τ)/(1 − τ) for random f, both losses, k = 1 and k > 1 (with τ_k);
 * the block loss between the two; equality for a representation constant on each class, where
 * a τ that is too large breaks the bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blockUnsupervisedLoss,
  collisionProbability,
  contrastiveBound,
  supervisedMeanLoss,
  unsupervisedLoss,
  type ContrastiveLossName,
  type RepresentedClasses,
} from '../../src/contrastive/index.ts';

const losses: ContrastiveLossName[] = ['logistic', 'hinge'];

/** Classes of explicit points x ∈ R^m, a random f(x) = tanh(scale·Ax) : R^m → R^d, and random weights ρ. */
function distribution(maxClasses: number, maxPoints: number) {
  return fc
    .record({
      classes: fc.integer({ min: 2, max: maxClasses }),
      inputs: fc.integer({ min: 1, max: 3 }),
      width: fc.integer({ min: 1, max: 3 }),
      scale: fc.double({ min: 0.1, max: 4, noNaN: true }),
      seed: fc.integer({ min: 0, max: 2 ** 30 }),
    })
    .chain(({ classes, inputs, width, scale }) =>
      fc.record({
        weights: fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: classes, maxLength: classes }),
        points: fc.array(
          fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: inputs, maxLength: inputs }), {
            minLength: 1,
            maxLength: maxPoints,
          }),
          { minLength: classes, maxLength: classes },
        ),
        map: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: inputs, maxLength: inputs }), {
          minLength: width,
          maxLength: width,
        }),
        scale: fc.constant(scale),
      }),
    )
    .map(({ weights, points, map, scale }): RepresentedClasses => {
      const total = weights.reduce((sum, w) => sum + w, 0);
      const f = (x: number[]) => map.map((row) => Math.tanh(scale * row.reduce((sum, a, i) => sum + a * x[i], 0)));
      return { weights: weights.map((w) => w / total), points: points.map((rows) => rows.map(f)) };
    });
}

const slack = 1e-10;

describe('Lemma 4.3: L^μ_sup(f) ≤ (L_un(f) − τ)/(1 − τ)', () => {
  for (const loss of losses) {
    it(`holds for random f, ${loss} loss, k = 1`, () => {
      fc.assert(
        fc.property(distribution(5, 4), (classes) => {
          const tau = collisionProbability(classes.weights);
          const bound = contrastiveBound(unsupervisedLoss(classes, loss), tau);
          expect(supervisedMeanLoss(classes, loss)).toBeLessThanOrEqual(bound + slack);
        }),
        { numRuns: 200 },
      );
    });

    it(`holds for random f, ${loss} loss, k = 2 and 3 negatives, with τ_k = P[c⁺ among the negatives' classes]`, () => {
      fc.assert(
        fc.property(distribution(3, 2), fc.integer({ min: 2, max: 3 }), (classes, k) => {
          const tau = collisionProbability(classes.weights, k);
          const bound = contrastiveBound(unsupervisedLoss(classes, loss, k), tau);
          expect(supervisedMeanLoss(classes, loss, k)).toBeLessThanOrEqual(bound + slack);
        }),
        { numRuns: 60 },
      );
    });

    it(`the block loss (b = 2) lies between (1 − τ)L^μ_sup + τ and L_un, ${loss} loss`, () => {
      fc.assert(
        fc.property(distribution(3, 3), (classes) => {
          const tau = collisionProbability(classes.weights);
          const block = blockUnsupervisedLoss(classes, loss, 2);
          expect(block).toBeLessThanOrEqual(unsupervisedLoss(classes, loss) + slack);
          expect((1 - tau) * supervisedMeanLoss(classes, loss) + tau).toBeLessThanOrEqual(block + slack);
          expect(blockUnsupervisedLoss(classes, loss, 1)).toBeCloseTo(unsupervisedLoss(classes, loss), 12);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('is an equality when f is constant on each class', () => {
    fc.assert(
      fc.property(distribution(5, 3), fc.constantFrom(...losses), (random, loss) => {
        // Every point of a class gets the class's first representation: Jensen's step is then exact.
        const classes = { ...random, points: random.points.map((rows) => rows.map(() => rows[0])) };
        const tau = collisionProbability(classes.weights);
        const bound = contrastiveBound(unsupervisedLoss(classes, loss), tau);
        expect(Math.abs(bound - supervisedMeanLoss(classes, loss))).toBeLessThan(1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('breaks when τ is overstated: classes at s·e_c (L^μ_sup < 1), any τ′ above the true τ', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 1.05, max: 2, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom(...losses),
        (raw, scale, share, loss) => {
          const total = raw.reduce((sum, w) => sum + w, 0);
          const weights = raw.map((w) => w / total);
          const points = weights.map((_, c) => [weights.map((__, j) => (j === c ? scale : 0))]);
          const classes = { weights, points };
          const tau = collisionProbability(weights);
          const supervised = supervisedMeanLoss(classes, loss);
          expect(supervised).toBeLessThan(1);
          const unsupervised = unsupervisedLoss(classes, loss);
          expect(supervised).toBeLessThanOrEqual(contrastiveBound(unsupervised, tau) + slack);
          const wrongTau = tau + share * (1 - tau);
          expect(supervised).toBeGreaterThan(contrastiveBound(unsupervised, wrongTau));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fails with a wrong τ on a fixed example: two separated classes, ρ = (0.9, 0.1)', () => {
    const classes = { weights: [0.9, 0.1], points: [[[2]], [[-2]]] };
    const tau = collisionProbability(classes.weights); // 0.82
    expect(tau).toBeCloseTo(0.82, 12);
    const unsupervised = unsupervisedLoss(classes, 'logistic');
    const supervised = supervisedMeanLoss(classes, 'logistic');
    expect(supervised).toBeLessThanOrEqual(contrastiveBound(unsupervised, tau) + slack);
    // Overstating the collisions (τ = 0.9 instead of 0.82) pushes the bound below L^μ_sup.
    expect(supervised).toBeGreaterThan(contrastiveBound(unsupervised, 0.9));
  });
});

describe('collisionProbability', () => {
  it('τ_k equals the enumerated probability that c⁺ is among k iid negative classes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3 }),
        (raw, k) => {
          const total = raw.reduce((sum, w) => sum + w, 0);
          const weights = raw.map((w) => w / total);
          let enumerated = 0;
          const visit = (slot: number, p: number, hit: boolean, positive: number): void => {
            if (slot === k) {
              if (hit) enumerated += p;
              return;
            }
            weights.forEach((w, c) => visit(slot + 1, p * w, hit || c === positive, positive));
          };
          weights.forEach((w, c) => visit(0, w, false, c));
          expect(collisionProbability(weights, k)).toBeCloseTo(enumerated, 12);
        },
      ),
    );
  });

  it('names the problem on bad input', () => {
    expect(() => contrastiveBound(0.5, 1)).toThrow(/contrastiveBound: τ must be in \[0, 1\), got 1/);
    expect(() => unsupervisedLoss({ weights: [0.5], points: [[[1]]] }, 'logistic')).toThrow(/sum to 1/);
    expect(() => collisionProbability([1], 0)).toThrow(/collisionProbability: k must be a positive integer/);
  });
});
