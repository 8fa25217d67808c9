/** Parameter-free layers: Sequential, pooling, Flatten, activations and Dropout. */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';
import { Random } from '../../gpu/random.ts';
import { Module } from './module.ts';

/**
 * Applies its layers in order; they are its children '0', '1', … (so a Sequential
 * registered as 'layers' names its first weight 'layers.0.weight').
 * @example new Sequential(new Linear(4, 8, { seed: 0 }), new ReLU(), new Linear(8, 2, { seed: 1 }))
 */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(...layers: Module[]) {
    super();
    this.layers = layers.map((layer, i) => this.addModule(String(i), layer));
  }

  forward(input: ad.Tensor): ad.Tensor {
    return this.layers.reduce((x, layer) => layer.forward(x), input);
  }
}

/**
 * Average pooling; the zeros of the padding count unless countIncludePad is false (as PyTorch's count_include_pad).
 * @example new AvgPool2d({ kernel: 3, stride: 1, padding: 1, countIncludePad: false })
 */
export class AvgPool2d extends Module {
  constructor(readonly options: ad.AvgPool2dOptions) {
    super();
  }

  forward(input: ad.Tensor): ad.Tensor {
    return ad.avgPool2d(input, this.options);
  }
}

/** Max pooling. @example new MaxPool2d({ kernel: 3, stride: 2, padding: 1 }) */
export class MaxPool2d extends Module {
  constructor(readonly options: ad.Pool2dOptions) {
    super();
  }

  forward(input: ad.Tensor): ad.Tensor {
    return ad.maxPool2d(input, this.options);
  }
}

/**
 * Global average pooling [N, C, H, W] → [N, C] (the mean over each feature map; the
 * layer behind "GAP ≡ translation augmentation" in enhanced-cntk, PAPERS.md §3).
 * @example new GlobalAvgPool2d().forward(ad.ones([2, 3, 4, 4])) // [2, 3] of ones
 */
export class GlobalAvgPool2d extends Module {
  forward(input: ad.Tensor): ad.Tensor {
    if (input.rank !== 4)
      throw new Error(`GlobalAvgPool2d: input must be rank 4 [N,C,H,W], got ${shapeText(input.shape)}`);
    return input.mean([2, 3]);
  }
}

/** Collapses the axes from `startAxis` (default 1, keeping the batch) into one. @example new Flatten().forward(x) // [N, C·H·W] */
export class Flatten extends Module {
  constructor(readonly startAxis = 1) {
    super();
  }

  forward(input: ad.Tensor): ad.Tensor {
    return input.flatten(this.startAxis);
  }
}

/** max(x, 0). @example new ReLU().forward(x) */
export class ReLU extends Module {
  forward(input: ad.Tensor): ad.Tensor {
    return input.relu();
  }
}

/** tanh(x). @example new Tanh().forward(x) */
export class Tanh extends Module {
  forward(input: ad.Tensor): ad.Tensor {
    return input.tanh();
  }
}

/** 1/(1 + e^{−x}). @example new Sigmoid().forward(x) */
export class Sigmoid extends Module {
  forward(input: ad.Tensor): ad.Tensor {
    return input.sigmoid();
  }
}

/**
 * Inverted dropout (Srivastava et al. 2014): in training each element is zeroed with
 * probability p and the survivors are scaled by 1/(1 − p), so E[output] = input; in
 * eval mode it is the identity. Masks come from the layer's own generator, built from
 * `seed` (or passed in as a `Random`), so a run is reproducible: each forward call
 * draws the next mask of that stream.
 * @example new Dropout(0.5, { seed: 0 }).forward(x)
 */
export class Dropout extends Module {
  readonly #random: Random;

  constructor(
    readonly p: number,
    source: { seed: number } | { random: Random },
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be in [0, 1], got ${p}`);
    if ('random' in source && source.random instanceof Random) this.#random = source.random;
    else if ('seed' in source && Number.isInteger(source.seed)) this.#random = new Random(source.seed);
    else throw new Error(`Dropout: pass { seed: integer } or { random: Random }, got ${JSON.stringify(source)}`);
  }

  forward(input: ad.Tensor): ad.Tensor {
    if (!this.training || this.p === 0) return input;
    if (this.p === 1) return input.mul(0);
    const draws = ad.randomUniform(input.shape, { seed: this.#random.nextUint32(), dtype: input.dtype });
    const mask = draws.ge(this.p).div(1 - this.p);
    return input.mul(mask);
  }
}
