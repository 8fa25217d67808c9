/** The paper's summary statistics (arXiv 1910.01663, §4): Friedman ranks, P90/P95, paired comparisons. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  friedmanRanks,
  meanAndDeviation,
  pairedComparison,
  resultCache,
  shareWithinBest,
} from '../../src/uci-benchmark/index.ts';

describe('friedmanRanks', () => {
  it('ranks the most accurate first and shares tied ranks', () => {
    expect(
      friedmanRanks([
        [0.9, 0.8, 0.7],
        [0.5, 0.5, 0.9],
      ]),
    ).toEqual([(1 + 2.5) / 2, (2 + 2.5) / 2, (3 + 1) / 2]);
  });

  it('always sums to k(k + 1)/2 per row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }), {
          minLength: 1,
          maxLength: 8,
        }),
        (table) => {
          const ranks = friedmanRanks(table);
          expect(ranks.reduce((sum, rank) => sum + rank, 0)).toBeCloseTo(10, 10);
        },
      ),
    );
  });
});

describe('shareWithinBest, pairedComparison, meanAndDeviation', () => {
  it('counts datasets within 90% of the best and compares pairs', () => {
    expect(shareWithinBest([90, 80, 100], [100, 100, 100], 0.9)).toBeCloseTo(2 / 3, 12);
    const comparison = pairedComparison([1, 2, 3, 4], [1, 1, 1, 5]);
    expect([comparison.wins, comparison.ties, comparison.losses]).toEqual([2, 1, 1]);
    expect(comparison.meanDifference).toBeCloseTo(0.5, 12);
    expect(comparison.standardError).toBeCloseTo(meanAndDeviation([0, 1, 2, -1]).deviation / 2, 12);
    expect(() => pairedComparison([1], [1, 2])).toThrow(/pairedComparison: need equal non-zero lengths, got 1 and 2/);
  });
});

describe('resultCache', () => {
  it('returns a value only under its fingerprint, and treats corrupt entries as misses', () => {
    const folder = mkdtempSync(join(tmpdir(), 'theorygrad-uci-cache-'));
    try {
      const data = join(folder, 'x_R.dat');
      writeFileSync(data, 'a');
      const key = fingerprint([data], { costs: [1] });
      expect(fingerprint([data], { costs: [1, 10] })).not.toBe(key);
      const cache = resultCache<{ accuracy: number }>(join(folder, 'cache'));
      expect(cache.read('x.ntk', key)).toBeUndefined();
      cache.write('x.ntk', key, { accuracy: 0.5 });
      expect(cache.read('x.ntk', key)).toEqual({ accuracy: 0.5 });
      writeFileSync(data, 'b'); // the data changed: a new fingerprint, a miss
      expect(cache.read('x.ntk', fingerprint([data], { costs: [1] }))).toBeUndefined();
      writeFileSync(join(folder, 'cache', 'x.ntk.json'), '{"key": "sha');
      expect(cache.read('x.ntk', key)).toBeUndefined();
      expect(() => cache.read('../x', key)).toThrow(/resultCache: entry name/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
