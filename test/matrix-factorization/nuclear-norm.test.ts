/**
 * The minimum nuclear norm solver against brute force on tiny completion problems, its
 * optimality (subgradient) conditions on small completion and sensing problems, and exact
 * recovery where the theory guarantees it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, sampleWithoutReplacement } from '../../src/data/index.ts';
import * as la from '../../src/linalg/index.ts';
import {
  gaussianMeasurements,
  linearMeasurements,
  lowRankTarget,
  minimumNuclearNorm,
  nuclearNorm,
  observedEntries,
  observeEntries,
  optimalityResiduals,
  reconstructionError,
  type AffineConstraint,
} from '../../src/matrix-factorization/index.ts';

const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/**
 * min over the free entries of ‖X‖_* by nested ternary search: the objective is convex in the
 * free entries, and so is its partial minimum over the inner ones, so each level is a convex
 * function of one variable on [−bound, bound], bracketed to (2/3)^80 of its width.
 */
function bruteForceMinimum(known: la.Matrix, free: readonly number[], bound: number): number {
  const candidate = la.clone(known);
  const minimize = (level: number): number => {
    if (level === free.length) return nuclearNorm(la.singularValues(candidate));
    const at = (value: number) => {
      candidate.data[free[level]] = value;
      return minimize(level + 1);
    };
    let [low, high] = [-bound, bound];
    for (let iteration = 0; iteration < 80; iteration++) {
      const [left, right] = [low + (high - low) / 3, high - (high - low) / 3];
      if (at(left) <= at(right)) high = right;
      else low = left;
    }
    return at((low + high) / 2);
  };
  return minimize(0);
}

function expectOptimal(constraint: AffineConstraint, tolerance: number): ReturnType<typeof minimumNuclearNorm> {
  const solved = minimumNuclearNorm(constraint, { tolerance: 1e-10, maxIterations: 20_000 });
  const residuals = optimalityResiduals(constraint, solved.solution, solved.certificate);
  const scale = la.singularValues(solved.solution)[0] + 1;
  expect(residuals.infeasibility).toBeLessThanOrEqual(tolerance * scale);
  expect(residuals.spectralExcess).toBeLessThanOrEqual(tolerance);
  expect(residuals.alignmentGap).toBeLessThanOrEqual(tolerance * scale);
  expect(residuals.nullSpaceComponent).toBeLessThanOrEqual(tolerance);
  return solved;
}

describe('minimumNuclearNorm on completion', () => {
  it('finds the brute-force minimum of tiny problems with one or two free entries', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 }), (seed, cols, freeCount) => {
        const random = new Random(seed);
        const rows = 3;
        const full = la.fromArray(
          rows,
          cols,
          Float64Array.from({ length: rows * cols }, () => random.normal()),
        );
        const free = Array.from(sampleWithoutReplacement(rows * cols, freeCount, random));
        const observed = Array.from({ length: rows * cols }, (_, i) => i).filter((i) => !free.includes(i));
        const constraint = observedEntries(
          rows,
          cols,
          observed,
          observed.map((i) => full.data[i]),
        );
        const known = constraint.project(la.zeros(rows, cols));
        const bound = 4 * Math.max(...known.data.map(Math.abs)) + 1;
        const brute = bruteForceMinimum(known, free, bound);
        const solved = minimumNuclearNorm(constraint, { tolerance: 1e-11, maxIterations: 50_000 });
        expect(solved.converged).toBe(true);
        expect(solved.nuclearNorm).toBeCloseTo(brute, 8);
      }),
      { numRuns: 25 },
    );
  });

  it('satisfies the optimality conditions (feasible, certificate in ∂‖X‖_* and supported on Ω)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 4, max: 8 }), (seed, size) => {
        const target = lowRankTarget(size, 2, seed);
        const { indices, values } = observeEntries(target, Math.round(0.5 * size * size), seed + 1);
        expectOptimal(observedEntries(size, size, indices, values), 1e-6);
      }),
      { numRuns: 15 },
    );
  });

  it('recovers a rank-1 matrix exactly from most of its entries', () => {
    const target = lowRankTarget(12, 1, 3);
    const { indices, values } = observeEntries(target, 100, 4);
    const solved = expectOptimal(observedEntries(12, 12, indices, values), 1e-6);
    expect(reconstructionError(solved.solution.data, target)).toBeLessThan(1e-12);
    expect(solved.rank).toBe(1);
  });

  it('rejects malformed constraints with messages that name the problem', () => {
    expect(() => observedEntries(2, 2, [0, 4], [1, 1])).toThrow(/outside a 2×2/);
    expect(() => observedEntries(2, 2, [1, 1], [1, 1])).toThrow(/observed twice/);
    expect(() => minimumNuclearNorm(observedEntries(2, 2, [0], [0]))).toThrow(/step size/);
  });
});

describe('minimumNuclearNorm on sensing', () => {
  it('satisfies the optimality conditions, and no random feasible point has a smaller nuclear norm', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const size = 5;
        const target = lowRankTarget(size, 1, seed);
        const { sensing, measurements } = gaussianMeasurements(target, 12, seed + 1);
        const constraint = linearMeasurements(size, size, sensing, measurements);
        const solved = expectOptimal(constraint, 1e-6);
        const random = new Random(seed + 2);
        for (let trial = 0; trial < 50; trial++) {
          const step = 10 ** (random.uniform() * 3 - 2);
          const perturbed = la.fromArray(
            size,
            size,
            solved.solution.data.map((value) => value + step * random.normal()),
          );
          expect(nuclearNorm(la.singularValues(constraint.project(perturbed)))).toBeGreaterThanOrEqual(
            solved.nuclearNorm - 1e-6,
          );
        }
      }),
      { numRuns: 10 },
    );
  });
});
