/** k-fold splits partition the indices, are seeded, and stratify classes; accuracy. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, kFoldSplit } from '../../src/kernel-methods/kfold.ts';

describe('kFoldSplit', () => {
  it('partitions 0…n−1 into k test sets of near-equal size, each train set its complement', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer(),
        (count, foldSeed, seed) => {
          const folds = 2 + (foldSeed % (count - 1));
          const split = kFoldSplit(count, folds, seed);
          expect(split.length).toBe(folds);
          const seen = split.flatMap((fold) => fold.test).sort((a, b) => a - b);
          expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
          const sizes = split.map((fold) => fold.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          const ascending = (values: number[]) => values.every((value, i) => i === 0 || values[i - 1] < value);
          for (const fold of split) {
            // Train is the complement of test: disjoint, ascending, and together all n indices.
            const held = new Set(fold.test);
            const complement =
              fold.train.length + fold.test.length === count && fold.train.every((index) => !held.has(index));
            expect(complement && ascending(fold.train) && ascending(fold.test)).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
  it('is reproducible from its seed and shuffles', () => {
    expect(kFoldSplit(50, 5, 7)).toEqual(kFoldSplit(50, 5, 7));
    expect(kFoldSplit(50, 5, 7)).not.toEqual(kFoldSplit(50, 5, 8));
    expect(kFoldSplit(50, 5, 7)[0].test).not.toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
  });
  it('stratified: each class is spread evenly (counts per fold differ by at most one)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 150 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer(),
        (labels, folds, seed) => {
          const split = kFoldSplit(labels.length, folds, seed, { stratifyBy: labels });
          const seen = split.flatMap((fold) => fold.test).sort((a, b) => a - b);
          expect(seen).toEqual(Array.from({ length: labels.length }, (_, i) => i));
          const sizes = split.map((fold) => fold.test.length);
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
          for (const label of new Set(labels)) {
            const counts = split.map((fold) => fold.test.filter((index) => labels[index] === label).length);
            expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
  it('rejects bad arguments', () => {
    expect(() => kFoldSplit(5, 1, 0)).toThrow('kFoldSplit: folds must be an integer in [2, count = 5], got 1');
    expect(() => kFoldSplit(5, 6, 0)).toThrow('kFoldSplit: folds must be an integer in [2, count = 5], got 6');
    expect(() => kFoldSplit(-1, 2, 0)).toThrow('kFoldSplit: count must be a non-negative integer, got -1');
    expect(() => kFoldSplit(4, 2, 0, { stratifyBy: [0, 1] })).toThrow(
      'kFoldSplit: stratifyBy must have length count = 4, got 2',
    );
    expect(() => kFoldSplit(2, 2, 0, { stratifyBy: [0, NaN] })).toThrow(
      'kFoldSplit: stratifyBy[1] = NaN is not an integer class id',
    );
  });
});

describe('accuracy', () => {
  it('is the fraction of matching positions', () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    expect(accuracy(Int32Array.from([3]), [3])).toBe(1);
    expect(() => accuracy([1], [1, 2])).toThrow('accuracy: predicted and actual must have equal lengths, got 1 and 2');
    expect(() => accuracy([], [])).toThrow('accuracy: no predictions to score');
  });
});
