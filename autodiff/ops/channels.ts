/**
 * BatchNorm's fused primitives (Ioffe & Szegedy 2015, Algorithm 1), on backends with
 * gpu/channels.ts's kernels (cpu): channelMoments, each channel's mean and biased variance;
 * channelAffine, (x − mean[c])·scale[c] + shift[c]; and channelSums, Σ g and Σ g·(x − mean[c]) per
 * channel, channelAffine's parameter gradients in one pass. Their VJPs are written with Tensor ops
 * (mostly these primitives again), so gradients of gradients work. src/nn's BatchNorm composes them
 * where channelKernelsAvailable().
 */
import { isData, type Data } from '../../gpu/backend.ts';
import type { ChannelLayout } from '../../gpu/channels.ts';
import { currentBackend } from '../../gpu/registry.ts';
import { checkTensor } from '../arguments.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { reshape, slice } from './layout.ts';

/** [outer, channels, inner] of a [N, C, …] tensor. */
function layoutOf(shape: readonly number[]): ChannelLayout {
  const inner = shape.slice(2).reduce((product, extent) => product * extent, 1);
  return { outer: shape[0], channels: shape[1], inner };
}

/** [1, C, 1, …]: a per-channel vector broadcast against x. */
function keptShape(x: Tensor): number[] {
  return x.shape.map((extent, axis) => (axis === 1 ? extent : 1));
}

/** The active backend's channel kernels, and each input's host storage. */
function hostKernels(opName: string, inputs: readonly Tensor[]) {
  const kernels = currentBackend().channels;
  if (!kernels) throw new Error(`${opName}: the ${currentBackend().name} backend has no channel kernels`);
  const storages = inputs.map((input) => input.storage);
  if (!storages.every(isData)) throw new Error(`${opName}: inputs must be on the host`);
  return { kernels, storages: storages as Data[] };
}

export const channelMomentsDefinition: OpDef<void, 'channelMoments'> = {
  name: 'channelMoments',
  shape: ([x]) => [2, x.shape[1]],
  forward(_kernels, inputs) {
    const { kernels, storages } = hostKernels('channelMoments', inputs);
    return kernels.moments(storages[0], layoutOf(inputs[0].shape));
  },
  // ∂mean/∂x = 1/M, ∂var/∂x = 2(x − mean)/M (the mean's own dependence on x drops out: Σ(x − mean) = 0):
  // x̄ = (x − mean)·(2·ḡ_var/M) + ḡ_mean/M, itself a channelAffine
  vjp(g, { inputs: [x], output }) {
    const channels = x.shape[1];
    const count = x.size / channels;
    const row = (t: Tensor, r: number) => reshape(slice(t, [r, 0], [1, channels]), [channels]);
    return [channelAffine(x, row(output, 0), row(g, 1).mul(2 / count), row(g, 0).div(count))];
  },
};

export const channelAffineDefinition: OpDef<void, 'channelAffine'> = {
  name: 'channelAffine',
  shape: ([x]) => [...x.shape],
  forward(_kernels, inputs) {
    const { kernels, storages } = hostKernels('channelAffine', inputs);
    const [x, mean, scale, shift] = storages;
    return kernels.affine(x, mean, scale, shift, layoutOf(inputs[0].shape));
  },
  // x̄ = ḡ·scale; mean̄ = −scale·Σḡ; scalē = Σḡ·(x − mean); shift̄ = Σḡ (sums over each channel's values)
  vjp(g, { inputs: [x, mean, scale] }) {
    const channels = x.shape[1];
    const both = channelSums(g, x, mean);
    const [shiftGrad, scaleGrad] = [0, 1].map((r) => reshape(slice(both, [r, 0], [1, channels]), [channels]));
    return [g.mul(reshape(scale, keptShape(x))), shiftGrad.mul(scale).neg(), scaleGrad, shiftGrad];
  },
};

