/**
 * Transforms of example sets (datasets or batches). Each returns a new set and leaves its
 * input unchanged. A "channel" is the first axis of the per-example shape: C of [C, H, W]
 * images, or each feature of flat [d] vectors.
 */
import { symmetricEigen } from '../linalg/eigen.ts';
import { matmul, transpose, type Matrix } from '../linalg/matrix.ts';
import { exampleSize, type ExampleSet } from './dataset.ts';
import type { Random } from './random.ts';

/** Per-channel statistics, in float64. */
export interface ChannelStatistics {
  mean: Float64Array;
  /** Population standard deviation (divides by the number of values). */
  std: Float64Array;
}

/**
 * (x − mean[c]) / std[c] on every value of channel c; a single number applies to every channel.
 * @example normalize(cifarTrain, [0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]);
 */
export function normalize<T extends ExampleSet>(
  set: T,
  mean: number | ArrayLike<number>,
  std: number | ArrayLike<number>,
): T {
  const channels = set.shape[0];
  const means = perChannel('normalize', 'mean', mean, channels);
  const deviations = perChannel('normalize', 'std', std, channels);
  deviations.forEach((deviation, channel) => {
    if (!(deviation > 0)) throw new Error(`normalize: std must be positive, got ${deviation} for channel ${channel}`);
  });
  const plane = exampleSize(set.shape) / channels;
  const images = new Float32Array(set.images.length);
  for (let offset = 0; offset < images.length; offset += plane) {
    const channel = (offset / plane) % channels;
    const shift = means[channel];
    const scale = 1 / deviations[channel];
    for (let i = offset; i < offset + plane; i++) images[i] = (set.images[i] - shift) * scale;
  }
  return { ...set, images };
}

/**
 * Mean and population standard deviation of each channel over all examples (fit on the
 * training set, then `normalize` both splits with it).
 * @example channelStatistics(cifarTest).mean; // ≈ Float64Array [0.494, 0.485, 0.450]
 */
export function channelStatistics(set: ExampleSet): ChannelStatistics {
  const channels = set.shape[0];
  const plane = exampleSize(set.shape) / channels;
  if (set.count === 0) throw new Error('channelStatistics: the set has no examples');
  const sum = new Float64Array(channels);
  for (let offset = 0; offset < set.images.length; offset += plane) {
    let planeSum = 0;
    for (let i = offset; i < offset + plane; i++) planeSum += set.images[i];
    sum[(offset / plane) % channels] += planeSum;
  }
  const valuesPerChannel = set.count * plane;
  const mean = sum.map((total) => total / valuesPerChannel);
  // Second pass around the mean: the one-pass E[x²] − E[x]² loses digits when std ≪ |mean|.
  const squares = new Float64Array(channels);
  for (let offset = 0; offset < set.images.length; offset += plane) {
    const channel = (offset / plane) % channels;
    let planeSquares = 0;
    for (let i = offset; i < offset + plane; i++) planeSquares += (set.images[i] - mean[channel]) ** 2;
    squares[channel] += planeSquares;
  }
  return { mean, std: squares.map((total) => Math.sqrt(total / valuesPerChannel)) };
}

/**
 * Standardizes each channel to mean 0 and standard deviation 1 with the set's own statistics
 * (a constant channel, std 0, is only centred).
 * @example standardizeChannels(cifarTrain); // per-channel mean 0, std 1
 */
export function standardizeChannels<T extends ExampleSet>(set: T): T {
  const { mean, std } = channelStatistics(set);
  return normalize(
    set,
    mean,
    std.map((deviation) => (deviation > 0 ? deviation : 1)),
  );
}

/**
 * Standardizes a training set and the sets evaluated against it per channel with the training
 * set's mean and deviation (a constant channel, std 0, is only centred), as the exact-kernel
 * papers' code standardizes its inputs: no statistic of a test set leaks into its own inputs.
 * @example const [train, test] = standardizeWith(cifarTrain, cifarTest);
 */
