/**
 * The Gram matrix H∞ of Arora, Du, Hu, Li & Wang (ICML 2019, §3): for a two-layer ReLU net
 * f(x) = (1/√m) Σ_r a_r σ(w_rᵀx) trained on its first layer, the kernel of the training
 * dynamics at infinite width,
 *   H∞_ij = E_{w∼N(0,I)}[x_iᵀx_j · 1{wᵀx_i ≥ 0, wᵀx_j ≥ 0}] = x_iᵀx_j (π − arccos cos θ_ij)/(2π),
 * θ_ij the angle between x_i and x_j (for unit-norm inputs cos θ_ij = x_iᵀx_j, the paper's form);
 * and its finite-width version H(W)_ij = (x_iᵀx_j/m) Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0}, which is
 * the paper's H(k) at the weights W(k) and, for W drawn from N(0, I), a Monte-Carlo estimate of H∞.
 * Layout: inputs are row-major [n, d] tensors (one example per row), results n×n linalg matrices.
 */
import * as ad from '../../autodiff/index.ts';
import type { Matrix } from '../../src/linalg/index.ts';

function checkInputs(functionName: string, inputs: ad.Tensor): void {
  if (!(inputs instanceof ad.Tensor) || inputs.rank !== 2 || inputs.shape[0] === 0 || inputs.shape[1] === 0) {
    throw new Error(
      `${functionName}: inputs must be a non-empty [n, d] tensor, got ${inputs instanceof ad.Tensor ? `[${inputs.shape.join(',')}]` : typeof inputs}`,
    );
  }
}

/** The n×n matrix X Xᵀ of inner products, in float64. */
function innerProducts(inputs: ad.Tensor): Float64Array {
  const x = inputs.dtype === 'float64' ? inputs : inputs.cast('float64');
  return Float64Array.from(ad.noGrad(() => ad.matmul(x, x, { transposeB: true })).data);
}

/**
 * H∞ in closed form (paper §3); the cosine is clamped to [−1, 1] so that the diagonal never
 * yields NaN, and an all-zero input gives a zero row. Entries of (anti)parallel pairs carry an
 * error of order √ε (arccos's slope is infinite at ±1), elsewhere of order ε.
 * @example gramInfinity(ad.tensor([[1, 0], [0, 1]], { dtype: 'float64' })).data // [0.5, 0, 0, 0.5]
 */
export function gramInfinity(inputs: ad.Tensor): Matrix {
  checkInputs('gramInfinity', inputs);
  const n = inputs.shape[0];
  const products = innerProducts(inputs);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const norms = Math.sqrt(products[i * n + i] * products[j * n + j]);
      if (norms === 0) continue;
      const cosine = Math.min(1, Math.max(-1, products[i * n + j] / norms));
      data[i * n + j] = (products[i * n + j] * (Math.PI - Math.acos(cosine))) / (2 * Math.PI);
    }
  }
  return { rows: n, cols: n, data };
}

/**
 * H(W)_ij = (x_iᵀx_j/m) Σ_r 1{w_rᵀx_i ≥ 0, w_rᵀx_j ≥ 0} for first-layer weights W [m, d]
 * (the paper's H(k) at W = W(k)); computed as XXᵀ ⊙ (S Sᵀ)/m with the pattern S = 1{X Wᵀ ≥ 0}.
 * @example gramAtWeights(inputs, network.weights)
 */
export function gramAtWeights(inputs: ad.Tensor, weights: ad.Tensor): Matrix {
  checkInputs('gramAtWeights', inputs);
  if (
    !(weights instanceof ad.Tensor) ||
    weights.rank !== 2 ||
    weights.shape[1] !== inputs.shape[1] ||
    weights.shape[0] === 0
  ) {
    throw new Error(
      `gramAtWeights: weights must be [m, ${inputs.shape[1]}] for inputs [${inputs.shape.join(',')}], got [${weights.shape.join(',')}]`,
    );
  }
  const n = inputs.shape[0];
  const m = weights.shape[0];
  const x = inputs.dtype === 'float64' ? inputs : inputs.cast('float64');
  const pattern = ad.noGrad(() =>
    ad.matmul(x, weights.dtype === 'float64' ? weights : weights.cast('float64'), { transposeB: true }).ge(0),
  );
  const coincidences = ad.noGrad(() => ad.matmul(pattern, pattern, { transposeB: true })).data;
  const products = innerProducts(x);
  const data = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) data[k] = (products[k] * coincidences[k]) / m;
  return { rows: n, cols: n, data };
}

/**
 * A Monte-Carlo estimate of H∞: H(W) for `samples` rows w_r ∼ N(0, I) drawn with `seed`.
 * Entry (i, j) is x_iᵀx_j times a mean of `samples` Bernoulli(p_ij) draws, p_ij = (π − θ_ij)/(2π),
 * so its standard error is |x_iᵀx_j|·√(p_ij(1 − p_ij)/samples) ≤ |x_iᵀx_j|/(2√samples).
 * @example gramMonteCarlo(inputs, 100000, 0)
 */
export function gramMonteCarlo(inputs: ad.Tensor, samples: number, seed: number): Matrix {
  checkInputs('gramMonteCarlo', inputs);
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`gramMonteCarlo: samples must be a positive integer, got ${samples}`);
  return gramAtWeights(inputs, ad.randomNormal([samples, inputs.shape[1]], { seed, dtype: 'float64' }));
}
