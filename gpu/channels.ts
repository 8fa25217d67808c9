/**
 * Fused per-channel kernels for BatchNorm (Ioffe & Szegedy 2015, Algorithm 1) on host storage, an
 * optional part of a Backend: x is seen as [outer, channels, inner] (NCHW: outer = N, inner = H·W).
 * A backend without them leaves BatchNorm composed from the elementwise and reduction kernels.
 */
import type { Data } from './backend.ts';

/** [outer, channels, inner]: how a [N, C, …] tensor is walked channel by channel. */
export interface ChannelLayout {
  outer: number;
  channels: number;
  inner: number;
}

export interface ChannelKernels {
  /**
   * [2, C]: each channel's mean (row 0) and biased variance (row 1) over outer and inner, in
   * float64 (two passes: the mean, then Σ(x − mean)²), rounded once to x's dtype.
   */
  moments(x: Data, layout: ChannelLayout): Data;
  /** [2, C]: Σ g (row 0) and Σ g·(x − mean[c]) (row 1) over each channel's values, in float64, rounded once. */
  sums(g: Data, x: Data, mean: Data, layout: ChannelLayout): Data;
  /** (x − mean[c])·scale[c] + shift[c] for every value of channel c, in float64, rounded once. */
  affine(x: Data, mean: Data, scale: Data, shift: Data, layout: ChannelLayout): Data;
}