export function standardizeWith<T extends ExampleSet>(train: T, ...others: T[]): T[] {
  const { mean, std } = channelStatistics(train);
  const deviations = std.map((deviation) => (deviation > 0 ? deviation : 1));
  return [train, ...others].map((set) => normalize(set, mean, deviations));
}

/**
 * Mirrors every example along its last axis (W of NCHW images).
 * @example flipHorizontal(flipHorizontal(batch)); // equal to batch
 */
export function flipHorizontal<T extends ExampleSet>(set: T): T {
  return flipWhere(set, () => true);
}

/**
 * Mirrors each example along its last axis with probability `probability` (the usual
 * CIFAR augmentation), drawing one uniform number per example.
 * @example randomFlipHorizontal(batch, new Random(epoch));
 */
export function randomFlipHorizontal<T extends ExampleSet>(set: T, rng: Random, probability = 0.5): T {
  if (!(probability >= 0 && probability <= 1)) {
    throw new Error(`randomFlipHorizontal: probability must be in [0, 1], got ${probability}`);
  }
  return flipWhere(set, () => rng.uniform() < probability);
}

function flipWhere<T extends ExampleSet>(set: T, shouldFlip: () => boolean): T {
  const size = exampleSize(set.shape);
  const width = set.shape[set.shape.length - 1];
  const images = new Float32Array(set.images.length);
  for (let example = 0; example < set.count; example++) {
    const start = example * size;
    if (!shouldFlip()) {
      images.set(set.images.subarray(start, start + size), start);
      continue;
    }
    for (let row = start; row < start + size; row += width) {
      for (let x = 0; x < width; x++) images[row + x] = set.images[row + width - 1 - x];
    }
  }
  return { ...set, images };
}

/**
 * Zero-pads each [C, H, W] image by `padding` on every side and cuts a random window of
 * `size` = [height, width] (default [H, W]), as in CIFAR training with padding 4.
 * Draws the row offset, then the column offset, of each example in turn.
 * @example randomCrop(batch, 4, new Random(7)); // same shape, shifted by up to 4 pixels
 */
export function randomCrop<T extends ExampleSet>(
  set: T,
  padding: number,
  rng: Random,
  size?: readonly [number, number],
): T {
  const [channels, height, width] = imageShape('randomCrop', set.shape);
  if (!Number.isInteger(padding) || padding < 0)
    throw new Error(`randomCrop: padding must be a non-negative integer, got ${padding}`);
  const [cropHeight, cropWidth] = size ?? [height, width];
  for (const [extent, limit, axis] of [
    [cropHeight, height, 'height'],
    [cropWidth, width, 'width'],
  ] as const) {
    if (!Number.isInteger(extent) || extent < 1 || extent > limit + 2 * padding) {
      throw new Error(
        `randomCrop: crop ${axis} must be an integer in 1…${limit + 2 * padding} (image ${axis} ${limit} + 2 × padding ${padding}), got ${extent}`,
      );
    }
  }
  const inputSize = channels * height * width;
  const outputSize = channels * cropHeight * cropWidth;
  const images = new Float32Array(set.count * outputSize); // zeros: the padding
  for (let example = 0; example < set.count; example++) {
    // Top-left corner of the window in unpadded coordinates (may be negative, inside the padding).
    const top = rng.int(height + 2 * padding - cropHeight + 1) - padding;
    const left = rng.int(width + 2 * padding - cropWidth + 1) - padding;
    const firstX = Math.max(0, -left);
    const endX = Math.min(cropWidth, width - left);
    for (let channel = 0; channel < channels; channel++) {
      for (let y = 0; y < cropHeight; y++) {
        const sourceY = top + y;
        if (sourceY < 0 || sourceY >= height || firstX >= endX) continue;
        const source = example * inputSize + (channel * height + sourceY) * width + left;
        const target = example * outputSize + (channel * cropHeight + y) * cropWidth;
        images.set(set.images.subarray(source + firstX, source + endX), target + firstX);
      }
    }
  }
  return { ...set, images, shape: [channels, cropHeight, cropWidth] };
}

