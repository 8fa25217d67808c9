/**
 * Losses of a net on a fixed set, its dropout stability (Kuditipudi et al. 2019, §2,
 * Definition 1: the loss after dropping half the units of every hidden layer and doubling
 * the rest, minus the loss), and the loss along a polyline of parameter vertices.
 */
import * as ad from '../../autodiff/index.ts';
import { crossEntropy } from '../nn/index.ts';
import { forward, hiddenWidths, weightTensors, type Architecture, type Weights } from './network.ts';
import { interpolate, randomHalves } from './path.ts';
import { batchOf, type LabelledSet } from './train.ts';

/** Mean cross-entropy and accuracy of a net on a set. */
export interface Evaluation {
  loss: number;
  accuracy: number;
}

/**
 * Mean cross-entropy and accuracy on `set`, in chunks; `unitScales[l]` ([units]) scales hidden layer l.
 * @example const { loss } = evaluateNet(mlp, weights, testSet);
 */
export function evaluateNet(
  architecture: Architecture,
  weights: Weights,
  set: LabelledSet,
  unitScales?: readonly Float32Array[],
  chunk = 1000,
): Evaluation {
  return ad.noGrad(() => {
    const tensors = weightTensors(architecture, weights);
    const scales = unitScales?.map((scale) => ad.tensor(scale, { shape: [1, scale.length] }));
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < set.count; start += chunk) {
      const indices = Array.from({ length: Math.min(chunk, set.count - start) }, (_, i) => start + i);
      const { input, labels } = batchOf(set, indices);
      const logits = forward(architecture, tensors, input, scales);
      lossSum += crossEntropy(logits, labels, { reduction: 'sum' }).item();
      const predicted = logits.argmax(1).data;
      for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
    }
    return { loss: lossSum / set.count, accuracy: correct / set.count };
  });
}

/** Dropout stability of one net: ε's mean over random halves, their spread, and each half's loss. */
export interface DropoutStability {
  loss: number;
  /** Mean over halves of (loss with half of every hidden layer dropped, the rest ×2) − loss. */
  epsilon: number;
  /** Standard deviation of the per-half excess (how far one half, such as the path's, may stray). */
  spread: number;
  excess: number[];
}

/**
 * ε-dropout stability measured over `halves` random halves (seeded).
 * @example const { epsilon } = dropoutStability(mlp, weights, trainSet, 8, 0);
 */
export function dropoutStability(
  architecture: Architecture,
  weights: Weights,
  set: LabelledSet,
  halves: number,
  seed: number,
): DropoutStability {
  if (!(Number.isInteger(halves) && halves >= 2))
    throw new Error(`dropoutStability: halves must be ≥ 2, got ${halves}`);
  const { loss } = evaluateNet(architecture, weights, set);
  const excess: number[] = [];
  for (let draw = 0; draw < halves; draw++) {
    const kept = randomHalves(hiddenWidths(architecture), seed * 1000 + draw);
    const scales = kept.map((half) => Float32Array.from(half, (k) => 2 * k));
    excess.push(evaluateNet(architecture, weights, set, scales).loss - loss);
  }
  const epsilon = excess.reduce((a, b) => a + b, 0) / halves;
  const spread = Math.sqrt(excess.reduce((a, b) => a + (b - epsilon) ** 2, 0) / (halves - 1));
  return { loss, epsilon, spread, excess };
}

/** The loss along a polyline: position s ∈ [0, segments] (segment k covers [k, k+1]) and the loss there. */
export interface PathProfile {
  position: number[];
  loss: number[];
  accuracy: number[];
}

/**
 * Evaluates the loss at every vertex and at `interior[k]` evenly spaced points inside segment k.
 * @example const profile = pathProfile(mlp, path.vertices, testSet, path.vertices.slice(1).map(() => 4));
 */
export function pathProfile(
  architecture: Architecture,
  vertices: readonly Weights[],
  set: LabelledSet,
  interior: readonly number[],
): PathProfile {
  if (interior.length !== vertices.length - 1)
    throw new Error(`pathProfile: ${interior.length} interior counts for ${vertices.length - 1} segments`);
  const profile: PathProfile = { position: [], loss: [], accuracy: [] };
  const record = (position: number, weights: Weights) => {
    const { loss, accuracy } = evaluateNet(architecture, weights, set);
    profile.position.push(position);
    profile.loss.push(loss);
    profile.accuracy.push(accuracy);
  };
  record(0, vertices[0]);
  for (let k = 0; k < interior.length; k++) {
    for (let i = 1; i <= interior[k]; i++) {
      const t = i / (interior[k] + 1);
      record(k + t, interpolate(vertices[k], vertices[k + 1], t));
    }
    record(k + 1, vertices[k + 1]);
  }
  return profile;
}

/**
 * The barrier of a profile: its maximum loss minus the larger endpoint loss.
 * @example barrier({ position: [0, 0.5, 1], loss: [0.1, 0.5, 0.2], accuracy: [1, 1, 1] }); // 0.3
 */
export function barrier(profile: PathProfile): number {
  const ends = Math.max(profile.loss[0], profile.loss[profile.loss.length - 1]);
  return Math.max(...profile.loss) - ends;
}
