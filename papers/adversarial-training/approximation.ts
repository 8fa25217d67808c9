/**
 * The paper's key lemma (Zhang et al. 2020, §4, "ReLU networks near initialization approximate the
 * step function"): for a unit u and a threshold τ there is a first layer W close to W₀ with
 * f_W(x) ≈ h(x) = sign(⟨x, u⟩ − τ) for every x on the sphere outside the band |⟨x, u⟩ − τ| < γ.
 * We construct such a W at each width by the minimum-norm (ridge) fit of the linearization
 * f_{W₀}(x) + ⟨∇_θ f_{W₀}(x), Δθ⟩ to h on `fitPoints` points outside the band: with the activation
 * patterns A [n, m] and X̂ = [X, 1], the empirical NTK of the first layer is K = (AAᵀ/m) ⊙ (X̂X̂ᵀ),
 * α = (K + λI)⁻¹ h, and Δθ_r = (a_r/√m) Σᵢ αᵢ A_ir x̂ᵢ. We then evaluate the *actual* net at
 * θ₀ + Δθ (not its linearization) on fresh points outside the band.
 */
import * as ad from '../../autodiff/index.ts';
import { Random, deriveSeed } from '../../src/data/index.ts';
import { fromArray, solvePositiveDefinite } from '../../src/linalg/index.ts';
import type { ApproximationConfig } from './config.ts';
import { spherePoint } from './data.ts';
import { TwoLayerReLU } from './network.ts';

/** One width and seed of the approximation experiment. */
export interface ApproximationRun {
  width: number;
  seed: number;
  /** Mean |f_W(x) − h(x)| over fresh points outside the band. */
  meanError: number;
  /** The 95th percentile of |f_W(x) − h(x)| there (a robust stand-in for the sup norm). */
  error95: number;
  /** Share of fresh points outside the band where sign f_W(x) ≠ h(x). */
  signError: number;
  /** The same mean error for the linearization (the kernel predictor): the gap is the nonlinearity. */
  linearizedMeanError: number;
  /** ‖Δθ‖_F / ‖θ₀‖_F: how far from initialization the approximating net is. */
  relativeMovement: number;
}

/** `count` points of S^{d−1} outside the band, and the step h at each. */
function bandedPoints(config: ApproximationConfig, count: number, random: Random, direction: Float64Array) {
  const { dimension, threshold, band } = config;
  const rows = new Float64Array(count * dimension);
  const targets = new Float64Array(count);
  for (let i = 0; i < count;) {
    const point = spherePoint(random, dimension);
    const projection = point.reduce((total, value, k) => total + value * direction[k], 0);
    if (Math.abs(projection - threshold) < band) continue;
    rows.set(point, i * dimension);
    targets[i++] = projection > threshold ? 1 : -1;
  }
  return { inputs: ad.tensor(rows, { shape: [count, dimension], dtype: 'float64' }), targets };
}

/** Activation patterns 1[⟨w_r, x⟩ + b_r ≥ 0] [n, m] and the inputs with a 1 appended [n, d + 1]. */
function features(net: TwoLayerReLU, inputs: ad.Tensor) {
  const patterns = ad.matmul(inputs, net.weight.value, { transposeB: true }).add(net.bias.value).ge(0);
  const augmented = ad.concat([inputs, ad.ones([inputs.shape[0], 1], { dtype: 'float64' })], 1);
  return { patterns, augmented };
}

/**
 * Fits the step near initialization at one width and seed and measures the error outside the band.
 * @example approximateStep(defaultConfig.approximation, 1024, 0)
 */
export function approximateStep(config: ApproximationConfig, width: number, seed: number): ApproximationRun {
  const random = new Random(deriveSeed(seed, 303));
  const direction = spherePoint(random, config.dimension);
  const fit = bandedPoints(config, config.fitPoints, random, direction);
  const test = bandedPoints(config, config.testPoints, random, direction);
  const net = new TwoLayerReLU({ inputs: config.dimension, width, seed: deriveSeed(seed, width + 1) });
  const m = width;
  const train = features(net, fit.inputs);
  const kernelOf = (a: ReturnType<typeof features>, b: ReturnType<typeof features>) =>
    ad
      .matmul(a.patterns, b.patterns, { transposeB: true })
      .div(m)
      .mul(ad.matmul(a.augmented, b.augmented, { transposeB: true }));
  const kernel = kernelOf(train, train);
  const n = config.fitPoints;
  const values = Float64Array.from(kernel.data);
  let trace = 0;
  for (let i = 0; i < n; i++) trace += values[i * n + i];
  for (let i = 0; i < n; i++) values[i * n + i] += (config.ridge * trace) / n;
  // f_{W₀} ≡ 0 (symmetric init), so the residual to fit is h itself.
  const alpha = solvePositiveDefinite(fromArray(n, n, values), fit.targets);
  const alphaTensor = ad.tensor(alpha, { shape: [n, 1], dtype: 'float64' });
  // Δθ [m, d + 1] = (a/√m) ⊙ Aᵀ diag(α) X̂.
  const delta = ad
    .matmul(train.patterns, alphaTensor.mul(train.augmented), { transposeA: true })
    .mul(net.signs.value)
    .div(Math.sqrt(m));
  const initial = net.firstLayer();
  const d = config.dimension;
  ad.noGrad(() => {
    net.weight.assign(net.weight.value.add(delta.slice([0, 0], [m, d])));
    net.bias.assign(net.bias.value.add(delta.slice([0, d], [m, 1]).reshape([m])));
  });
  const outputs = ad.noGrad(() => net.forward(test.inputs)).data;
  const linearized = kernelOf(
    features(new TwoLayerReLU({ inputs: d, width, seed: deriveSeed(seed, width + 1) }), test.inputs),
    train,
  ).matmul(alphaTensor).data;
  const errors = Array.from(outputs, (value, i) => Math.abs(value - test.targets[i])).sort((a, b) => a - b);
  const mean = (list: ArrayLike<number>) => Array.from(list).reduce((a, b) => a + b, 0) / list.length;
  return {
    width,
    seed,
    meanError: mean(errors),
    error95: errors[Math.floor(0.95 * (errors.length - 1))],
    signError: Array.from(outputs).filter((value, i) => Math.sign(value) !== test.targets[i]).length / outputs.length,
    linearizedMeanError: mean(Array.from(linearized, (value, i) => Math.abs(value - test.targets[i]))),
    relativeMovement: delta.square().sum().sqrt().item() / initial.square().sum().sqrt().item(),
  };
}
