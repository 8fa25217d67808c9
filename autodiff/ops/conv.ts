/**
 * 2-D convolution (NCHW, cross-correlation as in PyTorch) as three primitives that are
 * closed under differentiation. With y = conv(x, w), and each map bilinear:
 *   conv2d(x, w)            VJP: ∂x = inputGrad(g, w),  ∂w = weightGrad(x, g)
 *   inputGrad(dy, w) → dx   VJP: ∂dy = conv2d(g, w),    ∂w = weightGrad(g, dy)
 *   weightGrad(x, dy) → dw  VJP: ∂x = inputGrad(dy, g), ∂dy = conv2d(x, g)
 */
import type { Conv2dSpec } from '../../gpu/backend.ts';
import { checkInteger, checkOptions, checkTensor, describeValue } from '../arguments.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';

export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

/** The convolution's full geometry: fixed at the forward call, shared by all three primitives. */
export interface ConvAttrs {
  spec: Conv2dSpec;
}

function shapes(spec: Conv2dSpec) {
  return {
    input: [spec.batch, spec.inChannels, spec.inHeight, spec.inWidth],
    weight: [spec.outChannels, spec.inChannels / spec.groups, spec.kernelHeight, spec.kernelWidth],
    output: [spec.batch, spec.outChannels, spec.outHeight, spec.outWidth],
  };
}

export const conv2dDefinition: OpDef<ConvAttrs, 'conv2d'> = {
  name: 'conv2d',
  shape: (_inputs, { spec }) => shapes(spec).output,
  forward: (kernels, [x, w], { spec }) => kernels.conv2d(x.storage, w.storage, spec),
  vjp: (g, { inputs: [x, w], attrs }) => [
    x.requiresGrad ? apply(conv2dInputGradDefinition, [g, w], attrs) : null,
    w.requiresGrad ? apply(conv2dWeightGradDefinition, [x, g], attrs) : null,
  ],
};

export const conv2dInputGradDefinition: OpDef<ConvAttrs, 'conv2dInputGrad'> = {
  name: 'conv2dInputGrad',
  shape: (_inputs, { spec }) => shapes(spec).input,
  forward: (kernels, [dy, w], { spec }) => kernels.conv2dInputGrad(dy.storage, w.storage, spec),
  vjp: (g, { inputs: [dy, w], attrs }) => [
    dy.requiresGrad ? apply(conv2dDefinition, [g, w], attrs) : null,
    w.requiresGrad ? apply(conv2dWeightGradDefinition, [g, dy], attrs) : null,
  ],
};

export const conv2dWeightGradDefinition: OpDef<ConvAttrs, 'conv2dWeightGrad'> = {
  name: 'conv2dWeightGrad',
  shape: (_inputs, { spec }) => shapes(spec).weight,
  forward: (kernels, [x, dy], { spec }) => kernels.conv2dWeightGrad(x.storage, dy.storage, spec),
  vjp: (g, { inputs: [x, dy], attrs }) => [
    x.requiresGrad ? apply(conv2dInputGradDefinition, [dy, g], attrs) : null,
    dy.requiresGrad ? apply(conv2dDefinition, [x, g], attrs) : null,
  ],
};

/** An integer ≥ minimum, or a pair of them, as [height, width]; errors name `opName`. */
export function pair(opName: string, value: unknown, name: string, minimum: number): [number, number] {
  const result = typeof value === 'number' ? [value, value] : value;
  const fits = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= minimum;
  if (!Array.isArray(result) || result.length !== 2 || !result.every(fits)) {
    const shown = Array.isArray(value)
      ? JSON.stringify(value)
      : typeof value === 'number'
        ? value
        : describeValue(value);
    throw new Error(`${opName}: ${name} must be an integer ≥ ${minimum} or a pair of them, got ${shown}`);
  }
  return result as [number, number];
}

/** Validates shapes and options and returns the geometry every conv primitive shares (errors name `opName`). */
export function conv2dSpec(
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2dOptions,
  opName = 'conv2d',
): Conv2dSpec {
  if (xShape.length !== 4) throw new Error(`${opName}: input must be rank 4 [N,C,H,W], got ${shapeText(xShape)}`);
  if (wShape.length !== 4)
    throw new Error(`${opName}: weight must be rank 4 [O,C/groups,KH,KW], got ${shapeText(wShape)}`);
  const [strideHeight, strideWidth] = pair(opName, options.stride ?? 1, 'stride', 1);
  const [padHeight, padWidth] = pair(opName, options.padding ?? 0, 'padding', 0);
  const [dilationHeight, dilationWidth] = pair(opName, options.dilation ?? 1, 'dilation', 1);
  const groups = checkInteger(opName, 'groups', options.groups ?? 1, 1);
  const [batch, inChannels, inHeight, inWidth] = xShape;
  const [outChannels, groupChannels, kernelHeight, kernelWidth] = wShape;
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(
      `${opName}: groups ${groups} must divide input channels ${inChannels} and output channels ${outChannels}`,
    );
  }
  if (groupChannels !== inChannels / groups) {
    throw new Error(
      `${opName}: weight ${shapeText(wShape)} expects ${groupChannels * groups} input channels (groups ${groups}), input ${shapeText(xShape)} has ${inChannels}`,
    );
  }
  const outHeight = Math.floor((inHeight + 2 * padHeight - dilationHeight * (kernelHeight - 1) - 1) / strideHeight) + 1;
  const outWidth = Math.floor((inWidth + 2 * padWidth - dilationWidth * (kernelWidth - 1) - 1) / strideWidth) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new Error(
      `${opName}: kernel ${kernelHeight}x${kernelWidth} (dilation ${dilationHeight},${dilationWidth}) does not fit input ${inHeight}x${inWidth} with padding ${padHeight},${padWidth}`,
    );
  }
  return {
    batch,
    inChannels,
    outChannels,
    inHeight,
    inWidth,
    kernelHeight,
    kernelWidth,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    padHeight,
    padWidth,
    dilationHeight,
    dilationWidth,
    groups,
  };
}

/**
 * 2-D cross-correlation of x [N,C,H,W] with w [O,C/groups,KH,KW] (PyTorch's conv2d, no bias).
 * @example conv2d(images, filters, { padding: 1 })
 */
export function conv2d(x: Tensor, w: Tensor, options: Conv2dOptions = {}): Tensor {
  checkTensor('conv2d', x);
  checkTensor('conv2d', w, 'weight');
  return apply(conv2dDefinition, [x, w], { spec: conv2dSpec(x.shape, w.shape, checkOptions('conv2d', options)) });
}
