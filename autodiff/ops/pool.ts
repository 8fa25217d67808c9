/**
 * Pooling, composed from primitives: average pooling is a depthwise convolution with
 * constant weights 1/(KH·KW) (zero padding counts, as PyTorch's default
 * count_include_pad=True), or, with countIncludePad: false, a depthwise sum divided by the
 * number of real inputs in each window (a constant of the geometry); max pooling is a
 * gather at the window maxima, whose VJP (scatterAdd) routes each gradient to the winning input.
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

export interface AvgPool2dOptions extends Pool2dOptions {
  /** Whether the zeros of the padding count in each window's mean (default true, as PyTorch's count_include_pad). */
  countIncludePad?: boolean;
}

function asPair(value: number | [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : value;
}

function checkInput(opName: string, x: Tensor): void {
  if (x.rank !== 4) throw new Error(`${opName}: input must be rank 4 [N,C,H,W], got ${shapeText(x.shape)}`);
}

/**
 * How many of the `kernel` taps of each of `outExtent` windows along one axis land inside
 * [0, extent): window o starts at o·stride − pad.
 */
function insideCounts(extent: number, kernel: number, stride: number, pad: number, outExtent: number): number[] {
  return Array.from({ length: outExtent }, (_, o) => {
    const start = o * stride - pad;
    return Math.min(extent, start + kernel) - Math.max(0, start);
  });
}

/**
 * Average pooling over KH×KW windows; with countIncludePad: false each window's sum is
 * divided by its taps inside the input (PyTorch's count_include_pad=False), which needs
 * padding at most half the kernel so that every window holds one.
 * @example avgPool2d(x, { kernel: 3, stride: 1, padding: 1, countIncludePad: false })
 */
export function avgPool2d(
  x: Tensor,
  { kernel, stride, padding = 0, countIncludePad = true }: AvgPool2dOptions,
): Tensor {
  checkInput('avgPool2d', x);
  const [kernelHeight, kernelWidth] = asPair(kernel);
  const channels = x.shape[1];
  const taps = kernelHeight * kernelWidth;
  const weightOf = (value: number) =>
    new Tensor(
      currentBackend().fill(channels * taps, value, x.dtype),
      [channels, 1, kernelHeight, kernelWidth],
      x.dtype,
    );
  const options = { stride: stride ?? kernel, padding, groups: channels };
  if (countIncludePad) return conv2d(x, weightOf(1 / taps), options);
  const [padHeight, padWidth] = asPair(padding);
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new Error(
      `avgPool2d: with countIncludePad false, padding ${padHeight},${padWidth} must be at most half the kernel ${kernelHeight}x${kernelWidth}`,
    );
  }
  const sums = conv2d(x, weightOf(1), options);
  const [, , outHeight, outWidth] = sums.shape;
  const [strideHeight, strideWidth] = asPair(options.stride);
  const rows = insideCounts(x.shape[2], kernelHeight, strideHeight, padHeight, outHeight);
  const columns = insideCounts(x.shape[3], kernelWidth, strideWidth, padWidth, outWidth);
  const counts = rows.flatMap((inRow) => columns.map((inColumn) => inRow * inColumn));
  return sums.div(new Tensor(currentBackend().fromArray(counts, x.dtype), [outHeight, outWidth], x.dtype));
}

/** Max pooling over KH×KW windows; padding acts as −∞ and must be at most half the kernel. */
export function maxPool2d(x: Tensor, { kernel, stride, padding = 0 }: Pool2dOptions): Tensor {
  checkInput('maxPool2d', x);
  const [kernelHeight, kernelWidth] = asPair(kernel);
  const [padHeight, padWidth] = asPair(padding);
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new Error(
      `maxPool2d: padding ${padHeight},${padWidth} must be at most half the kernel ${kernelHeight}x${kernelWidth}`,
    );
  }
  // The convolution geometry validates the options and gives the output size.
  const [batch, channels, inHeight, inWidth] = x.shape;
  const geometry = conv2dSpec([batch, 1, inHeight, inWidth], [1, 1, kernelHeight, kernelWidth], {
    stride: stride ?? kernel,
    padding,
  });
  const spec: Pool2dSpec = {
    batch,
    channels,
    inHeight,
    inWidth,
    kernelHeight,
    kernelWidth,
    outHeight: geometry.outHeight,
    outWidth: geometry.outWidth,
    strideHeight: geometry.strideHeight,
    strideWidth: geometry.strideWidth,
    padHeight,
    padWidth,
  };
  const indices = currentBackend().maxPool2dIndices(x.data, spec);
  const planes = reshape(x, [batch, channels, inHeight * inWidth]);
  const pooled = gather(planes, 2, indices, [batch, channels, spec.outHeight * spec.outWidth]);
  return reshape(pooled, [batch, channels, spec.outHeight, spec.outWidth]);
}
