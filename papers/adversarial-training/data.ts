/**
 * The separable training sets of the rebuild (Zhang et al. 2020, §3's assumption: the ρ-balls around
 * points of opposite labels are at least δ apart, ‖xᵢ − xⱼ‖ ≥ 2ρ + δ when yᵢ ≠ yⱼ; inputs on the unit
 * sphere): random points of S^{d−1} with random labels, and two MNIST classes.
 */
import * as ad from '../../autodiff/index.ts';
import { Random, deriveSeed, downsample, loadMnist, normalizeRows, selectClasses } from '../../src/data/index.ts';
import type { MnistConfig, SphereConfig } from './config.ts';
import type { LabelledSet } from './training.ts';

/** A uniform point of S^{d−1} (normalized Gaussian). */
export function spherePoint(random: Random, dimension: number): Float64Array {
  for (;;) {
    const point = Float64Array.from({ length: dimension }, () => random.normal());
    const norm = Math.hypot(...point);
    if (norm > 1e-12) return point.map((value) => value / norm);
  }
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < a.length; k++) total += (a[k] - b[k]) ** 2;
  return Math.sqrt(total);
}

/** The smallest distance between points of opposite labels in rows [n, d]. */
export function oppositeLabelDistance(rows: Float64Array, labels: Float64Array, dimension: number): number {
  let smallest = Infinity;
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      if (labels[i] !== labels[j])
        smallest = Math.min(
          smallest,
          distance(
            rows.subarray(i * dimension, (i + 1) * dimension),
            rows.subarray(j * dimension, (j + 1) * dimension),
          ),
        );
  return smallest;
}

/**
 * `points` uniform points of S^{d−1} with random ±1 labels, a candidate rejected when it lies within
 * 2ρ + δ of a point of the other label (so the data are (ρ, δ)-separable).
 * @example sphereData({ dimension: 10, points: 100, radius: 0.2, gap: 0.1 }, 0)
 */
export function sphereData(
  config: Pick<SphereConfig, 'dimension' | 'points' | 'radius' | 'gap'>,
  seed: number,
): LabelledSet {
  const { dimension, points, radius, gap } = config;
  const random = new Random(deriveSeed(seed, 101));
  const rows = new Float64Array(points * dimension);
  const labels = new Float64Array(points);
  let tries = 0;
  for (let i = 0; i < points;) {
    if (++tries > 1000 * points)
      throw new Error(
        `sphereData: cannot place ${points} points in S^${dimension - 1} with 2ρ + δ = ${2 * radius + gap}`,
      );
    const point = spherePoint(random, dimension);
    const label = random.uniform() < 0.5 ? 1 : -1;
    let clear = true;
    for (let j = 0; j < i && clear; j++)
      if (labels[j] !== label && distance(point, rows.subarray(j * dimension, (j + 1) * dimension)) < 2 * radius + gap)
        clear = false;
    if (!clear) continue;
    rows.set(point, i * dimension);
    labels[i] = label;
    i++;
  }
  return {
    name: `sphere S^${dimension - 1}, ${points} points, random labels`,
    inputs: ad.tensor(rows, { shape: [points, dimension], dtype: 'float64' }),
    labels,
  };
}

/**
 * `perClass` random training images of each of two MNIST classes, average-pooled by `pool`, scaled to
 * unit norm; labels +1 (first class) and −1. Also returns ρ = radiusFraction × half the smallest
 * opposite-class distance, so the ρ-balls are disjoint with gap δ = (1 − radiusFraction) × that distance.
 * @example mnistData({ classes: [3, 5], perClass: 50, pool: 4, radiusFraction: 0.8 }, 0)
 */
export function mnistData(
  config: Pick<MnistConfig, 'classes' | 'perClass' | 'pool' | 'radiusFraction'>,
  seed: number,
): { set: LabelledSet; radius: number; separation: number } {
  const { classes, perClass, pool, radiusFraction } = config;
  const subset = normalizeRows(
    downsample(
      selectClasses(loadMnist('train'), classes, { relabel: true, perClass, seed: deriveSeed(seed, 202) }),
      pool,
    ),
  );
  const dimension = subset.images.length / subset.count;
  const rows = Float64Array.from(subset.images);
  const labels = Float64Array.from(subset.labels, (label) => (label === 0 ? 1 : -1));
  const separation = oppositeLabelDistance(rows, labels, dimension);
  return {
    set: {
      name: `MNIST ${classes[0]} vs ${classes[1]}, ${subset.count} images pooled to ${dimension} pixels`,
      inputs: ad.tensor(rows, { shape: [subset.count, dimension], dtype: 'float64' }),
      labels,
    },
    radius: (radiusFraction * separation) / 2,
    separation,
  };
}