/**
 * Average-pools each [C, H, W] image over non-overlapping factor × factor blocks (H and W must be multiples of factor).
 * @example downsample(cifarTrain, 2).shape; // [3, 16, 16]
 */
export function downsample<T extends ExampleSet>(set: T, factor: number): T {
  const [channels, height, width] = imageShape('downsample', set.shape);
  if (!Number.isInteger(factor) || factor < 1 || height % factor !== 0 || width % factor !== 0) {
    throw new Error(
      `downsample: factor must be a positive integer dividing height ${height} and width ${width}, got ${factor}`,
    );
  }
  const outputHeight = height / factor;
  const outputWidth = width / factor;
  const images = new Float32Array(set.images.length / (factor * factor));
  const scale = 1 / (factor * factor);
  const planes = set.count * channels;
  for (let plane = 0; plane < planes; plane++) {
    const source = plane * height * width;
    const target = plane * outputHeight * outputWidth;
    for (let y = 0; y < outputHeight; y++) {
      for (let x = 0; x < outputWidth; x++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = source + (y * factor + dy) * width + x * factor;
          for (let dx = 0; dx < factor; dx++) sum += set.images[row + dx];
        }
        images[target + y * outputWidth + x] = sum * scale;
      }
    }
  }
  return { ...set, images, shape: [channels, outputHeight, outputWidth] };
}

/**
 * Scales every example to Euclidean norm 1 (an all-zero example stays zero), e.g. inputs on
 * the sphere as the NTK analyses assume.
 * @example normalizeRows(mnistTrain); // each image flattened has ‖x‖ = 1
 */
export function normalizeRows<T extends ExampleSet>(set: T): T {
  const size = exampleSize(set.shape);
  const images = new Float32Array(set.images.length);
  for (let start = 0; start < images.length; start += size) {
    let squares = 0;
    for (let i = start; i < start + size; i++) squares += set.images[i] * set.images[i];
    const scale = squares > 0 ? 1 / Math.sqrt(squares) : 0;
    for (let i = start; i < start + size; i++) images[i] = set.images[i] * scale;
  }
  return { ...set, images };
}

/** A fitted ZCA whitening: y = (x − mean) W with W = V (Λ + ε)^{−1/2} Vᵀ symmetric. */
export interface ZcaWhitening {
  /** Per-feature mean of the fitting set (d values). */
  mean: Float64Array;
  /** The d×d whitening matrix W. */
  matrix: Matrix;
  epsilon: number;
}

/**
 * Fits ZCA whitening (Bell & Sejnowski 1997; Krizhevsky 2009, app. A) on `set`: covariance
 * C = (1/n) Σ (x − μ)(x − μ)ᵀ over flattened examples, C = V Λ Vᵀ, W = V (Λ + ε)^{−1/2} Vᵀ.
 * `epsilon` (added to every eigenvalue, in squared input units) damps the noise directions; it
 * must be positive when C is singular (n ≤ d, or constant pixels). Costs O(n·d² + d³).
 * @example const whitening = fitZca(cifarTrain, 0.1); applyZca(cifarTest, whitening);
 */
