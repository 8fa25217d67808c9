/**
 * Random-patch features after Coates, Lee & Ng (2011), the preprocessing of the enhanced
 * CNTK (Li et al. 2019, PAPERS.md §3): sample q×q patches from training images, whiten them
 * (ZCA, fitted on the sampled patches), normalize each to unit length, and use them as the
 * filters of one convolution followed by a ReLU; the kernel is then computed on its output.
 *
 * For an image patch p (flattened, d = C·q² values) and a whitened unit filter w, the
 * feature is max(0, ⟨w, Z(p − μ)⟩ − threshold) with Z the symmetric ZCA matrix; since
 * ⟨w, Z(p − μ)⟩ = ⟨Zw, p⟩ − ⟨Zw, μ⟩, that is a plain convolution with the filters Zw and
 * biases −⟨Zw, μ⟩, 'same' zero padding.
 */
import * as ad from '../../autodiff/index.ts';
import { Random } from '../../gpu/random.ts';
import { fitZca, type ZcaWhitening } from '../data/index.ts';

/** A fitted bank of random-patch filters. */
export interface RandomPatches {
  /** Zw for each whitened unit patch w: [count, C, q, q]. */
  filters: ad.Tensor;
  /** −⟨Zw, μ⟩ − threshold for each filter: [count]. */
  biases: ad.Tensor;
  size: number;
  /** The ZCA whitening Z, μ fitted on the sampled patches (d = C·q² values). */
  whitening: ZcaWhitening;
}

/** Options of fitRandomPatches. */
export interface RandomPatchOptions {
  /** Number of filters (the features' channels). */
  count: number;
  /** Patch side q (odd, for 'same' padding). */
  size: number;
  seed: number;
  /** ZCA's ε, added to the patch covariance's eigenvalues (default 0.1, in squared input units). */
  epsilon?: number;
  /** Subtracted before the ReLU (default 0). */
  threshold?: number;
  /** Patches sampled to fit the whitening (default max(10·d, count)). */
  samples?: number;
}

/**
 * Samples random q×q patches of `images` [n, C, H, W], fits ZCA on them and keeps `count`
 * whitened unit patches as filters.
 * @example const patches = fitRandomPatches(train, { count: 256, size: 5, seed: 0 }); applyRandomPatches(patches, test)
 */
export function fitRandomPatches(images: ad.Tensor, options: RandomPatchOptions): RandomPatches {
  const { count, size, seed, epsilon = 0.1, threshold = 0 } = options;
  if (images.rank !== 4)
    throw new Error(`fitRandomPatches: images must be [n, C, H, W], got [${images.shape.join(',')}]`);
  const [n, channels, height, width] = images.shape;
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0 || size > Math.min(height, width)) {
    throw new Error(
      `fitRandomPatches: size must be an odd integer ≤ ${Math.min(height, width)} (images [${images.shape.join(',')}]), got ${size}`,
    );
  }
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`fitRandomPatches: count must be a positive integer, got ${count}`);
  const d = channels * size * size;
  const samples = options.samples ?? Math.max(10 * d, count);
  const random = new Random(seed);
  const patches = new Float32Array(samples * d);
  for (let s = 0; s < samples; s++) {
    const image = random.int(n),
      top = random.int(height - size + 1),
      left = random.int(width - size + 1);
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          patches[s * d + (c * size + i) * size + j] =
            images.data[((image * channels + c) * height + top + i) * width + left + j];
        }
      }
    }
  }
  const zca = fitZca({ images: patches, shape: [channels, size, size], count: samples }, epsilon);
  const z = zca.matrix.data;
  const filters = new Float64Array(count * d);
  const biases = new Float64Array(count);
  const whitened = new Float64Array(d);
  for (let f = 0; f < count; f++) {
    const s = random.int(samples);
    whitened.fill(0);
    // w = Z(p − μ), normalized; filter = Zw (Z symmetric)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) whitened[i] += z[i * d + j] * (patches[s * d + j] - zca.mean[j]);
    const norm = Math.hypot(...whitened) || 1;
    for (let i = 0; i < d; i++) {
      let value = 0;
      for (let j = 0; j < d; j++) value += (z[i * d + j] * whitened[j]) / norm;
      filters[f * d + i] = value;
      biases[f] -= value * zca.mean[i];
    }
    biases[f] -= threshold;
  }
  const dtype = images.dtype;
  return {
    filters: ad.tensor(filters, { shape: [count, channels, size, size], dtype }),
    biases: ad.tensor(biases, { shape: [count], dtype }),
    size,
    whitening: zca,
  };
}

/**
 * The random-patch features of `images` [n, C, H, W]: ReLU(conv(x, Zw) − ⟨Zw, μ⟩ − threshold), [n, count, H, W].
 * @example applyRandomPatches(fitRandomPatches(train, { count: 64, size: 5, seed: 0 }), train).shape // [n, 64, H, W]
 */
export function applyRandomPatches(patches: RandomPatches, images: ad.Tensor): ad.Tensor {
  if (images.rank !== 4 || images.shape[1] !== patches.filters.shape[1]) {
    throw new Error(
      `applyRandomPatches: images must be [n, ${patches.filters.shape[1]}, H, W], got [${images.shape.join(',')}]`,
    );
  }
  return ad.noGrad(() =>
    ad
      .conv2d(images, patches.filters, { padding: (patches.size - 1) / 2 })
      .add(patches.biases.reshape([1, patches.filters.shape[0], 1, 1]))
      .relu(),
  );
}
