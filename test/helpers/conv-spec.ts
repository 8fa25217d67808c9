/** Conv2dSpec from a convolution's geometry, the output extents derived (for the conv kernel tests). */
import type { Conv2dSpec } from '../../gpu/backend.ts';

/** The geometry of a grouped convolution: channels per group, sizes, strides, padding and dilation. */
export interface ConvGeometry {
  batch: number;
  groups: number;
  inPerGroup: number;
  outPerGroup: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padHeight: number;
  padWidth: number;
  dilationHeight: number;
  dilationWidth: number;
}

/** Output extent of a convolution axis (0 when the dilated kernel does not fit). */
export const outExtent = (size: number, kernel: number, stride: number, pad: number, dilation: number) =>
  Math.max(0, Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1);

/** The Conv2dSpec of a geometry. */
export function makeSpec(g: ConvGeometry): Conv2dSpec {
  return {
    batch: g.batch,
    inChannels: g.groups * g.inPerGroup,
    outChannels: g.groups * g.outPerGroup,
    inHeight: g.inHeight,
    inWidth: g.inWidth,
    kernelHeight: g.kernelHeight,
    kernelWidth: g.kernelWidth,
    outHeight: outExtent(g.inHeight, g.kernelHeight, g.strideHeight, g.padHeight, g.dilationHeight),
    outWidth: outExtent(g.inWidth, g.kernelWidth, g.strideWidth, g.padWidth, g.dilationWidth),
    strideHeight: g.strideHeight,
    strideWidth: g.strideWidth,
    padHeight: g.padHeight,
    padWidth: g.padWidth,
    dilationHeight: g.dilationHeight,
    dilationWidth: g.dilationWidth,
    groups: g.groups,
  };
}