export function fitZca(set: ExampleSet, epsilon: number): ZcaWhitening {
  if (!(epsilon >= 0) || !Number.isFinite(epsilon))
    throw new Error(`fitZca: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  if (set.count === 0) throw new Error('fitZca: the set has no examples');
  const { mean, covariance } = meanAndCovariance(set);
  const { values, vectors } = symmetricEigen(covariance);
  const d = mean.length;
  // V·diag(s) with s_k = (max(λ_k, 0) + ε)^(−1/2); round-off can leave λ slightly negative.
  const scaledVectors: Matrix = { rows: d, cols: d, data: vectors.data.slice() };
  // Eigenvalues within round-off of zero (relative to the largest) mean C is singular.
  const roundOff = Math.max(values[d - 1], 0) * d * Number.EPSILON;
  values.forEach((value, column) => {
    if (epsilon === 0 && value <= roundOff) {
      throw new Error(
        `fitZca: covariance eigenvalue ${column} is ${value}, zero up to round-off (C is singular), and epsilon is 0; pass a positive epsilon`,
      );
    }
    const damped = Math.max(value, 0) + epsilon;
    const scale = 1 / Math.sqrt(damped);
    for (let row = 0; row < d; row++) scaledVectors.data[row * d + column] *= scale;
  });
  return { mean, matrix: matmul(scaledVectors, transpose(vectors)), epsilon };
}

/**
 * Whitens every example with a fitted ZCA: y = (x − mean) W, same shape as the input.
 * @example applyZca(cifarTest, fitZca(cifarTrain, 0.1)).shape; // [3, 32, 32]
 */
export function applyZca<T extends ExampleSet>(set: T, whitening: ZcaWhitening): T {
  const d = exampleSize(set.shape);
  if (whitening.mean.length !== d) {
    throw new Error(
      `applyZca: examples have ${d} values (shape [${set.shape.join(',')}]) but the whitening was fitted on ${whitening.mean.length}`,
    );
  }
  const weights = whitening.matrix.data;
  const centered = new Float64Array(d);
  const output = new Float64Array(d);
  const images = new Float32Array(set.images.length);
  for (let example = 0; example < set.count; example++) {
    const start = example * d;
    for (let i = 0; i < d; i++) centered[i] = set.images[start + i] - whitening.mean[i];
    output.fill(0);
    // Row vector times matrix as axpys over W's rows, so the inner loop is contiguous.
    for (let i = 0; i < d; i++) {
      const value = centered[i];
      const row = i * d;
      for (let j = 0; j < d; j++) output[j] += value * weights[row + j];
    }
    images.set(output, start);
  }
  return { ...set, images };
}

/** Per-feature mean and covariance (divided by n) of the flattened examples, in float64. */
function meanAndCovariance(set: ExampleSet): { mean: Float64Array; covariance: Matrix } {
  const d = exampleSize(set.shape);
  const n = set.count;
  const mean = new Float64Array(d);
  for (let start = 0; start < n * d; start += d) for (let i = 0; i < d; i++) mean[i] += set.images[start + i];
  for (let i = 0; i < d; i++) mean[i] /= n;
  const covariance = new Float64Array(d * d);
  const centered = new Float64Array(d);
  // Lower triangle, a block of rows at a time so that block of C stays in cache while every example streams past.
  const blockRows = Math.max(1, Math.floor(131072 / d));
  for (let rowStart = 0; rowStart < d; rowStart += blockRows) {
    const rowEnd = Math.min(d, rowStart + blockRows);
    for (let start = 0; start < n * d; start += d) {
      for (let j = 0; j < rowEnd; j++) centered[j] = set.images[start + j] - mean[j];
      for (let i = rowStart; i < rowEnd; i++) {
        const value = centered[i];
        const row = i * d;
        for (let j = 0; j <= i; j++) covariance[row + j] += value * centered[j];
      }
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      covariance[i * d + j] /= n;
      covariance[j * d + i] = covariance[i * d + j];
    }
  }
  return { mean, covariance: { rows: d, cols: d, data: covariance } };
}

function perChannel(
  functionName: string,
  argument: string,
  value: number | ArrayLike<number>,
  channels: number,
): number[] {
  if (typeof value === 'number') return new Array<number>(channels).fill(value);
  if (value.length !== channels) {
    throw new Error(`${functionName}: ${argument} must have one value per channel (${channels}), got ${value.length}`);
  }
  return Array.from(value);
}

function imageShape(functionName: string, shape: readonly number[]): [number, number, number] {
  if (shape.length !== 3)
    throw new Error(`${functionName}: examples must have shape [C, H, W], got [${shape.join(',')}]`);
  return [shape[0], shape[1], shape[2]];
}
