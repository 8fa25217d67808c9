import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExampleSet } from '../../src/data/dataset.ts';
import { Random } from '../../src/data/random.ts';
import {
  applyZca,
  channelStatistics,
  downsample,
  fitZca,
  flipHorizontal,
  normalize,
  normalizeRows,
  randomCrop,
  randomFlipHorizontal,
  standardizeChannels,
} from '../../src/data/transforms.ts';

const value = fc.float({ min: -100, max: 100, noNaN: true });

/** Random NCHW example sets: count × [channels, height, width] values in [−100, 100]. */
const imageSet = (maxExtent = 6): fc.Arbitrary<ExampleSet> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: maxExtent }),
      fc.integer({ min: 1, max: maxExtent }),
    )
    .chain(([count, channels, height, width]) =>
      fc
        .array(value, { minLength: count * channels * height * width, maxLength: count * channels * height * width })
        .map((values) => ({
          images: Float32Array.from(values),
          shape: [channels, height, width],
          count,
        })),
    );

const at = (set: ExampleSet, example: number, channel: number, y: number, x: number): number => {
  const [channels, height, width] = set.shape;
  return set.images[((example * channels + channel) * height + y) * width + x];
};

describe('flips', () => {
  it('flipping twice is the identity, and a flip mirrors the last axis', () => {
    fc.assert(
      fc.property(imageSet(), (set) => {
        const flipped = flipHorizontal(set);
        expect(flipHorizontal(flipped).images).toEqual(set.images);
        const [, , width] = set.shape;
        expect(at(flipped, set.count - 1, 0, 0, 0)).toBe(at(set, set.count - 1, 0, 0, width - 1));
      }),
    );
  });

  it('randomFlipHorizontal flips whole examples, with probability 0 and 1 at the extremes, reproducibly', () => {
    fc.assert(
      fc.property(imageSet(), fc.nat(), (set, seed) => {
        expect(randomFlipHorizontal(set, new Random(seed), 0).images).toEqual(set.images);
        expect(randomFlipHorizontal(set, new Random(seed), 1).images).toEqual(flipHorizontal(set).images);
        const once = randomFlipHorizontal(set, new Random(seed));
        expect(randomFlipHorizontal(set, new Random(seed))).toEqual(once);
        const size = set.images.length / set.count;
        const flipped = flipHorizontal(set).images;
        for (let example = 0; example < set.count; example++) {
          const part = once.images.subarray(example * size, (example + 1) * size);
          const same = part.every((v, i) => Object.is(v, set.images[example * size + i]));
          const mirrored = part.every((v, i) => Object.is(v, flipped[example * size + i]));
          expect(same || mirrored).toBe(true);
        }
      }),
    );
  });
});

describe('normalization', () => {
  it('standardizeChannels gives every non-constant channel mean 0 and std 1, and centres constant ones', () => {
    fc.assert(
      fc.property(imageSet(), (set) => {
        const before = channelStatistics(set);
        const after = channelStatistics(standardizeChannels(set));
        before.std.forEach((std, channel) => {
          expect(Math.abs(after.mean[channel])).toBeLessThan(1e-5);
          if (std > 1e-3) expect(after.std[channel]).toBeCloseTo(1, 5);
          else if (std === 0) expect(after.std[channel]).toBe(0);
        });
      }),
    );
  });

  it('normalize subtracts and divides per channel, and validates its arguments', () => {
    const set: ExampleSet = { images: Float32Array.of(1, 3, 10, 20), shape: [2, 1, 1], count: 2 };
    expect(Array.from(normalize(set, [1, 3], [2, 4]).images)).toEqual([0, 0, 4.5, 4.25]);
    expect(Array.from(normalize(set, 1, 1).images)).toEqual([0, 2, 9, 19]);
    expect(() => normalize(set, [1, 2, 3], 1)).toThrow(/normalize: mean must have one value per channel \(2\), got 3/);
    expect(() => normalize(set, 0, [1, 0])).toThrow(/normalize: std must be positive, got 0 for channel 1/);
  });

  it('flat [d] examples are standardized per feature', () => {
    const set: ExampleSet = { images: Float32Array.of(0, 5, 2, 5), shape: [2], count: 2 };
    expect(Array.from(standardizeChannels(set).images)).toEqual([-1, 0, 1, 0]);
  });

  it('normalizeRows scales each example to norm 1 and keeps zero examples zero', () => {
    fc.assert(
      fc.property(imageSet(), (set) => {
        const normalized = normalizeRows(set);
        const size = set.images.length / set.count;
        for (let example = 0; example < set.count; example++) {
          const norm = (images: Float32Array): number =>
            Math.hypot(...images.subarray(example * size, (example + 1) * size));
          if (norm(set.images) > 1e-3) expect(norm(normalized.images)).toBeCloseTo(1, 5);
          if (norm(set.images) === 0) expect(norm(normalized.images)).toBe(0);
        }
      }),
    );
  });
});

