import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Random,
  choice,
  deriveSeed,
  permutation,
  sampleWithoutReplacement,
  shuffleInPlace,
} from '../../src/data/random.ts';

const seed = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe('seeded sampling helpers', () => {
  it('permutation(n) holds each of 0…n−1 exactly once, and the same seed gives the same order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), seed, (n, s) => {
        const order = permutation(n, new Random(s));
        expect(Array.from(order).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(permutation(n, new Random(s))).toEqual(order);
      }),
    );
  });

  it('sampleWithoutReplacement gives k distinct indices below n, reproducibly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 200 }), seed, (n, kWanted, s) => {
        const k = Math.min(n, kWanted);
        const sample = sampleWithoutReplacement(n, k, new Random(s));
        expect(sample.length).toBe(k);
        expect(new Set(sample).size).toBe(k);
        expect(sample.every((index) => index >= 0 && index < n)).toBe(true);
        expect(sampleWithoutReplacement(n, k, new Random(s))).toEqual(sample);
      }),
    );
    expect(() => sampleWithoutReplacement(3, 4, new Random(0))).toThrow(
      /sampleWithoutReplacement: k must be at most n, got k = 4, n = 3/,
    );
  });

  it('sampleWithoutReplacement(n, n) is a permutation', () => {
    expect(Array.from(sampleWithoutReplacement(50, 50, new Random(9))).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
  });

  it('sampling is roughly uniform: each of 10 items is picked about 1/10 of the time', () => {
    const rng = new Random(123);
    const picks = new Array(10).fill(0);
    for (let trial = 0; trial < 20000; trial++) picks[sampleWithoutReplacement(10, 1, rng)[0]]++;
    // 2000 expected per item, standard deviation ≈ 42: ±250 is about 6σ.
    for (const count of picks) expect(Math.abs(count - 2000)).toBeLessThan(250);
  });

  it('shuffleInPlace permutes plain and typed arrays in place, reproducibly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 50 }), seed, (items, s) => {
        const shuffled = shuffleInPlace([...items], new Random(s));
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
        expect(shuffleInPlace([...items], new Random(s))).toEqual(shuffled);
      }),
    );
    const typed = Float32Array.of(1, 2, 3, 4);
    expect(shuffleInPlace(typed, new Random(1))).toBe(typed);
  });

  it('choice picks an element, reproducibly, and rejects an empty list', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1 }), seed, (items, s) => {
        const picked = choice(items, new Random(s));
        expect(items).toContain(picked);
        expect(choice(items, new Random(s))).toBe(picked);
      }),
    );
    expect(() => choice([], new Random(0))).toThrow(/choice: items must not be empty/);
  });

  it('deriveSeed separates streams: consecutive epochs get different permutations', () => {
    const orders = [0, 1, 2].map((epoch) => Array.from(permutation(20, new Random(deriveSeed(7, epoch)))).join(','));
    expect(new Set(orders).size).toBe(3);
    expect(deriveSeed(7, 1)).toBe(deriveSeed(7, 1));
  });
});
