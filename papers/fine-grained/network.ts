/**
 * The paper's network and training (Arora et al. 2019, §3): f(x) = (1/√m) Σ_r a_r σ(w_rᵀx) with
 * σ = ReLU, a_r ∈ {±1} fixed, w_r(0) ∼ N(0, κ²I), loss Φ(W) = ½ Σ_i (y_i − f(x_i))², and
 * gradient descent W(k+1) = W(k) − η ∂Φ/∂W on the first layer only.
 *
 * How a step is computed. With Z = XWᵀ [n, m] the pre-activations of the n training inputs,
 * ∂Φ/∂W = (∂Φ/∂Z)ᵀX, so a GD step is W ← W − η(∂Φ/∂Z)ᵀX and therefore
 *   Z ← Z − η G ∂Φ/∂Z  (G = XXᵀ),   W − W(0) = ΔᵀX with Δ ← Δ − η ∂Φ/∂Z.
 * Autodiff computes ∂Φ/∂Z through the ReLU and the output layer; the first layer's linear map is
 * applied through G. This is exactly GD on W (test/papers/fine-grained/network.test.ts checks it
 * against autodiff on W), at n²m multiply-adds per step instead of 2ndm (d = 784 or 3072 ≫ n).
 */
import * as ad from '../../autodiff/index.ts';

/** The network's initial weights: W(0) [m, d] and the fixed output signs a [m, 1]. */
export interface TwoLayerInit {
  weights: ad.Tensor;
  signs: ad.Tensor;
}

/**
 * W(0) ∼ N(0, κ²I) and a uniform on {±1}, from `seed` (float64). With `antithetic`, rows m/2 … m−1
 * repeat rows 0 … m/2−1 with the opposite output sign, so that f(x) = 0 at W(0) for every x (the
 * paper's analysis writes the residual as y − u(0) ≈ y; this makes it exact at any κ).
 * @example initTwoLayer({ inputs: 784, width: 4000, kappa: 1, seed: 0, antithetic: true })
 */
export function initTwoLayer(options: {
  inputs: number;
  width: number;
  kappa: number;
  seed: number;
  antithetic?: boolean;
}): TwoLayerInit {
  const { inputs, width, kappa, seed, antithetic = false } = options;
  for (const [name, value] of [
    ['inputs', inputs],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`initTwoLayer: ${name} must be a positive integer, got ${value}`);
  }
  if (!(kappa > 0) || !Number.isFinite(kappa))
    throw new Error(`initTwoLayer: kappa must be a positive number, got ${kappa}`);
  if (antithetic && width % 2 !== 0)
    throw new Error(`initTwoLayer: an antithetic init needs an even width, got ${width}`);
  const drawn = antithetic ? width / 2 : width;
  const weights = ad.randomNormal([drawn, inputs], { seed, std: kappa, dtype: 'float64' });
  const signs = ad
    .randomUniform([drawn, 1], { seed: seed + 1, dtype: 'float64' })
    .ge(0.5)
    .mul(2)
    .sub(1);
  if (!antithetic) return { weights, signs };
  return { weights: ad.concat([weights, weights], 0), signs: ad.concat([signs, signs.neg()], 0) };
}

/** u = (1/√m) σ(Z) a for pre-activations Z [n, m]: the outputs [n]. */
export function outputsFromPreactivations(preactivations: ad.Tensor, signs: ad.Tensor): ad.Tensor {
  const m = signs.shape[0];
  if (preactivations.rank !== 2 || preactivations.shape[1] !== m) {
    throw new Error(
      `outputsFromPreactivations: pre-activations must be [n, ${m}] for ${m} output signs, got [${preactivations.shape.join(',')}]`,
    );
  }
  return preactivations.relu().matmul(signs).reshape([preactivations.shape[0]]).div(Math.sqrt(m));
}

/** The outputs f(x) [n] of the network with weights W [m, d] on inputs [n, d]. */
export function networkOutputs(inputs: ad.Tensor, weights: ad.Tensor, signs: ad.Tensor): ad.Tensor {
  return outputsFromPreactivations(ad.matmul(inputs, weights, { transposeB: true }), signs);
}

/** Φ = ½‖y − u‖² as a function of the pre-activations. */
function loss(preactivations: ad.Tensor, labels: ad.Tensor, signs: ad.Tensor): ad.Tensor {
  return labels.sub(outputsFromPreactivations(preactivations, signs)).square().sum().mul(0.5);
}

/** The state of GD after some steps, kept in the pre-activation form (see the module comment). */
export interface TwoLayerState {
  step: number;
  /** Z(k) = X W(k)ᵀ [n, m]. */
  preactivations: ad.Tensor;
  /** Δ(k) [n, m] with W(k) − W(0) = Δ(k)ᵀ X. */
  displacement: ad.Tensor;
  /** u(k) = f(x_i) at W(k), [n]. */
  outputs: Float64Array;
}

