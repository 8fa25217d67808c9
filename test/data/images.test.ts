/**
 * src/data/images.ts and standardizeWith: a set's images as a tensor (the slice asked for, its
 * shape and dtype, bad ranges named); the training set's statistics applied to every set.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { channelStatistics, createDataset, imagesOf, Random, standardizeWith } from '../../src/data/index.ts';

const randomSet = (count: number, shape: number[], seed: number, offset = 0) => {
  const random = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return createDataset({
    images: Float32Array.from({ length: count * size }, () => offset + 3 * random.normal()),
    labels: new Int32Array(count),
    shape,
    classes: 2,
    name: 'random',
  });
};

it('imagesOf gives examples [start, start + count) as a tensor [count, ...shape]', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1000 }), (count, seed) => {
      const set = randomSet(count, [2, 3, 3], seed);
      const all = imagesOf(set);
      expect(all.shape).toEqual([count, 2, 3, 3]);
      expect(all.dtype).toBe('float32');
      expect(Array.from(all.data)).toEqual(Array.from(set.images));
      const start = seed % count;
      const part = imagesOf(set, start, count - start, 'float64');
      expect(part.shape).toEqual([count - start, 2, 3, 3]);
      expect(part.dtype).toBe('float64');
      expect(Array.from(part.data)).toEqual(Array.from(set.images.subarray(start * 18)));
    }),
  );
  const set = randomSet(3, [1, 2, 2], 0);
  expect(() => imagesOf(set, 2, 2)).toThrow("imagesOf: examples [2, 4) are not inside the set's 3");
  expect(() => imagesOf(set, 0, 0)).toThrow(/imagesOf: examples \[0, 0\)/);
});

it("standardizeWith gives the training set mean 0 and deviation 1 per channel and the others the training set's map", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
      const train = randomSet(5, [3, 2, 2], seed, 1);
      const test = randomSet(4, [3, 2, 2], seed + 1, -2);
      const [standardTrain, standardTest] = standardizeWith(train, test);
      const { mean, std } = channelStatistics(standardTrain);
      for (let c = 0; c < 3; c++) {
        expect(Math.abs(mean[c])).toBeLessThan(1e-5);
        expect(Math.abs(std[c] - 1)).toBeLessThan(1e-5);
      }
      // the same affine map per channel: test values move as training values do
      const fitted = channelStatistics(train);
      const expected = test.images.map((value, i) => {
        const c = Math.floor(i / 4) % 3;
        return (value - fitted.mean[c]) / fitted.std[c];
      });
      standardTest.images.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 4));
    }),
  );
});

it('standardizeWith centres a constant channel instead of dividing by zero', () => {
  const flat = createDataset({
    images: Float32Array.of(2, 2, 2, 2),
    labels: new Int32Array(2),
    shape: [1, 2],
    classes: 2,
    name: 'flat',
  });
  const [train] = standardizeWith(flat);
  expect(Array.from(train.images)).toEqual([0, 0, 0, 0]);
});