export const channelSumsDefinition: OpDef<void, 'channelSums'> = {
  name: 'channelSums',
  shape: ([, x]) => [2, x.shape[1]],
  forward(_kernels, inputs) {
    const { kernels, storages } = hostKernels('channelSums', inputs);
    const [g, x, mean] = storages;
    return kernels.sums(g, x, mean, layoutOf(inputs[1].shape));
  },
  // with ā, b̄ the gradients of rows 0 and 1: ḡ = ā + b̄·(x − mean), x̄ = b̄·g, mean̄ = −b̄·Σg
  vjp(out, { inputs: [g, x, mean], output }) {
    const channels = x.shape[1];
    const row = (t: Tensor, r: number) => reshape(slice(t, [r, 0], [1, channels]), [channels]);
    const [plainGrad, centeredGrad] = [row(out, 0), row(out, 1)];
    return [
      channelAffine(x, mean, centeredGrad, plainGrad),
      g.mul(reshape(centeredGrad, keptShape(x))),
      centeredGrad.mul(row(output, 0)).neg(),
    ];
  },
};

/** True where the active backend runs channelMoments and channelAffine (host storage, gpu/channels.ts). */
export function channelKernelsAvailable(): boolean {
  const backend = currentBackend();
  return backend.channels !== undefined && backend.device === undefined;
}

function checkChannelInput(opName: string, x: Tensor): void {
  checkTensor(opName, x, 'x');
  if (x.rank < 2 || x.shape[1] < 1)
    throw new Error(`${opName}: x must be [N, C, …] with C ≥ 1, got ${shapeText(x.shape)}`);
}

/** A per-channel vector argument: [C] for x [N, C, …]. */
function checkVector(opName: string, name: string, vector: Tensor, x: Tensor): void {
  checkTensor(opName, vector, name);
  if (vector.rank !== 1 || vector.shape[0] !== x.shape[1])
    throw new Error(
      `${opName}: ${name} must be [${x.shape[1]}] (one per channel of x ${shapeText(x.shape)}), got ${shapeText(vector.shape)}`,
    );
}

/**
 * [2, C]: the mean (row 0) and biased variance (row 1) of each channel of x [N, C, …] over every
 * other axis (BatchNorm's batch statistics).
 * @example channelMoments(ad.randomNormal([32, 8, 16, 16], { seed: 0 })) // [2, 8]
 */
export function channelMoments(x: Tensor): Tensor {
  checkChannelInput('channelMoments', x);
  return apply(channelMomentsDefinition, [x], undefined);
}

/**
 * [2, C]: Σ g (row 0) and Σ g·(x − mean[c]) (row 1) over each channel's values; g and x [N, C, …]
 * of one shape, mean [C] (channelAffine's gradients with respect to shift and scale).
 * @example channelSums(outGrad, x, mean) // [2, C]
 */
export function channelSums(g: Tensor, x: Tensor, mean: Tensor): Tensor {
  checkChannelInput('channelSums', x);
  checkTensor('channelSums', g, 'g');
  if (shapeText(g.shape) !== shapeText(x.shape))
    throw new Error(`channelSums: g ${shapeText(g.shape)} and x ${shapeText(x.shape)} must have one shape`);
  checkVector('channelSums', 'mean', mean, x);
  return apply(channelSumsDefinition, [g, x, mean], undefined);
}

/**
 * (x − mean[c])·scale[c] + shift[c] on every value of channel c of x [N, C, …]; mean, scale and
 * shift are [C] (BatchNorm's normalization and affine map in one pass).
 * @example channelAffine(x, mean, ad.ones([8]), ad.zeros([8]))
 */
export function channelAffine(x: Tensor, mean: Tensor, scale: Tensor, shift: Tensor): Tensor {
  checkChannelInput('channelAffine', x);
  [mean, scale, shift].forEach((vector, i) => checkVector('channelAffine', ['mean', 'scale', 'shift'][i], vector, x));
  return apply(channelAffineDefinition, [x, mean, scale, shift], undefined);
}
