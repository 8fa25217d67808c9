/**
 * Coates et al.'s random-patch layer as enhanced-cntk uses it (src/infinite/random-patches.ts):
 * the features are fixed by the seed, and the fitted ZCA whitens the patches it is fitted on
 * (Z·C·Z = I up to ε, with C the covariance of the patches it samples).
 */
import { expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { applyRandomPatches, fitRandomPatches } from '../../../src/infinite/random-patches.ts';

// smooth random images (neighbouring pixels correlated), so whitening has something to undo
function smoothImages(count: number, side: number, seed: number): ad.Tensor {
  const noise = ad.randomNormal([count, 1, side + 1, side + 1], { seed, dtype: 'float64' }).data;
  const data = new Float64Array(count * side * side);
  for (let n = 0; n < count; n++)
    for (let i = 0; i < side; i++)
      for (let j = 0; j < side; j++) {
        const at = (a: number, b: number) => noise[(n * (side + 1) + a) * (side + 1) + b];
        data[(n * side + i) * side + j] = at(i, j) + at(i + 1, j) + at(i, j + 1) + at(i + 1, j + 1);
      }
  return ad.tensor(data, { shape: [count, 1, side, side], dtype: 'float64' });
}

it('are the same features for the same seed, other features for another', () => {
  const images = smoothImages(6, 8, 1);
  const features = (seed: number) =>
    applyRandomPatches(fitRandomPatches(images, { count: 6, size: 3, seed }), images).data;
  expect(features(4)).toEqual(features(4));
  expect(features(5)).not.toEqual(features(4));
});

it('whiten: the ZCA matrix maps the covariance of every patch position to the identity (up to ε)', () => {
  const side = 5,
    size = 3,
    count = 30;
  const images = smoothImages(count, side, 2);
  // many samples of the (count·9) distinct patches: their covariance is that of all patches
  const { whitening } = fitRandomPatches(images, { count: 4, size, seed: 3, epsilon: 1e-6, samples: 60_000 });
  const d = size * size;
  const patches: number[][] = [];
  for (let n = 0; n < count; n++)
    for (let top = 0; top <= side - size; top++)
      for (let left = 0; left <= side - size; left++)
        patches.push(
          Array.from(
            { length: d },
            (_, k) => images.data[(n * side + top + Math.floor(k / size)) * side + left + (k % size)],
          ),
        );
  const mean = Array.from({ length: d }, (_, k) => patches.reduce((sum, p) => sum + p[k], 0) / patches.length);
  const z = whitening.matrix.data;
  const whitened = patches.map((p) =>
    Array.from({ length: d }, (_, i) => p.reduce((sum, value, j) => sum + z[i * d + j] * (value - mean[j]), 0)),
  );
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      const covariance = whitened.reduce((sum, w) => sum + w[i] * w[j], 0) / whitened.length;
      expect(Math.abs(covariance - (i === j ? 1 : 0)), `entry ${i},${j}`).toBeLessThan(0.1);
    }
});
