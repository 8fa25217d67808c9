/**
 * Scale-invariant networks for exp-lr (Li & Arora 2020, §2's setting): every trained
 * weight feeds a normalization layer with eps = 0 and frozen affine (γ = 1, β = 0), and
 * the classifier head is a fixed random layer, so L(c·w) = L(w) for every c > 0 and each
 * layer's weights on their own (the paper's Definition of scale invariance).
 *
 * Why eps = 0: BN computes (x − μ)/√(σ² + eps); scaling the incoming weights by c gives
 * (x − μ)/√(σ² + eps/c²), so with eps > 0 the twin (whose weights grow as α^{−t}) sees
 * a different eps, a relative change ≈ eps/(2σ²) ≈ 5e-6 for PyTorch's 1e-5 at unit
 * variance, far above the 1e-9 the equivalence should reach in float64.
 */
import * as ad from '../../autodiff/index.ts';
import * as nn from '../../src/nn/index.ts';

/** Which normalization follows each trained layer. */
export type Normalization = 'batch' | 'layer' | 'group';

/** A scale-invariant MLP: [Linear (no bias) → norm → ReLU] × depth, then a frozen Linear head. */
export interface MlpOptions {
  inputs: number;
  width: number;
  depth: number;
  classes: number;
  seed: number;
  dtype: ad.DType;
  /** Default 'batch'. */
  normalization?: Normalization;
}

function normalizationLayer(kind: Normalization, width: number, dtype: ad.DType): nn.Module {
  const options = { eps: 0, freezeAffine: true, dtype };
  if (kind === 'batch') return new nn.BatchNorm1d(width, options);
  if (kind === 'layer') return new nn.LayerNorm(width, options);
  return new nn.GroupNorm(width % 2 === 0 && width >= 6 ? 2 : 1, width, options); // ≥ 3 values per group (2 would give ±1 whatever w)
}

/**
 * A fixed (frozen) random classifier head, the paper's "last layer fixed" (Hoffer et al. 2018
 * found fixing it harmless): N(0, 1) weights applied as (2/√in)·W·h, no bias.
 */
function frozenHead(inputs: number, classes: number, seed: number, dtype: ad.DType): nn.Linear {
  const head = new nn.Linear(inputs, classes, { seed, dtype, bias: false, parameterization: 'ntk', weightStd: 2 });
  for (const parameter of head.parameters()) parameter.frozen = true;
  return head;
}

/**
 * Builds the scale-invariant MLP (flattening its input).
 * @example scaleInvariantMlp({ inputs: 196, width: 100, depth: 2, classes: 10, seed: 0, dtype: 'float64' })
 */
export function scaleInvariantMlp(options: MlpOptions): nn.Sequential {
  const { inputs, width, depth, classes, seed, dtype, normalization = 'batch' } = options;
  const layers: nn.Module[] = [new nn.Flatten()];
  for (let layer = 0; layer < depth; layer++) {
    layers.push(new nn.Linear(layer === 0 ? inputs : width, width, { seed: seed * 100 + layer, bias: false, dtype }));
    layers.push(normalizationLayer(normalization, width, dtype), new nn.ReLU());
  }
  return new nn.Sequential(...layers, frozenHead(width, classes, seed * 100 + 99, dtype));
}

/**
 * A small scale-invariant conv net for CIFAR-10 (a stand-in for the paper's PreResNet32):
 * [Conv3×3 (no bias) → BN2d → ReLU] with the given channels, stride 2 after the first,
 * then global average pooling and a frozen Linear head.
 * @example scaleInvariantConvNet({ channels: [8, 16, 32], classes: 10, seed: 0, dtype: 'float64' })
 */
export function scaleInvariantConvNet(options: {
  channels: readonly number[];
  classes: number;
  seed: number;
  dtype: ad.DType;
}): nn.Sequential {
  const { channels, classes, seed, dtype } = options;
  const layers: nn.Module[] = [];
  channels.forEach((out, layer) => {
    const conv = new nn.Conv2d(layer === 0 ? 3 : channels[layer - 1], out, 3, {
      seed: seed * 100 + layer,
      bias: false,
      padding: 1,
      stride: layer === 0 ? 1 : 2,
      dtype,
    });
    layers.push(conv, new nn.BatchNorm2d(out, { eps: 0, freezeAffine: true, dtype }), new nn.ReLU());
  });
  return new nn.Sequential(
    ...layers,
    new nn.GlobalAvgPool2d(),
    frozenHead(channels[channels.length - 1], classes, seed * 100 + 99, dtype),
  );
}

/** The trained (not frozen) parameters. @example new SGD(trainedParameters(net), { lr: 0.1 }) */
export function trainedParameters(net: nn.Module): nn.Parameter[] {
  return net.parameters().filter((parameter) => !parameter.frozen);
}

/**
 * ‖w‖, ‖w̃‖ and ‖w − scale·w̃‖/‖w‖ over the trained parameters of two networks of the
 * same architecture (one pass over the storage, no copies).
 * @example compareWeights(net, twin, twinScheduler.scale(t)).gap
 */
export function compareWeights(
  net: nn.Module,
  twin: nn.Module,
  scale: number,
): { norm: number; twinNorm: number; gap: number } {
  const [parameters, twinParameters] = [trainedParameters(net), trainedParameters(twin)];
  let [squares, twinSquares, differences] = [0, 0, 0];
  parameters.forEach((parameter, index) => {
    const [w, other] = [parameter.value.data, twinParameters[index].value.data];
    for (let i = 0; i < w.length; i++) {
      squares += w[i] * w[i];
      twinSquares += other[i] * other[i];
      differences += (w[i] - scale * other[i]) ** 2;
    }
  });
  return { norm: Math.sqrt(squares), twinNorm: Math.sqrt(twinSquares), gap: Math.sqrt(differences / squares) };
}

/** ‖a − b‖/‖a‖ over all elements (Frobenius). @example relativeGap(ad.tensor([1, 0]), ad.tensor([1, 1e-9])) // 1e-9 */
export function relativeGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    difference += (a[i] - b[i]) ** 2;
    norm += a[i] ** 2;
  }
  return Math.sqrt(difference / norm);
}

/**
 * "Precise BN": sets every BatchNorm's running mean and (biased) variance to the statistics
 * of `images` under the current weights, so eval mode on `images` reproduces training mode.
 * These statistics scale exactly with the weights, unlike PyTorch's running average, which
 * mixes statistics of weights of different norms (see summary.md).
 * @example recomputeBatchNormStatistics(net, calibrationImages); net.eval();
 */
export function recomputeBatchNormStatistics(net: nn.Sequential, images: ad.Tensor): void {
  ad.noGrad(() => {
    let x = images;
    for (const layer of net.layers) {
      if (layer instanceof nn.BatchNorm) {
        const axes = x.shape.map((_, axis) => axis).filter((axis) => axis !== 1);
        const mean = x.mean(axes, true);
        layer.runningMean.assign(mean.reshape([layer.numFeatures]));
        layer.runningVariance.assign(x.sub(mean).square().mean(axes).reshape([layer.numFeatures]));
      }
      const training = layer.training;
      layer.eval();
      x = layer.forward(x);
      layer.train(training);
    }
  });
}
