/**
 * The finite-width counterparts of the infinite-width layers (layers.ts), built from src/nn
 * in the NTK parameterization, y = (σ_w/√fan_in)·W·x + σ_b·b with W, b ~ N(0, 1), so that as
 * the width grows their output covariance tends to the layer's Σ′ and the inner products of
 * their parameter gradients to Θ′ (Jacot et al. 2018; Arora et al. 2019, PAPERS.md §8).
 * Layers that are not trained (`trainable: false`) get frozen parameters, so the empirical
 * NTK (empirical.ts) leaves them out, as the "fix" kernels do.
 */
import * as ad from '../../autodiff/index.ts';
import type { DType } from '../../gpu/backend.ts';
import type { Padding } from '../../gpu/infinite.ts';
import * as nn from '../nn/index.ts';

/** The shape of a finite layer's output per example: channels × height × width, or features (flat). */
export interface FiniteShape {
  channels: number;
  height: number;
  width: number;
  /** True for feature vectors [N, channels] (height = width = 1). */
  flat: boolean;
}

/** A finite layer and the shape it produces; `module` is undefined for a layer that changes nothing. */
export interface FiniteLayer {
  module: nn.Module | undefined;
  output: FiniteShape;
}

/** x·factor (the authors' Σ⁰ = Σ_c x·x′ is the mean over channels of √C·x). @example new Scale(2).forward(x) */
export class Scale extends nn.Module {
  constructor(readonly factor: number) {
    super();
  }

  forward(input: ad.Tensor): ad.Tensor {
    return input.mul(this.factor);
  }
}

/**
 * Circular padding by `amount` positions (at most the extent) on each side of H and W,
 * [N, C, H, W] → [N, C, H+2·amount, W+2·amount].
 * @example new CircularPad(1).forward(x)
 */
export class CircularPad extends nn.Module {
  constructor(readonly amount = 1) {
    super();
    if (!Number.isInteger(amount) || amount < 0)
      throw new Error(`CircularPad: amount must be a non-negative integer, got ${amount}`);
  }

  forward(input: ad.Tensor): ad.Tensor {
    const [n, c, h, w] = input.shape;
    const p = this.amount;
    if (p > h || p > w) throw new Error(`CircularPad: amount ${p} exceeds the image extent ${h}×${w}`);
    if (p === 0) return input;
    const rows = ad.concat(
      [ad.slice(input, [0, 0, h - p, 0], [n, c, p, w]), input, ad.slice(input, [0, 0, 0, 0], [n, c, p, w])],
      2,
    );
    return ad.concat(
      [
        ad.slice(rows, [0, 0, 0, w - p], [n, c, h + 2 * p, p]),
        rows,
        ad.slice(rows, [0, 0, 0, 0], [n, c, h + 2 * p, p]),
      ],
      3,
    );
  }
}

/** [N, C, H, W] → [N, C·H·W]·√(HW): a dense layer after it has the vanilla (trace) covariance. @example new TraceFlatten(64).forward(x) */
export class TraceFlatten extends nn.Module {
  constructor(readonly positions: number) {
    super();
  }

  forward(input: ad.Tensor): ad.Tensor {
    return input.flatten(1).mul(Math.sqrt(this.positions));
  }
}

function frozen<M extends nn.Module>(module: M, trainable: boolean): M {
  if (!trainable) for (const parameter of module.parameters()) parameter.frozen = true;
  return module;
}

/**
 * A width-`width` 3×3 convolution without bias, weight std √weightVariance, 'same' output.
 * @example finiteConvolution({ channels: 3, height: 8, width: 8, flat: false }, 64, { seed: 0, dtype: 'float32', weightVariance: 2, padding: 'zero', trainable: true })
 */
export function finiteConvolution(
  input: FiniteShape,
  width: number,
  options: { seed: number; dtype: DType; weightVariance: number; padding: Padding; trainable: boolean },
): FiniteLayer {
  if (input.flat)
    throw new Error(`conv: the finite layer needs images [N, C, H, W], got features [N, ${input.channels}]`);
  const circular = options.padding === 'circular';
  const conv = new nn.Conv2d(input.channels, width, 3, {
    seed: options.seed,
    dtype: options.dtype,
    bias: false,
    parameterization: 'ntk',
    weightStd: Math.sqrt(options.weightVariance),
    padding: circular ? 0 : 1,
  });
  const module = circular ? new nn.Sequential(new CircularPad(1), conv) : conv;
  return { module: frozen(module, options.trainable), output: { ...input, channels: width } };
}

/**
 * A width-`width` fully connected layer, weight std √weightVariance, bias std √biasVariance (none if 0).
 * @example finiteDense({ channels: 10, height: 1, width: 1, flat: true }, 512, { seed: 0, dtype: 'float64', weightVariance: 2, biasVariance: 0, trainable: true })
 */
export function finiteDense(
  input: FiniteShape,
  width: number,
  options: { seed: number; dtype: DType; weightVariance: number; biasVariance: number; trainable: boolean },
): FiniteLayer {
  if (!input.flat)
    throw new Error(
      `dense: the finite layer needs features [N, d]; put a readout before it (got images [N, ${input.channels}, ${input.height}, ${input.width}])`,
    );
  const bias = options.biasVariance > 0;
  const linear = new nn.Linear(input.channels, width, {
    seed: options.seed,
    dtype: options.dtype,
    bias,
    parameterization: 'ntk',
    weightStd: Math.sqrt(options.weightVariance),
    ...(bias ? { biasStd: Math.sqrt(options.biasVariance) } : {}),
  });
  return { module: frozen(linear, options.trainable), output: { channels: width, height: 1, width: 1, flat: true } };
}

/**
 * The readouts' finite forms: 'vanilla' flattens (scaled, TraceFlatten), 'gap' averages over
 * positions (nn.GlobalAvgPool2d), LAP(c) average-pools each (2c+1)×(2c+1) window, stride 1
 * (zero padding counted in the mean, or circular padding first), then flattens as 'vanilla'.
 * @example finiteReadout({ channels: 64, height: 8, width: 8, flat: false }, 'gap').output // 64 features
 */
export function finiteReadout(
  input: FiniteShape,
  kind: 'vanilla' | 'gap' | { lap: number },
  padding: Padding = 'zero',
): FiniteLayer {
  const name = typeof kind === 'object' ? `lap ${kind.lap}` : kind;
  if (input.flat)
    throw new Error(
      `readout(${name}): the finite layer needs images [N, C, H, W], got features [N, ${input.channels}]`,
    );
  const positions = input.height * input.width;
  const flattened = { channels: input.channels * positions, height: 1, width: 1, flat: true };
  if (kind === 'vanilla') return { module: new TraceFlatten(positions), output: flattened };
  if (kind === 'gap')
    return { module: new nn.GlobalAvgPool2d(), output: { channels: input.channels, height: 1, width: 1, flat: true } };
  const c = kind.lap;
  const pool =
    padding === 'circular'
      ? [new CircularPad(c), new nn.AvgPool2d({ kernel: 2 * c + 1, stride: 1, padding: 0 })]
      : [new nn.AvgPool2d({ kernel: 2 * c + 1, stride: 1, padding: c })];
  return { module: new nn.Sequential(...pool, new TraceFlatten(positions)), output: flattened };
}
