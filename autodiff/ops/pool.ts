/**
 * Pooling, composed from primitives: average pooling is a depthwise convolution with
 * constant weights 1/(KH·KW) (zero padding counts, as PyTorch's default
 * count_include_pad=True); max pooling is a gather at the window maxima, whose VJP
 * (scatterAdd) routes each gradient to the winning input.
 */
import type { Pool2dSpec } from '../../gpu/backend.ts';
import { currentBackend } from '../../gpu/registry.ts';
import { shapeText } from '../op.ts';
import { Tensor } from '../tensor.ts';
import { conv2d, conv2dSpec } from './conv.ts';
import { gather } from './gather.ts';
import { reshape } from './layout.ts';

export interface Pool2dOptions {
  kernel: number | [number, number];
  /** Defaults to the kernel size. */
  stride?: number | [number, number];
  padding?: number | [number, number];
}

function asPair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function checkInput(opName: string, x: Tensor): void {
  if (x.rank !== 4) throw new Error(`${opName}: input must be rank 4 [N,C,H,W], got ${shapeText(x.shape)}`);
}

/** Average pooling over KH×KW windows. @example avgPool2d(x, { kernel: 2 }) */
export function avgPool2d(x: Tensor, { kernel, stride, padding = 0 }: Pool2dOptions): Tensor {
  checkInput('avgPool2d', x);
  const [kernelHeight, kernelWidth] = asPair(kernel);
  const channels = x.shape[1];
  const weight = new Tensor(currentBackend().fill(channels * kernelHeight * kernelWidth, 1 / (kernelHeight * kernelWidth), x.dtype), [channels, 1, kernelHeight, kernelWidth], x.dtype);
  return conv2d(x, weight, { stride: stride ?? kernel, padding, groups: channels });
}

/** Max pooling over KH×KW windows; padding acts as −∞ and must be at most half the kernel. */
export function maxPool2d(x: Tensor, { kernel, stride, padding = 0 }: Pool2dOptions): Tensor {
  checkInput('maxPool2d', x);
  const [kernelHeight, kernelWidth] = asPair(kernel);
  const [padHeight, padWidth] = asPair(padding);
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new Error(`maxPool2d: padding ${padHeight},${padWidth} must be at most half the kernel ${kernelHeight}x${kernelWidth}`);
  }
  // The convolution geometry validates the options and gives the output size.
  const [batch, channels, inHeight, inWidth] = x.shape;
  const geometry = conv2dSpec([batch, 1, inHeight, inWidth], [1, 1, kernelHeight, kernelWidth], { stride: stride ?? kernel, padding });
  const spec: Pool2dSpec = {
    batch, channels, inHeight, inWidth, kernelHeight, kernelWidth,
    outHeight: geometry.outHeight, outWidth: geometry.outWidth,
    strideHeight: geometry.strideHeight, strideWidth: geometry.strideWidth, padHeight, padWidth,
  };
  const indices = currentBackend().maxPool2dIndices(x.data, spec);
  const planes = reshape(x, [batch, channels, inHeight * inWidth]);
  const pooled = gather(planes, 2, indices, [batch, channels, spec.outHeight * spec.outWidth]);
  return reshape(pooled, [batch, channels, spec.outHeight, spec.outWidth]);
}
