/**
 * Plain minibatch SGD on a bias-free net (network.ts), with optional dropout on every hidden
 * layer's units, as in the official code of Kuditipudi et al. 2019 (SGD, learning rate 0.1,
 * batch 64; keep probability `keep`, inverted dropout: kept units ×1/keep).
 */
import * as ad from '../../autodiff/index.ts';
import { Random } from '../../gpu/random.ts';
import { crossEntropy } from '../nn/index.ts';
import { forward, hiddenWidths, initialWeights, weightTensors, type Architecture, type Weights } from './network.ts';

/** Training options; everything random derives from `seed`. */
export interface TrainOptions {
  steps: number;
  batch: number;
  learningRate: number;
  /** Keep probability of dropout on hidden units during training; 1 means no dropout. */
  keep: number;
  seed: number;
}

/** A labelled set: example-major images and integer labels. */
export interface LabelledSet {
  images: Float32Array;
  shape: number[];
  labels: Int32Array;
  count: number;
}

/** Examples `indices` of a set as a batch tensor [n, …shape] and its labels. */
export function batchOf(set: LabelledSet, indices: ArrayLike<number>): { input: ad.Tensor; labels: Int32Array } {
  const size = set.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    values.set(set.images.subarray(indices[i] * size, (indices[i] + 1) * size), i * size);
    labels[i] = set.labels[indices[i]];
  }
  return { input: ad.tensor(values, { shape: [indices.length, ...set.shape] }), labels };
}

/** Per-example dropout scales [n, units]: 0 with probability 1 − keep, else 1/keep. */
function dropoutScales(rows: number, units: number, keep: number, random: Random): ad.Tensor {
  const values = new Float32Array(rows * units);
  for (let i = 0; i < values.length; i++) values[i] = random.uniform() < keep ? 1 / keep : 0;
  return ad.tensor(values, { shape: [rows, units] });
}

/**
 * Trains from He-normal initial weights (seeded) and returns the weights.
 * @example const weights = trainNet(mlp, mnist, { steps: 500, batch: 64, learningRate: 0.1, keep: 0.5, seed: 0 });
 */
export function trainNet(architecture: Architecture, set: LabelledSet, options: TrainOptions): Weights {
  const { steps, batch, learningRate, keep, seed } = options;
  if (!(keep > 0 && keep <= 1)) throw new Error(`trainNet: keep must be in (0, 1], got ${keep}`);
  if (!(batch >= 1 && batch <= set.count)) throw new Error(`trainNet: batch ${batch} for ${set.count} examples`);
  const random = new Random(seed * 7919 + 17);
  const widths = hiddenWidths(architecture);
  let weights = weightTensors(architecture, initialWeights(architecture, seed));
  const argnums = weights.map((_, index) => index);
  for (let step = 0; step < steps; step++) {
    const indices = Array.from({ length: batch }, () => Math.floor(random.uniform() * set.count));
    const { input, labels } = batchOf(set, indices);
    const scales = keep < 1 ? widths.map((units) => dropoutScales(batch, units, keep, random)) : undefined;
    const loss = (...w: ad.Tensor[]) => crossEntropy(forward(architecture, w, input, scales), labels);
    const [, grads] = ad.valueAndGrad(loss, argnums)(...weights);
    weights = weights.map((w, index) => w.sub(grads[index].mul(learningRate)).detach());
  }
  return weights.map((w) => Float32Array.from(w.data as Float32Array));
}
