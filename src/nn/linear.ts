/** The affine layers: Linear (y = x·Wᵀ + b) and Conv2d (NCHW cross-correlation + b). */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';
import { initializeLayer, type LayerInitOptions } from './init.ts';
import { Module } from './module.ts';
import type { Parameter } from './parameter.ts';

function positiveInteger(caller: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${caller}: ${name} must be a positive integer, got ${value}`);
}

/** y·weightScale + bias·biasScale, skipping the multiplications that are by 1. */
function scaleAndShift(
  y: ad.Tensor,
  weightScale: number,
  bias: Parameter | undefined,
  biasScale: number,
  biasShape: readonly number[],
): ad.Tensor {
  const scaled = weightScale === 1 ? y : y.mul(weightScale);
  if (!bias) return scaled;
  const shift = bias.value.reshape(biasShape);
  return scaled.add(biasScale === 1 ? shift : shift.mul(biasScale));
}

/**
 * A fully connected layer on the last axis: weight [out, in], bias [out] (PyTorch's layout).
 * Standard or NTK parameterization (init.ts).
 * @example new Linear(784, 10, { seed: 0 }).forward(ad.zeros([32, 784])) // [32, 10]
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  /** σ_w/√in under NTK, else 1. */
  readonly weightScale: number;
  /** σ_b under NTK, else 1. */
  readonly biasScale: number;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LayerInitOptions,
  ) {
    super();
    positiveInteger('Linear', 'inFeatures', inFeatures);
    positiveInteger('Linear', 'outFeatures', outFeatures);
    const init = initializeLayer('Linear', [outFeatures, inFeatures], options);
    this.weight = this.addParameter('weight', init.weight);
    this.bias = init.bias && this.addParameter('bias', init.bias);
    this.weightScale = init.weightScale;
    this.biasScale = init.biasScale;
  }

  forward(input: ad.Tensor): ad.Tensor {
    if (input.rank < 1 || input.shape[input.rank - 1] !== this.inFeatures) {
      throw new Error(`Linear: input ${shapeText(input.shape)} must end in ${this.inFeatures} features`);
    }
    const product = ad.matmul(input, this.weight.value, { transposeB: true });
    return scaleAndShift(product, this.weightScale, this.bias, this.biasScale, [this.outFeatures]);
  }
}

/** Conv2d's geometry (PyTorch's arguments), plus the init options. */
export interface Conv2dLayerOptions extends LayerInitOptions, ad.Conv2dOptions {}

/**
 * 2-D convolution over NCHW input: weight [out, in/groups, KH, KW], bias [out].
 * @example new Conv2d(3, 16, 3, { seed: 0, padding: 1 }).forward(ad.zeros([8, 3, 32, 32])) // [8, 16, 32, 32]
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | undefined;
  readonly weightScale: number;
  readonly biasScale: number;
  readonly geometry: ad.Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    options: Conv2dLayerOptions,
  ) {
    super();
    positiveInteger('Conv2d', 'inChannels', inChannels);
    positiveInteger('Conv2d', 'outChannels', outChannels);
    const [kernelHeight, kernelWidth] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    positiveInteger('Conv2d', 'kernel height', kernelHeight);
    positiveInteger('Conv2d', 'kernel width', kernelWidth);
    const { stride = 1, padding = 0, dilation = 1, groups = 1 } = options;
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new Error(`Conv2d: groups ${groups} must divide inChannels ${inChannels} and outChannels ${outChannels}`);
    }
    this.geometry = { stride, padding, dilation, groups };
    const init = initializeLayer('Conv2d', [outChannels, inChannels / groups, kernelHeight, kernelWidth], options);
    this.weight = this.addParameter('weight', init.weight);
    this.bias = init.bias && this.addParameter('bias', init.bias);
    this.weightScale = init.weightScale;
    this.biasScale = init.biasScale;
  }

  forward(input: ad.Tensor): ad.Tensor {
    if (input.rank !== 4 || input.shape[1] !== this.inChannels) {
      throw new Error(`Conv2d: input must be [N, ${this.inChannels}, H, W], got ${shapeText(input.shape)}`);
    }
    const output = ad.conv2d(input, this.weight.value, this.geometry);
    return scaleAndShift(output, this.weightScale, this.bias, this.biasScale, [1, this.outChannels, 1, 1]);
  }
}
