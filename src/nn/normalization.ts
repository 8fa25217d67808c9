/**
 * Normalization layers, composed from ops (tinygrad-style). Each standardizes x over
 * some axes, x̂ = (x − mean)/√(var + eps) with the biased variance, then applies an
 * optional per-channel (or per-element) affine map γ·x̂ + β:
 *   BatchNorm  over the batch and spatial axes, per channel (Ioffe & Szegedy 2015)
 *   GroupNorm  over channel groups and spatial axes, per example (Wu & He 2018)
 *   LayerNorm  over the trailing `normalizedShape` axes, per example (Ba et al. 2016)
 *   InstanceNorm over the spatial axes, per example and channel (Ulyanov et al. 2016)
 */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';
import { channelAffine, channelKernelsAvailable, channelMoments } from '../../autodiff/ops/channels.ts';
import { Module } from './module.ts';
import type { Parameter, StateBuffer } from './parameter.ts';

/** Mean and biased variance over `axes` (kept as size-1 axes), and x standardized by them. */
function standardize(
  x: ad.Tensor,
  axes: readonly number[],
  eps: number,
): { normalized: ad.Tensor; mean: ad.Tensor; variance: ad.Tensor } {
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  return { normalized: centered.div(variance.add(eps).sqrt()), mean, variance };
}

/** The shape [1, C, 1, …] that broadcasts a per-channel vector against a rank-`rank` input. */
function channelShape(channels: number, rank: number): number[] {
  return Array.from({ length: rank }, (_, axis) => (axis === 1 ? channels : 1));
}

