/**
 * The paper's model (Zhang et al. 2020, §3): a two-layer ReLU net near initialization,
 *   f_W(x) = (1/√m) Σ_r a_r σ(⟨w_r, x⟩ + b_r),  σ = ReLU,
 * with the output signs a_r ∈ {±1} fixed and the first layer (W, b) trained. We use the NTK scaling
 * of Du et al. (2019): w_r(0) ∼ N(0, I_d), b_r(0) ∼ N(0, 1); the paper's own constants [U] may
 * differ, but only the scaling's exponents matter for the width trends measured here. The signs come
 * in ± pairs with the same (w_r, b_r) at init, so f_{W₀} ≡ 0 (the symmetric initialization).
 */
import * as ad from '../../autodiff/index.ts';
import { Module } from '../../src/nn/index.ts';

/** The two-layer net as a src/nn Module (parameters `weight` [m, d] and `bias` [m]; buffer `signs` [m, 1]). */
export class TwoLayerReLU extends Module {
  readonly weight;
  readonly bias;
  readonly signs;
  readonly width: number;

  /**
   * A net of even width m on d inputs, float64, drawn from `seed`.
   * @example new TwoLayerReLU({ inputs: 10, width: 256, seed: 0 }).forward(ad.zeros([4, 10], { dtype: 'float64' }))
   */
  constructor(options: { inputs: number; width: number; seed: number }) {
    super();
    const { inputs, width, seed } = options;
    if (!Number.isInteger(inputs) || inputs < 1)
      throw new Error(`TwoLayerReLU: inputs must be a positive integer, got ${inputs}`);
    if (!Number.isInteger(width) || width < 2 || width % 2 !== 0)
      throw new Error(`TwoLayerReLU: width must be an even integer ≥ 2 (± pairs), got ${width}`);
    const half = width / 2;
    const w = ad.randomNormal([half, inputs], { seed, dtype: 'float64' });
    const b = ad.randomNormal([half], { seed: seed + 1, dtype: 'float64' });
    this.width = width;
    this.weight = this.addParameter('weight', ad.concat([w, w], 0));
    this.bias = this.addParameter('bias', ad.concat([b, b], 0));
    const signs = new Float64Array(width).map((_, r) => (r < half ? 1 : -1));
    this.signs = this.addBuffer('signs', ad.tensor(signs, { shape: [width, 1], dtype: 'float64' }));
  }

  /** f_W(x) [n] for inputs [n, d]. */
  forward(inputs: ad.Tensor): ad.Tensor {
    const d = this.weight.value.shape[1];
    if (inputs.rank !== 2 || inputs.shape[1] !== d)
      throw new Error(`TwoLayerReLU.forward: inputs must be [n, ${d}], got [${inputs.shape.join(',')}]`);
    const hidden = ad.matmul(inputs, this.weight.value, { transposeB: true }).add(this.bias.value).relu();
    return hidden.matmul(this.signs.value).reshape([inputs.shape[0]]).div(Math.sqrt(this.width));
  }

  /** The first-layer parameters (W, b) as one matrix [m, d + 1]. */
  firstLayer(): ad.Tensor {
    return ad.concat([this.weight.value, this.bias.value.reshape([this.width, 1])], 1);
  }
}
