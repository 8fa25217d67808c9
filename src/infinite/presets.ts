/**
 * The networks of the papers, as layer stacks (layers.ts) whose kernels match the authors'
 * code exactly: the fully connected NTK of Arora et al. 2020 (PAPERS.md §4) and the CNTK /
 * CNN-GP of Arora et al. 2019 (PAPERS.md §8), with the "fix" variants.
 */
import type { Padding } from '../../gpu/infinite.ts';
import { conv, dense, readout, relu, serial, type Layer, type Network } from './layers.ts';

/**
 * A fully connected ReLU network of `depth` dense layers (depth − 1 ReLUs), no bias.
 * - 'authors' (PAPERS.md §4, the authors' NTK code): Σ⁰ = XXᵀ, and each layer
 *   S ← √(ab)·κ1(λ)/2, H ← H·κ0(λ)/2 (+ S): K[depth − 1][fixedLayers] of their code.
 * - 'standard' (c_σ = 2): Σ⁰ = XXᵀ/d, σ_w² = 2 after each ReLU, so Σ(x, x) = ‖x‖²/d at every layer.
 * The first `fixedLayers` layers are not trained (their term is left out of Θ).
 * @example kernelMatrix(fullyConnected({ depth: 5, normalization: 'authors', fixedLayers: 1 }), features)
 */
export function fullyConnected({ depth, normalization = 'standard', fixedLayers = 0 }: { depth: number; normalization?: 'standard' | 'authors'; fixedLayers?: number }): Network {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`fullyConnected: depth must be an integer ≥ 1, got ${depth}`);
  if (!Number.isInteger(fixedLayers) || fixedLayers < 0 || fixedLayers > depth) throw new Error(`fullyConnected: fixedLayers must be an integer in 0…${depth}, got ${fixedLayers}`);
  const layers: Layer[] = [];
  for (let layer = 0; layer < depth; layer++) {
    if (layer > 0) layers.push(relu());
    const weightVariance = normalization === 'authors' || layer === 0 ? 1 : 2;
    layers.push(dense({ weightVariance, trainable: layer >= fixedLayers }));
  }
  return { ...serial(...layers), input: normalization === 'authors' ? 'sum' : 'mean' };
}

/**
 * The CNTK (Θ) and CNN-GP (Σ) of a CNN of depth − 1 3×3 convolutions (depth = conv layers + 1)
 * and a linear readout, exactly as the authors' code (PAPERS.md §8): Σ⁰ = Σ_c x_c·x′_c,
 * Σ⁽¹⁾ = P(Σ⁰) = Θ⁽¹⁾, then K = √(ab)·κ1(λ)/9, K̇ = κ0(λ)/9, Θ ← P(Θ⊙K̇ + K), Σ ← P(K),
 * and Θ⁽ᴸ⁾ = readout(Θ⊙K̇ + K). `fix`: the first and last layers are not trained (Θ⁽¹⁾ = 0,
 * the final K left out).
 * @example kernelMatrix(cntk({ depth: 6, readout: 'gap', fix: true }), images).ntk
 */
export function cntk({ depth, readout: kind = 'vanilla', fix = false, padding = 'zero' }: { depth: number; readout?: 'vanilla' | 'gap' | { lap: number }; fix?: boolean; padding?: Padding }): Network {
  if (!Number.isInteger(depth) || depth < 2) throw new Error(`cntk: depth (conv layers + 1) must be an integer ≥ 2, got ${depth}`);
  const layers: Layer[] = [conv({ weightVariance: 9, padding, trainable: !fix })];
  for (let layer = 2; layer < depth; layer++) layers.push(relu(), conv({ weightVariance: 2, padding }));
  layers.push(relu(), readout(kind), dense({ weightVariance: 2 / 9, trainable: !fix }));
  return { ...serial(...layers), input: 'sum' };
}
