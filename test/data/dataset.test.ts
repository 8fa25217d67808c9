import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDataset,
  labelHistogram,
  selectClasses,
  selectExamples,
  takeFirst,
  takeRandom,
  type Dataset,
} from '../../src/data/dataset.ts';

/** n examples of shape [2]; example i holds [i, −i] and label i mod classes. */
function toy(n: number, classes = 3): Dataset {
  const images = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) images.set([i, -i], 2 * i);
  return createDataset({
    images,
    labels: Int32Array.from({ length: n }, (_, i) => i % classes),
    shape: [2],
    classes,
    name: 'toy',
  });
}

describe('Dataset subsets', () => {
  it('createDataset checks lengths and labels', () => {
    expect(() =>
      createDataset({ images: new Float32Array(5), labels: new Int32Array(2), shape: [2], classes: 2, name: 'bad' }),
    ).toThrow(/createDataset: bad: images has 5 values, expected 2 labels × 2 \(shape \[2\]\) = 4/);
    expect(() =>
      createDataset({ images: new Float32Array(2), labels: Int32Array.of(2), shape: [2], classes: 2, name: 'bad' }),
    ).toThrow(/label 2 at index 0 is outside 0…1/);
  });

  it('takeFirst keeps the first n examples with their labels', () => {
    const first = takeFirst(toy(10), 4);
    expect([first.count, ...first.labels]).toEqual([4, 0, 1, 2, 0]);
    expect(Array.from(first.images)).toEqual([0, -0, 1, -1, 2, -2, 3, -3]);
    expect(() => takeFirst(toy(3), 4)).toThrow(/takeFirst: toy: n must be an integer in 0…3, got 4/);
  });

  it('takeRandom picks n distinct examples in their original order, reproducibly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.nat(), (size, wanted, seed) => {
        const n = Math.min(size, wanted);
        const subset = takeRandom(toy(size), n, seed);
        const ids = Array.from({ length: n }, (_, i) => subset.images[2 * i]);
        expect(new Set(ids).size).toBe(n);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        ids.forEach((id, i) => expect(subset.labels[i]).toBe(id % 3));
        expect(takeRandom(toy(size), n, seed)).toEqual(subset);
      }),
    );
  });

  it('selectClasses keeps the given classes, optionally relabelled in the order given', () => {
    const data = toy(12, 4);
    const kept = selectClasses(data, [3, 1]);
    expect([kept.classes, ...kept.labels]).toEqual([4, 1, 3, 1, 3, 1, 3]);
    const relabelled = selectClasses(data, [3, 1], { relabel: true });
    expect([relabelled.classes, ...relabelled.labels]).toEqual([2, 1, 0, 1, 0, 1, 0]);
    expect(Array.from(relabelled.images.filter((_, i) => i % 2 === 0))).toEqual([1, 3, 5, 7, 9, 11]);
  });

  it('selectClasses with perClass takes the first ones, or a seeded random choice', () => {
    const data = toy(40, 4); // 10 per class
    const first = selectClasses(data, [0, 2], { perClass: 2, relabel: true });
    expect(Array.from(first.images.filter((_, i) => i % 2 === 0))).toEqual([0, 2, 4, 6]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.nat(), (perClass, seed) => {
        const random = selectClasses(data, [0, 2], { perClass, seed, relabel: true });
        expect(Array.from(labelHistogram(random.labels, 2))).toEqual([perClass, perClass]);
        expect(selectClasses(data, [0, 2], { perClass, seed, relabel: true })).toEqual(random);
      }),
    );
    expect(() => selectClasses(data, [0], { perClass: 11 })).toThrow(
      /perClass must be an integer in 0…10 \(the size of class 0\), got 11/,
    );
    expect(() => selectClasses(data, [0, 0])).toThrow(/classes must be distinct integers in 0…3, got \[0,0\]/);
  });

  it('selectExamples gathers in the given order and checks indices', () => {
    expect(Array.from(selectExamples(toy(5), [4, 0, 4]).labels)).toEqual([1, 0, 1]);
    expect(() => selectExamples(toy(5), [5])).toThrow(/selectExamples: toy: index 5 at position 0 is outside 0…4/);
  });

  it('labelHistogram counts and rejects labels out of range', () => {
    expect(Array.from(labelHistogram(Int32Array.of(0, 2, 2), 3))).toEqual([1, 0, 2]);
    expect(() => labelHistogram([0, 3], 3)).toThrow(/labelHistogram: label 3 at index 1 is outside 0…2/);
  });
});
