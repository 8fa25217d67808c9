/**
 * Shared pieces of cntk-exact's finite-network half (Arora et al. 2019, PAPERS.md §8): the two
 * knobs an NTK-parameterized network needs before it trains well at small width, an output
 * scale κ (Theorem 3.2 scales the output by a small κ so that f_0 ≈ 0) and a learning rate
 * measured in units of its own kernel.
 */
import * as ad from '../../autodiff/index.ts';
import { Scale } from '../../src/infinite/index.ts';
import * as nn from '../../src/nn/index.ts';

/**
 * The network with its output multiplied by κ = outputStd / (RMS of its initial outputs on
 * `probe`), so f_0 has standard deviation `outputStd` (Theorem 3.2's small-κ scaling).
 * @example const net = scaleOutput(finiteNetwork(cntk({ depth: 3 }), shape, { width: 16, outputs: 10, seed: 0 }), probe, 0.1)
 */
export function scaleOutput(body: nn.Module, probe: ad.Tensor, outputStd: number): nn.Sequential {
  const outputs = ad.noGrad(() => body.forward(probe)).data;
  let squares = 0;
  for (let i = 0; i < outputs.length; i++) squares += outputs[i] * outputs[i];
  const rms = Math.sqrt(squares / outputs.length);
  if (!(rms > 0) || !Number.isFinite(rms))
    throw new Error(`scaleOutput: the initial outputs on the probe have RMS ${rms}; cannot scale them to ${outputStd}`);
  return new nn.Sequential(body, new Scale(outputStd / rms));
}

/**
 * τ = ‖∂/∂θ mean_i f_1(x_i)‖² = the mean of the empirical NTK Θ̂(x_i, x_j) over all pairs of
 * `probe` (first output, trained parameters): the kernel's scale, one backward pass. Under
 * squared loss on a batch the step on the outputs is ≈ −η·Θ̂·r/B, whose top eigenvalue is ≈ τ,
 * so η = c/τ is a learning rate in the kernel's own units.
 * @example const lr = 0.3 / meanKernel(net, probe)
 */
export function meanKernel(net: nn.Module, probe: ad.Tensor): number {
  net.zeroGrad();
  const output = net.forward(probe);
  ad.slice(output, [0, 0], [output.shape[0], 1]).mean().backward();
  const tau = net
    .parameters()
    .reduce((sum, parameter) => sum + (parameter.grad ? parameter.grad.square().sum().item() : 0), 0);
  net.zeroGrad();
  if (!(tau > 0))
    throw new Error(
      `meanKernel: the mean kernel on the probe is ${tau}; the network has no trained parameter that moves its output`,
    );
  return tau;
}

/** Least-squares slope of log y against log x (a power law's exponent). @example logLogSlope([1, 4], [1, 0.5]) // -0.5 */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2)
    throw new Error(`logLogSlope: needs two or more (x, y) pairs of equal count, got ${x.length} and ${y.length}`);
  const u = x.map(Math.log),
    v = y.map(Math.log);
  const mu = u.reduce((a, b) => a + b, 0) / u.length,
    mv = v.reduce((a, b) => a + b, 0) / v.length;
  const covariance = u.reduce((sum, ui, i) => sum + (ui - mu) * (v[i] - mv), 0);
  const variance = u.reduce((sum, ui) => sum + (ui - mu) ** 2, 0);
  return covariance / variance;
}

/** Arithmetic mean. @example mean([1, 2]) // 1.5 */
export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
