/**
 * Pooling, composed from primitives: average pooling is a depthwise convolution with
 * constant weights 1/(KH·KW) (zero padding counts, as PyTorch's default
 * count_include_pad=True), or, with countIncludePad: false, a depthwise sum divided by the
 * number of real inputs in each window (a constant of the geometry); max pooling is a
 * gather at the window maxima, whose VJP (scatterAdd) routes each gradient to the winning input.
 */
import type { Pool2dSpec } from '../../gpu/backend.ts';
import { currentBackend } from '../../gpu/registry.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { allocating } from '../allocation.ts';
import { checkBoolean, checkOptions, checkTensor } from '../arguments.ts';
import { shapeText } from '../op.ts';
import { Tensor } from '../tensor.ts';
import { conv2d, conv2dSpec, pair } from './conv.ts';
import { OpIndices } from '../indices.ts';
import { gather, gatherOnDevice } from './gather.ts';
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

/**
 * The checked geometry of a pooling op: x rank 4, kernel and stride positive integers (or
 * pairs), padding non-negative and at most half the kernel, the window fitting the input.
 */
function poolGeometry(opName: string, x: Tensor, options: Pool2dOptions) {
  if (checkTensor(opName, x).rank !== 4)
    throw new Error(`${opName}: input must be rank 4 [N,C,H,W], got ${shapeText(x.shape)}`);
  const { kernel, stride, padding = 0 } = checkOptions(opName, options);
  const [kernelHeight, kernelWidth] = pair(opName, kernel, 'kernel', 1);
  const [padHeight, padWidth] = pair(opName, padding, 'padding', 0);
  if (2 * padHeight > kernelHeight || 2 * padWidth > kernelWidth) {
    throw new Error(
      `${opName}: padding ${padHeight},${padWidth} must be at most half the kernel ${kernelHeight}x${kernelWidth}`,
    );
  }
  const [batch, channels, inHeight, inWidth] = x.shape;
  const geometry = conv2dSpec(
    [batch, 1, inHeight, inWidth],
    [1, 1, kernelHeight, kernelWidth],
    { stride: stride ?? kernel, padding },
    opName,
  );
  return { ...geometry, channels, padHeight, padWidth, stride: stride ?? kernel };
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
 * divided by its taps inside the input (PyTorch's count_include_pad=False). Padding must be
 * at most half the kernel (as in PyTorch), so that every window holds an input.
 * @example avgPool2d(x, { kernel: 3, stride: 1, padding: 1, countIncludePad: false })
 */
export function avgPool2d(x: Tensor, options: AvgPool2dOptions): Tensor {
  const geometry = poolGeometry('avgPool2d', x, options);
  const countIncludePad = checkBoolean('avgPool2d', 'countIncludePad', options.countIncludePad ?? true);
  const { channels, kernelHeight, kernelWidth, padHeight, padWidth, strideHeight, strideWidth } = geometry;
  const taps = kernelHeight * kernelWidth;
  const weightShape = [channels, 1, kernelHeight, kernelWidth];
  const weightOf = (value: number) =>
    new Tensor(
      allocating('avgPool2d', weightShape, x.dtype, () => currentBackend().fill(channels * taps, value, x.dtype)),
      weightShape,
      x.dtype,
    );
  const convolution = { stride: geometry.stride, padding: options.padding ?? 0, groups: channels };
  if (countIncludePad) return conv2d(x, weightOf(1 / taps), convolution);
  const sums = conv2d(x, weightOf(1), convolution);
  const [, , outHeight, outWidth] = sums.shape;
  const rows = insideCounts(x.shape[2], kernelHeight, strideHeight, padHeight, outHeight);
  const columns = insideCounts(x.shape[3], kernelWidth, strideWidth, padWidth, outWidth);
  const counts = rows.flatMap((inRow) => columns.map((inColumn) => inRow * inColumn));
  return sums.div(new Tensor(currentBackend().fromArray(counts, x.dtype), [outHeight, outWidth], x.dtype));
}

/** Max pooling over KH×KW windows; padding acts as −∞ and must be at most half the kernel. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  const geometry = poolGeometry('maxPool2d', x, options);
  const { batch, channels, inHeight, inWidth } = geometry;
  const spec: Pool2dSpec = {
    batch,
    channels,
    inHeight,
    inWidth,
    kernelHeight: geometry.kernelHeight,
    kernelWidth: geometry.kernelWidth,
    outHeight: geometry.outHeight,
    outWidth: geometry.outWidth,
    strideHeight: geometry.strideHeight,
    strideWidth: geometry.strideWidth,
    padHeight: geometry.padHeight,
    padWidth: geometry.padWidth,
  };
  const outShape = [batch, channels, spec.outHeight, spec.outWidth];
  const backend = currentBackend();
  const planes = reshape(x, [batch, channels, inHeight * inWidth]);
  const indexShape = [batch, channels, spec.outHeight * spec.outWidth];
  // a resident backend searches the windows where x lives and keeps the argmax there: the
  // pooled values and their gradient (gather, scatterAdd) read it in place, nothing comes back
  // (gpu.js has no empty textures: empty inputs or outputs take the host path)
  const device = backend.device;
  const pooled =
    device && x.size > 0 && sizeOf(outShape) > 0
      ? gatherOnDevice(
          planes,
          2,
          OpIndices.device(
            allocating('maxPool2d', outShape, x.dtype, () => device.maxPool2dIndices(x.storage, spec)),
            device,
            inHeight * inWidth,
          ),
          indexShape,
        )
      : gather(
          planes,
          2,
          allocating('maxPool2d', outShape, x.dtype, () => backend.maxPool2dIndices(x.data, spec)),
          indexShape,
        );
  return reshape(pooled, outShape);
}
