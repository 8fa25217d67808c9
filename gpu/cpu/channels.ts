/**
 * BatchNorm's fused per-channel kernels on the cpu (gpu/channels.ts): one pass for the mean, one
 * for the variance, one for the normalized output, one for the affine map's gradients, where the
 * composed BatchNorm makes a fresh array per elementwise op (about 8 forward and 20 backward passes
 * per layer).
 */
import type { Data } from '../backend.ts';
import type { ChannelKernels, ChannelLayout } from '../channels.ts';
import { allocate, dtypeOf } from './storage.ts';

/** Each channel's mean and biased variance: [2, C]. @example moments(x, { outer: 32, channels: 8, inner: 256 }) */
function moments(x: Data, { outer, channels, inner }: ChannelLayout): Data {
  const count = outer * inner;
  const mean = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let o = 0, start = 0; o < outer; o++)
    for (let c = 0; c < channels; c++, start += inner) {
      let total = 0;
      for (let i = start; i < start + inner; i++) total += x[i];
      mean[c] += total;
    }
  for (let c = 0; c < channels; c++) mean[c] /= count;
  // second pass around the mean: E[x²] − E[x]² loses digits when std ≪ |mean|
  for (let o = 0, start = 0; o < outer; o++)
    for (let c = 0; c < channels; c++, start += inner) {
      const m = mean[c];
      let total = 0;
      for (let i = start; i < start + inner; i++) total += (x[i] - m) * (x[i] - m);
      squares[c] += total;
    }
  const out = allocate(2 * channels, dtypeOf(x));
  for (let c = 0; c < channels; c++) {
    out[c] = mean[c];
    out[channels + c] = squares[c] / count;
  }
  return out;
}

/** (x − mean[c])·scale[c] + shift[c]. @example affine(x, mean, scale, shift, { outer: 32, channels: 8, inner: 256 }) */
function affine(x: Data, mean: Data, scale: Data, shift: Data, { outer, channels, inner }: ChannelLayout): Data {
  const out = allocate(x.length, dtypeOf(x));
  for (let o = 0, start = 0; o < outer; o++)
    for (let c = 0; c < channels; c++, start += inner) {
      const [m, s, b] = [mean[c], scale[c], shift[c]];
      for (let i = start; i < start + inner; i++) out[i] = (x[i] - m) * s + b;
    }
  return out;
}

/** Σ g and Σ g·(x − mean[c]) per channel: [2, C] (channelAffine's shift and scale gradients). */
function sums(g: Data, x: Data, mean: Data, { outer, channels, inner }: ChannelLayout): Data {
  const plain = new Float64Array(channels);
  const centered = new Float64Array(channels);
  for (let o = 0, start = 0; o < outer; o++)
    for (let c = 0; c < channels; c++, start += inner) {
      const m = mean[c];
      let [total, weighted] = [0, 0];
      for (let i = start; i < start + inner; i++) {
        total += g[i];
        weighted += g[i] * (x[i] - m);
      }
      plain[c] += total;
      centered[c] += weighted;
    }
  const out = allocate(2 * channels, dtypeOf(x));
  out.set(plain);
  out.set(centered, channels);
  return out;
}

export const cpuChannelKernels: ChannelKernels = { moments, sums, affine };
