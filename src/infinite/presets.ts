/**
 * The networks of the papers, as layer stacks (layers.ts) whose kernels match the authors'
 * code exactly: the fully connected NTK of Arora et al. 2020 (arXiv 1910.01663) and the CNTK /
 * CNN-GP of Arora et al. 2019 (arXiv 1904.11955), with the "fix" variants. Their recursions,
 * with every convention, are written out once in reference.ts; the tests hold these against it.
 */
import type { Padding } from '../../gpu/infinite.ts';
import { conv, dense, readout, relu, serial, type Layer, type Network } from './layers.ts';

/**
 * A fully connected ReLU network of `depth` dense layers (depth − 1 ReLUs), no bias: 'authors'
 * (their code's K[depth − 1][fixedLayers]: Σ⁰ = XXᵀ, σ_w² = 1) or 'standard' (c_σ = 2: Σ⁰ = XXᵀ/d,
 * σ_w² = 2 after each ReLU), as referenceFullyConnected in reference.ts. The first `fixedLayers`
 * layers are not trained (their term is left out of Θ).
 * @example kernelMatrix(fullyConnected({ depth: 5, normalization: 'authors', fixedLayers: 1 }), features)
 */
export function fullyConnected({
  depth,
  normalization = 'standard',
  fixedLayers = 0,
}: {
  depth: number;
  normalization?: 'standard' | 'authors';
  fixedLayers?: number;
}): Network {
  if (!Number.isInteger(depth) || depth < 1)
    throw new Error(`fullyConnected: depth must be an integer ≥ 1, got ${depth}`);
  if (!Number.isInteger(fixedLayers) || fixedLayers < 0 || fixedLayers > depth)
    throw new Error(`fullyConnected: fixedLayers must be an integer in 0…${depth}, got ${fixedLayers}`);
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
 * and a linear readout, exactly as the authors' code: referenceCntk in reference.ts, whose
 * comment writes out the recursion and its conventions (Σ⁰ summed over channels, Θ⁽¹⁾ = Σ⁽¹⁾,
 * σ_w² = 2 over the 9 positions of a patch, `fix`: first and last layers not trained). As layers:
 * conv(σ_w² = 9), (relu, conv(σ_w² = 2))×(depth − 2), relu, readout, dense(σ_w² = 2/9).
 * @example kernelMatrix(cntk({ depth: 6, readout: 'gap', fix: true }), images).ntk
 */
export function cntk({
  depth,
  readout: kind = 'vanilla',
  fix = false,
  padding = 'zero',
}: {
  depth: number;
  readout?: 'vanilla' | 'gap' | { lap: number };
  fix?: boolean;
  padding?: Padding;
}): Network {
  if (!Number.isInteger(depth) || depth < 2)
    throw new Error(`cntk: depth (conv layers + 1) must be an integer ≥ 2, got ${depth}`);
  const layers: Layer[] = [conv({ weightVariance: 9, padding, trainable: !fix })];
  for (let layer = 2; layer < depth; layer++) layers.push(relu(), conv({ weightVariance: 2, padding }));
  layers.push(relu(), readout(kind), dense({ weightVariance: 2 / 9, trainable: !fix }));
  return { ...serial(...layers), input: 'sum' };
}