describe('randomCrop', () => {
  it('with padding 0 and the full size is the identity', () => {
    fc.assert(
      fc.property(imageSet(), fc.nat(), (set, seed) => {
        expect(randomCrop(set, 0, new Random(seed)).images).toEqual(set.images);
      }),
    );
  });

  it('is reproducible with the same seed and matches a zero-padded window', () => {
    fc.assert(
      fc.property(
        imageSet(),
        fc.integer({ min: 0, max: 4 }),
        fc.nat(),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (set, padding, seed, cropHeight, cropWidth) => {
          const [channels, height, width] = set.shape;
          const size: [number, number] = [
            Math.min(cropHeight, height + 2 * padding),
            Math.min(cropWidth, width + 2 * padding),
          ];
          const cropped = randomCrop(set, padding, new Random(seed), size);
          expect(randomCrop(set, padding, new Random(seed), size)).toEqual(cropped);
          expect(cropped.shape).toEqual([channels, ...size]);
          // Reference: replay the same draws and read the padded image pixel by pixel.
          const rng = new Random(seed);
          for (let example = 0; example < set.count; example++) {
            const top = rng.int(height + 2 * padding - size[0] + 1) - padding;
            const left = rng.int(width + 2 * padding - size[1] + 1) - padding;
            for (let channel = 0; channel < channels; channel++) {
              for (let y = 0; y < size[0]; y++) {
                for (let x = 0; x < size[1]; x++) {
                  const [sourceY, sourceX] = [top + y, left + x];
                  const inside = sourceY >= 0 && sourceY < height && sourceX >= 0 && sourceX < width;
                  expect(at(cropped, example, channel, y, x)).toBe(
                    inside ? at(set, example, channel, sourceY, sourceX) : 0,
                  );
                }
              }
            }
          }
        },
      ),
    );
  });

  it('rejects a crop larger than the padded image', () => {
    const set: ExampleSet = { images: new Float32Array(4), shape: [1, 2, 2], count: 1 };
    expect(() => randomCrop(set, 1, new Random(0), [5, 2])).toThrow(
      /randomCrop: crop height must be an integer in 1…4 \(image height 2 \+ 2 × padding 1\), got 5/,
    );
    expect(() => randomCrop({ ...set, shape: [4] }, 1, new Random(0))).toThrow(
      /randomCrop: examples must have shape \[C, H, W\], got \[4\]/,
    );
  });
});

describe('downsample', () => {
  it('of a constant image is constant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        value,
        (channels, factor, rows, columns, constant) => {
          const set: ExampleSet = {
            images: new Float32Array(2 * channels * rows * factor * columns * factor).fill(constant),
            shape: [channels, rows * factor, columns * factor],
            count: 2,
          };
          const small = downsample(set, factor);
          expect(small.shape).toEqual([channels, rows, columns]);
          for (const pixel of small.images) expect(pixel).toBeCloseTo(constant, 4);
        },
      ),
    );
  });

  it('averages factor × factor blocks', () => {
    const set: ExampleSet = { images: Float32Array.from({ length: 16 }, (_, i) => i), shape: [1, 4, 4], count: 1 };
    expect(Array.from(downsample(set, 2).images)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(() => downsample(set, 3)).toThrow(
      /downsample: factor must be a positive integer dividing height 4 and width 4, got 3/,
    );
  });
});

describe('ZCA whitening', () => {
  /** n correlated Gaussian vectors of dimension d: z (I + 0.5 A) + offset, A and z standard normal. */
  function correlated(n: number, d: number, seed: number): ExampleSet {
    const rng = new Random(seed);
    const mixing = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0) + 0.5 * rng.normal());
    const offset = Array.from({ length: d }, () => 3 * rng.normal());
    const images = new Float32Array(n * d);
    for (let example = 0; example < n; example++) {
      const z = Array.from({ length: d }, () => rng.normal());
      for (let j = 0; j < d; j++) {
        let sum = offset[j];
        for (let i = 0; i < d; i++) sum += z[i] * mixing[i * d + j];
        images[example * d + j] = sum;
      }
    }
    return { images, shape: [d], count: n };
  }

  it('whitened data have mean 0 and covariance ≈ I, with a symmetric W', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 200 }), fc.nat(), (d, extra, seed) => {
        const n = 4 * d + 10 + extra;
        const data = correlated(n, d, seed);
        const whitening = fitZca(data, 1e-12);
        const W = whitening.matrix.data;
        for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) expect(W[i * d + j]).toBeCloseTo(W[j * d + i], 8);
        const white = applyZca(data, whitening).images;
        for (let i = 0; i < d; i++) {
          let mean = 0;
          for (let k = 0; k < n; k++) mean += white[k * d + i] / n;
          expect(Math.abs(mean)).toBeLessThan(1e-4);
          for (let j = 0; j <= i; j++) {
            let covariance = 0;
            for (let k = 0; k < n; k++) covariance += (white[k * d + i] * white[k * d + j]) / n;
            expect(Math.abs(covariance - (i === j ? 1 : 0))).toBeLessThan(1e-3);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('refuses epsilon 0 on singular data and a dimension mismatch', () => {
    const fewer = correlated(3, 6, 1);
    expect(() => fitZca(fewer, 0)).toThrow(
      /fitZca: covariance eigenvalue 0 is .*zero up to round-off \(C is singular\), and epsilon is 0/,
    );
    const whitening = fitZca(fewer, 0.1);
    expect(() => applyZca(correlated(3, 5, 1), whitening)).toThrow(
      /applyZca: examples have 5 values \(shape \[5\]\) but the whitening was fitted on 6/,
    );
  });
});