function checkPositiveInteger(caller: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${caller}: ${name} must be a positive integer, got ${value}`);
}

/** Options shared by the normalization layers. */
export interface NormalizationOptions {
  /** Added to the variance (default 1e-5, as PyTorch). */
  eps?: number;
  /** Whether to learn γ (init 1) and β (init 0); defaults differ per layer as in PyTorch. */
  affine?: boolean;
  /** Keep γ = 1 and β = 0 fixed (registered as frozen parameters); exp-lr trains BN nets this way. */
  freezeAffine?: boolean;
  dtype?: ad.DType;
}

/** Adds γ and β of `shape` to a module, or nothing when affine is off. */
function affineParameters(
  add: (name: string, value: ad.Tensor, options: { frozen: boolean }) => Parameter,
  shape: number[],
  options: NormalizationOptions,
  affineDefault: boolean,
) {
  const { affine = affineDefault, freezeAffine = false, dtype = 'float32' } = options;
  if (!affine) return { weight: undefined, bias: undefined };
  return {
    weight: add('weight', ad.ones(shape, { dtype }), { frozen: freezeAffine }),
    bias: add('bias', ad.zeros(shape, { dtype }), { frozen: freezeAffine }),
  };
}

function applyAffine(
  x: ad.Tensor,
  weight: Parameter | undefined,
  bias: Parameter | undefined,
  shape: readonly number[],
): ad.Tensor {
  return weight && bias ? x.mul(weight.value.reshape(shape)).add(bias.value.reshape(shape)) : x;
}

/** BatchNorm's options: PyTorch's momentum convention, running = (1 − m)·running + m·batch. */
export interface BatchNormOptions extends NormalizationOptions {
  /** Default 0.1. */
  momentum?: number;
}

/**
 * Batch normalization over every axis but the channel axis 1. Training mode uses the
 * batch's statistics and updates the running ones (running variance from the unbiased
 * batch variance, as PyTorch); eval mode uses the running ones. The output is invariant
 * under positive rescaling of the incoming weights (exp-lr, PAPERS.md §2).
 * @example net.namedModules().filter(([, m]) => m instanceof BatchNorm) // every BN layer
 */
export abstract class BatchNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly runningMean: StateBuffer;
  readonly runningVariance: StateBuffer;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions,
    readonly acceptedRanks: readonly number[],
  ) {
    super();
    checkPositiveInteger(this.constructor.name, 'numFeatures', numFeatures);
    const { eps = 1e-5, momentum = 0.1, dtype = 'float32' } = options;
    if (!(momentum >= 0 && momentum <= 1))
      throw new Error(`${this.constructor.name}: momentum must be in [0, 1], got ${momentum}`);
    if (!(eps >= 0)) throw new Error(`${this.constructor.name}: eps must be ≥ 0, got ${eps}`);
    this.eps = eps;
    this.momentum = momentum;
    ({ weight: this.weight, bias: this.bias } = affineParameters(
      (n, v, o) => this.addParameter(n, v, o),
      [numFeatures],
      options,
      true,
    ));
    this.runningMean = this.addBuffer('runningMean', ad.zeros([numFeatures], { dtype }));
    this.runningVariance = this.addBuffer('runningVariance', ad.ones([numFeatures], { dtype }));
  }

  forward(input: ad.Tensor): ad.Tensor {
    const name = this.constructor.name;
    if (!this.acceptedRanks.includes(input.rank) || input.shape[1] !== this.numFeatures) {
      throw new Error(
        `${name}: input must have rank ${this.acceptedRanks.join(' or ')} with ${this.numFeatures} channels on axis 1, got ${shapeText(input.shape)}`,
      );
    }
    const axes = input.shape.map((_, axis) => axis).filter((axis) => axis !== 1);
    const shape = channelShape(this.numFeatures, input.rank);
    const count = input.size / this.numFeatures;
    if (this.training && count < 2)
      throw new Error(`${name}: training needs more than one value per channel, got input ${shapeText(input.shape)}`);
    if (channelKernelsAvailable()) return this.fused(input, count);
    if (this.training) {
      const batch = standardize(input, axes, this.eps);
      this.updateRunning(batch.mean.reshape([this.numFeatures]), batch.variance.reshape([this.numFeatures]), count);
      return applyAffine(batch.normalized, this.weight, this.bias, shape);
    }
    // eval: (x − mean)·s + β with s = γ/√(var + eps) per channel, three passes over x instead of four (the
    // same function, rounded differently). The mean is subtracted first: x·s + (β − mean·s) would lose
    // the digits of x − mean where |mean| ≫ std.
    const mean = this.runningMean.value.reshape(shape);
    const deviation = this.runningVariance.value.reshape(shape).add(this.eps).sqrt();
    const scale = this.weight ? this.weight.value.reshape(shape).div(deviation) : ad.div(1, deviation);
    const scaled = input.sub(mean).mul(scale);
    return this.bias ? scaled.add(this.bias.value.reshape(shape)) : scaled;
  }

  /**
   * The same function through the fused per-channel primitives (autodiff/ops/channels.ts, on the cpu):
   * the batch's moments in one kernel, then (x − mean)·γ/√(var + eps) + β in one pass, where the
   * composition above makes about 8 passes forward and 20 backward. Rounded differently (float64
   * inside each kernel, rounded once).
   */
  private fused(input: ad.Tensor, count: number): ad.Tensor {
    const channels = this.numFeatures;
    let [mean, variance] = [this.runningMean.value, this.runningVariance.value];
    if (this.training) {
      const moments = channelMoments(input);
      mean = moments.slice([0, 0], [1, channels]).reshape([channels]);
      variance = moments.slice([1, 0], [1, channels]).reshape([channels]);
      this.updateRunning(mean, variance, count);
    }
    const deviation = variance.add(this.eps).sqrt();
    const scale = this.weight ? this.weight.value.div(deviation) : ad.div(1, deviation);
    const shift = this.bias ? this.bias.value : ad.zeros([channels], { dtype: input.dtype });
    return channelAffine(input, mean, scale, shift);
  }

  /** running = (1 − m)·running + m·batch, the variance's from the unbiased batch variance (as PyTorch). */
  private updateRunning(mean: ad.Tensor, variance: ad.Tensor, count: number): void {
    ad.noGrad(() => {
      const m = this.momentum;
      this.runningMean.assign(this.runningMean.value.mul(1 - m).add(mean.mul(m)));
      const unbiased = variance.mul(count / (count - 1));
      this.runningVariance.assign(this.runningVariance.value.mul(1 - m).add(unbiased.mul(m)));
    });
  }
}

/** BatchNorm over [N, C] or [N, C, L]. @example new BatchNorm1d(64).forward(ad.randomNormal([32, 64], { seed: 0 })) */
export class BatchNorm1d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [2, 3]);
  }
}

/** BatchNorm over [N, C, H, W]. @example new BatchNorm2d(16, { freezeAffine: true }) */
export class BatchNorm2d extends BatchNorm {
  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super(numFeatures, options, [4]);
  }
}

/**
 * Group normalization of [N, C, …]: the C channels split into `numGroups` groups, each
 * standardized over its channels and all spatial positions; per-channel affine (default on).
 * G = 1 is LayerNorm over (C, H, W); G = C is InstanceNorm.
 * @example new GroupNorm(4, 16).forward(x) // x: [N, 16, H, W]
 */
export class GroupNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly eps: number;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    options: NormalizationOptions = {},
  ) {
    super();
    checkPositiveInteger('GroupNorm', 'numGroups', numGroups);
    checkPositiveInteger('GroupNorm', 'numChannels', numChannels);
    if (numChannels % numGroups !== 0)
      throw new Error(`GroupNorm: numGroups ${numGroups} must divide numChannels ${numChannels}`);
    this.eps = options.eps ?? 1e-5;
    ({ weight: this.weight, bias: this.bias } = affineParameters(
      (n, v, o) => this.addParameter(n, v, o),
      [numChannels],
      options,
      true,
    ));
  }

  forward(input: ad.Tensor): ad.Tensor {
    if (input.rank < 2 || input.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm: input must be [N, ${this.numChannels}, …], got ${shapeText(input.shape)}`);
    }
    const grouped = input.reshape([input.shape[0], this.numGroups, -1]);
    const normalized = standardize(grouped, [2], this.eps).normalized.reshape(input.shape);
    return applyAffine(normalized, this.weight, this.bias, channelShape(this.numChannels, input.rank));
  }
}

