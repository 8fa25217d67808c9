/**
 * Training the representations: contrastively on latent-class tuples (the paper's Algorithm 1,
 * §8: minimize the empirical L_un with the logistic loss; optionally its block version, §6.2),
 * or supervised (cross-entropy through a linear head on f, the paper's supervised baseline);
 * and measuring the bound of Lemma 4.3 on a finite set of represented points.
 */
import {
  collisionProbability,
  contrastiveBound,
  contrastiveLoss,
  contrastiveMargins,
  blockMargins,
  drawContrastiveTuples,
  supervisedMeanLoss,
  unsupervisedLoss,
  type ContrastiveLossName,
} from '../../src/contrastive/index.ts';
import { deriveSeed, Random } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { Adam } from '../../src/optim/index.ts';
import { represent, type Encoder } from './encoders.ts';

/** Options of trainContrastive. */
export interface ContrastiveOptions {
  steps: number;
  batch: number;
  /** k negatives per anchor (ignored with `block`). */
  negatives: number;
  /** Block size b of §6.2. */
  block?: number;
  learningRate: number;
  seed: number;
  loss: ContrastiveLossName;
  /** Call `onCheckpoint` at step 0 and every this many steps (and at the end). */
  checkpointEvery?: number;
}

/**
 * Adam on the contrastive loss over tuples drawn from `groups` (latent classes of input indices);
 * returns the mean training loss of each step.
 * @example trainContrastive(encoder, groups, { steps: 100, batch: 64, negatives: 1, learningRate: 1e-3, seed: 0, loss: 'logistic' })
 */
export function trainContrastive(
  encoder: Encoder,
  groups: readonly (readonly number[])[],
  options: ContrastiveOptions,
  onCheckpoint?: (step: number) => void,
): number[] {
  const { steps, batch, negatives, block, learningRate, seed, loss, checkpointEvery } = options;
  const optimizer = new Adam(encoder.module.parameters(), { lr: learningRate });
  const rng = new Random(deriveSeed(seed, 11));
  const losses: number[] = [];
  const checkpoint = (step: number) => {
    if (onCheckpoint && checkpointEvery && (step % checkpointEvery === 0 || step === steps)) onCheckpoint(step);
  };
  checkpoint(0);
  for (let step = 1; step <= steps; step++) {
    const tuples = drawContrastiveTuples(groups, rng, { batch, negatives, block });
    const perPositive = tuples.positives.length / batch;
    const perNegative = tuples.negatives.length / batch;
    const all = Int32Array.from([...tuples.anchors, ...tuples.positives, ...tuples.negatives]);
    optimizer.zeroGrad();
    const f = encoder.encode(all);
    const width = encoder.width;
    const anchors = f.slice([0, 0], [batch, width]);
    const positives = f.slice([batch, 0], [batch * perPositive, width]);
    const negativeRows = f.slice([batch * (1 + perPositive), 0], [batch * perNegative, width]);
    const margins =
      block === undefined
        ? contrastiveMargins(anchors, positives, negativeRows.reshape([batch, perNegative, width]))
        : blockMargins(
            anchors,
            positives.reshape([batch, perPositive, width]),
            negativeRows.reshape([batch, perNegative, width]),
          );
    const value = contrastiveLoss(margins, loss);
    value.backward();
    optimizer.step();
    losses.push(value.item());
    checkpoint(step);
  }
  return losses;
}

/**
 * The supervised representation: f followed by a linear head to `classes`, trained with
 * cross-entropy on random mini-batches of the labelled inputs (without the head, f itself gives
 * the logits: a linear classifier when f is linear); returns the losses.
 * @example trainSupervised(encoder, labels, 10, { steps: 100, batch: 64, learningRate: 1e-3, seed: 0 })
 */
export function trainSupervised(
  encoder: Encoder,
  labels: Int32Array,
  classes: number,
  { steps, batch, learningRate, seed }: { steps: number; batch: number; learningRate: number; seed: number },
  withHead = true,
): number[] {
  if (!withHead && encoder.width !== classes)
    throw new Error(
      `trainSupervised: without a head the encoder's width ${encoder.width} must be the ${classes} classes`,
    );
  const head = withHead ? new nn.Linear(encoder.width, classes, { seed: deriveSeed(seed, 12) }) : undefined;
  const optimizer = new Adam([...encoder.module.parameters(), ...(head?.parameters() ?? [])], { lr: learningRate });
  const rng = new Random(deriveSeed(seed, 13));
  const losses: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const indices = Int32Array.from({ length: batch }, () => rng.int(labels.length));
    optimizer.zeroGrad();
    const value = nn.crossEntropy(
      head ? head.forward(encoder.encode(indices)) : encoder.encode(indices),
      Array.from(indices, (i) => labels[i]),
    );
    value.backward();
    optimizer.step();
    losses.push(value.item());
  }
  return losses;
}

/** Lemma 4.3 measured on one finite set: τ, L_un, L^μ_sup and the bound (L_un − τ)/(1 − τ). */
export interface BoundMeasurement {
  tau: number;
  unsupervised: number;
  supervised: number;
  bound: number;
}

/**
 * The exact L_un (k = 1) and L^μ_sup of the empirical distribution of `groups` (latent classes of
 * input indices, ρ ∝ class size, D_c uniform on its members) under the encoder's current f.
 * @example measureBound(encoder, groups, 'logistic').bound
 */
export function measureBound(
  encoder: Encoder,
  groups: readonly (readonly number[])[],
  loss: ContrastiveLossName,
): BoundMeasurement {
  const count = Math.max(...groups.flat()) + 1;
  const rows = represent(encoder, count);
  const width = encoder.width;
  const total = groups.reduce((sum, members) => sum + members.length, 0);
  const classes = {
    weights: groups.map((members) => members.length / total),
    points: groups.map((members) => members.map((i) => rows.subarray(i * width, (i + 1) * width))),
  };
  const tau = collisionProbability(classes.weights);
  const unsupervised = unsupervisedLoss(classes, loss);
  return {
    tau,
    unsupervised,
    supervised: supervisedMeanLoss(classes, loss),
    bound: contrastiveBound(unsupervised, tau),
  };
}