/** Full-batch gradient descent on the first layer of a two-layer net, one step at a time. */
export class TwoLayerGradientDescent {
  readonly gram: ad.Tensor;
  readonly labels: ad.Tensor;
  readonly signs: ad.Tensor;
  readonly lr: number;
  state: TwoLayerState;

  /**
   * @param inputs X [n, d] (float64); @param labels y [n]; W(0) and a from `init`; η = lr.
   * @example const gd = new TwoLayerGradientDescent(x, y, initTwoLayer({ inputs: d, width: 4000, kappa: 0.1, seed: 0 }), 0.01); gd.step();
   */
  constructor(
    inputs: ad.Tensor,
    labels: ArrayLike<number>,
    init: TwoLayerInit,
    lr: number,
    initialPreactivations?: ad.Tensor,
  ) {
    const [n, d] = inputs.shape;
    if (inputs.rank !== 2 || inputs.dtype !== 'float64')
      throw new Error(
        `TwoLayerGradientDescent: inputs must be a float64 [n, d] tensor, got ${inputs.dtype} [${inputs.shape.join(',')}]`,
      );
    if (labels.length !== n)
      throw new Error(`TwoLayerGradientDescent: labels has length ${labels.length}, expected ${n} (one per input)`);
    if (init.weights.shape[1] !== d)
      throw new Error(`TwoLayerGradientDescent: weights must be [m, ${d}], got [${init.weights.shape.join(',')}]`);
    if (!(lr > 0) || !Number.isFinite(lr))
      throw new Error(`TwoLayerGradientDescent: lr must be a positive number, got ${lr}`);
    this.gram = ad.noGrad(() => ad.matmul(inputs, inputs, { transposeB: true }));
    this.labels = ad.tensor(Float64Array.from(labels), { shape: [n], dtype: 'float64' });
    this.signs = init.signs;
    this.lr = lr;
    const preactivations =
      initialPreactivations ?? ad.noGrad(() => ad.matmul(inputs, init.weights, { transposeB: true }));
    const m = init.weights.shape[0];
    if (preactivations.shape[0] !== n || preactivations.shape[1] !== m) {
      throw new Error(
        `TwoLayerGradientDescent: initial pre-activations must be [${n}, ${m}], got [${preactivations.shape.join(',')}]`,
      );
    }
    this.state = {
      step: 0,
      preactivations,
      displacement: ad.zeros([n, m], { dtype: 'float64' }),
      outputs: Float64Array.from(ad.noGrad(() => outputsFromPreactivations(preactivations, init.signs)).data),
    };
  }

  /** ‖y − u(k)‖ at the current step. */
  residualNorm(): number {
    let sum = 0;
    this.state.outputs.forEach((u, i) => {
      sum += (this.labels.data[i] - u) ** 2;
    });
    return Math.sqrt(sum);
  }

  /** One GD step: ∂Φ/∂Z by autodiff, then Z ← Z − ηG∂Φ/∂Z and Δ ← Δ − η∂Φ/∂Z. */
  step(): TwoLayerState {
    const { preactivations, displacement } = this.state;
    const gradient = ad.grad((z: ad.Tensor) => loss(z, this.labels, this.signs))(preactivations);
    const next = ad.noGrad(() => preactivations.sub(this.gram.matmul(gradient).mul(this.lr)));
    this.state = {
      step: this.state.step + 1,
      preactivations: next,
      displacement: ad.noGrad(() => displacement.sub(gradient.mul(this.lr))),
      outputs: Float64Array.from(ad.noGrad(() => outputsFromPreactivations(next, this.signs)).data),
    };
    return this.state;
  }

  /** ‖W(k) − W(0)‖_F = √(tr(ΔᵀGΔ)). */
  distanceFromInit(): number {
    const { displacement } = this.state;
    return Math.sqrt(Math.max(0, ad.noGrad(() => this.gram.matmul(displacement).mul(displacement).sum()).item()));
  }

  /**
   * Outputs on other inputs at the current weights, given their pre-activations at W(0)
   * [t, m] and their inner products with the training inputs [t, n]: X′W(k)ᵀ = X′W(0)ᵀ + (X′Xᵀ)Δ.
   */
  outputsAt(initialPreactivations: ad.Tensor, crossProducts: ad.Tensor): Float64Array {
    return Float64Array.from(
      ad.noGrad(() =>
        outputsFromPreactivations(initialPreactivations.add(crossProducts.matmul(this.state.displacement)), this.signs),
      ).data,
    );
  }

  /** Fraction of (i, r) whose activation 1{w_rᵀx_i ≥ 0} differs from the one at `initialPreactivations`. */
  patternChanges(initialPreactivations: ad.Tensor): number {
    return ad.noGrad(() => this.state.preactivations.ge(0).ne(initialPreactivations.ge(0)).mean()).item();
  }
}