/**
 * Layer normalization over the trailing axes `normalizedShape`, with an elementwise
 * affine of that shape (default on).
 * @example new LayerNorm([16, 8, 8]).forward(x) // x: [N, 16, 8, 8]
 */
export class LayerNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly eps: number;
  readonly normalizedShape: readonly number[];

  constructor(normalizedShape: number | readonly number[], options: NormalizationOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((extent) =>
      checkPositiveInteger('LayerNorm', 'each extent of normalizedShape', extent),
    );
    this.eps = options.eps ?? 1e-5;
    ({ weight: this.weight, bias: this.bias } = affineParameters(
      (n, v, o) => this.addParameter(n, v, o),
      [...this.normalizedShape],
      options,
      true,
    ));
  }

  forward(input: ad.Tensor): ad.Tensor {
    const k = this.normalizedShape.length;
    const trailing = input.shape.slice(input.rank - k);
    if (input.rank < k || shapeText(trailing) !== shapeText(this.normalizedShape)) {
      throw new Error(`LayerNorm: input ${shapeText(input.shape)} must end in ${shapeText(this.normalizedShape)}`);
    }
    const axes = Array.from({ length: k }, (_, i) => input.rank - k + i);
    return applyAffine(standardize(input, axes, this.eps).normalized, this.weight, this.bias, this.normalizedShape);
  }
}

/**
 * Instance normalization of [N, C, …]: each example's channel standardized over its
 * spatial positions; per-channel affine off by default (as PyTorch); no running statistics.
 * @example new InstanceNorm(16).forward(x) // x: [N, 16, H, W]
 */
export class InstanceNorm extends Module {
  readonly weight: Parameter | undefined;
  readonly bias: Parameter | undefined;
  readonly eps: number;

  constructor(
    readonly numChannels: number,
    options: NormalizationOptions = {},
  ) {
    super();
    checkPositiveInteger('InstanceNorm', 'numChannels', numChannels);
    this.eps = options.eps ?? 1e-5;
    ({ weight: this.weight, bias: this.bias } = affineParameters(
      (n, v, o) => this.addParameter(n, v, o),
      [numChannels],
      options,
      false,
    ));
  }

  forward(input: ad.Tensor): ad.Tensor {
    if (input.rank < 3 || input.shape[1] !== this.numChannels) {
      throw new Error(`InstanceNorm: input must be [N, ${this.numChannels}, spatial…], got ${shapeText(input.shape)}`);
    }
    const axes = input.shape.map((_, axis) => axis).filter((axis) => axis >= 2);
    return applyAffine(
      standardize(input, axes, this.eps).normalized,
      this.weight,
      this.bias,
      channelShape(this.numChannels, input.rank),
    );
  }
}
