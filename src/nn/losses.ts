/**
 * Losses, composed from ops. Each loss takes a `reduction`: 'mean' (default, as PyTorch),
 * 'sum', or 'none' (the per-example losses). softmax and logSoftmax are autodiff's
 * (autodiff/ops/softmax.ts), re-exported by src/nn.
 */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';

/** How per-example losses are combined. */
export type Reduction = 'mean' | 'sum' | 'none';

/** Integer class labels, one per example. */
export type Labels = Int32Array | readonly number[];

function reduce(caller: string, losses: ad.Tensor, reduction: Reduction): ad.Tensor {
  if (reduction === 'mean') return losses.mean();
  if (reduction === 'sum') return losses.sum();
  if (reduction === 'none') return losses;
  throw new Error(`${caller}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(reduction)}`);
}

/** Checks logits [N, K] against N labels in [0, K) and returns the labels as Int32Array. */
function checkLabels(caller: string, logits: ad.Tensor, labels: Labels): Int32Array {
  if (logits.rank !== 2) throw new Error(`${caller}: logits must be [N, K], got ${shapeText(logits.shape)}`);
  const [count, classes] = logits.shape;
  if (labels.length !== count)
    throw new Error(`${caller}: ${labels.length} labels for logits ${shapeText(logits.shape)} (need ${count})`);
  for (let i = 0; i < count; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= classes) {
      throw new Error(`${caller}: label ${labels[i]} at position ${i} is not a class in [0, ${classes})`);
    }
  }
  return labels instanceof Int32Array ? labels : Int32Array.from(labels);
}

/** Targets in {−1, +1} for a margin loss, as a tensor shaped like the scores. */
function signTargets(caller: string, scores: ad.Tensor, targets: ad.Tensor | ArrayLike<number>): ad.Tensor {
  const values = targets instanceof ad.Tensor ? targets.data : targets;
  if (values.length !== scores.size)
    throw new Error(`${caller}: ${values.length} targets for scores ${shapeText(scores.shape)}`);
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 1 && values[i] !== -1)
      throw new Error(`${caller}: target ${values[i]} at position ${i} must be −1 or +1`);
  }
  return ad.tensor(Array.from(values), { shape: scores.shape, dtype: scores.dtype });
}

/**
 * Cross-entropy of logits [N, K] against integer labels: −log softmax(logits)[label].
 * @example crossEntropy(model.forward(images), labels)
 */
export function crossEntropy(
  logits: ad.Tensor,
  labels: Labels,
  { reduction = 'mean' }: { reduction?: Reduction } = {},
): ad.Tensor {
  const checked = checkLabels('crossEntropy', logits, labels);
  const picked = ad.logSoftmax(logits, 1).gather(1, checked, [logits.shape[0], 1]);
  return reduce('crossEntropy', picked.reshape([logits.shape[0]]).neg(), reduction);
}

/**
 * Squared error (prediction − target)², averaged over all elements by default (PyTorch's
 * MSELoss). For the ½Σ(y − f)² of fine-grained (PAPERS.md §1) use reduction 'sum' and halve.
 * @example mseLoss(prediction, target)
 */
export function mseLoss(
  prediction: ad.Tensor,
  target: ad.Tensor,
  { reduction = 'mean' }: { reduction?: Reduction } = {},
): ad.Tensor {
  if (shapeText(prediction.shape) !== shapeText(target.shape)) {
    throw new Error(
      `mseLoss: prediction ${shapeText(prediction.shape)} and target ${shapeText(target.shape)} must have the same shape`,
    );
  }
  return reduce('mseLoss', prediction.sub(target).square(), reduction);
}

/**
 * Logistic loss log(1 + e^{−y·f}) for targets y ∈ {±1}, evaluated without overflow as
 * max(z, 0) + log(1 + e^{−|z|}) with z = −y·f (branches chosen by `where`, so the
 * gradient at z = 0 is the true σ(0) = ½).
 * @example logisticLoss(scores, [1, -1, 1])
 */
export function logisticLoss(
  scores: ad.Tensor,
  targets: ad.Tensor | ArrayLike<number>,
  { reduction = 'mean' }: { reduction?: Reduction } = {},
): ad.Tensor {
  const z = scores.mul(signTargets('logisticLoss', scores, targets)).neg();
  const positive = z.ge(0);
  const magnitude = positive.where(z, z.neg());
  return reduce('logisticLoss', positive.where(z, 0).add(magnitude.neg().exp().add(1).log()), reduction);
}

/**
 * Hinge loss max(0, 1 − y·f) for targets y ∈ {±1}.
 * @example hingeLoss(scores, [1, -1, 1])
 */
export function hingeLoss(
  scores: ad.Tensor,
  targets: ad.Tensor | ArrayLike<number>,
  { reduction = 'mean' }: { reduction?: Reduction } = {},
): ad.Tensor {
  const margins = scores.mul(signTargets('hingeLoss', scores, targets));
  return reduce('hingeLoss', margins.neg().add(1).relu(), reduction);
}

/**
 * Fraction of rows of logits [N, K] whose first maximum is at the label.
 * @example accuracy(ad.tensor([[2, 1], [0, 3]]), [0, 0]) // 0.5
 */
export function accuracy(logits: ad.Tensor, labels: Labels): number {
  const checked = checkLabels('accuracy', logits, labels);
  const predicted = logits.argmax(1).data;
  let correct = 0;
  for (let i = 0; i < checked.length; i++) if (predicted[i] === checked[i]) correct++;
  return checked.length === 0 ? NaN : correct / checked.length;
}
