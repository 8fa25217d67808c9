/**
 * The contrastive losses of Arora, Khandeparkar, Khodak, Plevrakis & Saunshi, "A Theoretical
 * Analysis of Contrastive Unsupervised Representation Learning", ICML 2019 (arXiv 1902.09229),
 * on tensors (for training) and on plain numbers (for the exact expectations of framework.ts).
 * Both losses act on the k margins v_i = f(x)ᵀ(f(x⁺) − f(x⁻_i)) (§2, §5.1):
 *   logistic  ℓ(v) = log₂(1 + Σ_i e^{−v_i})      hinge  ℓ(v) = max(0, 1 + max_i(−v_i)),
 * so ℓ(0) = 1 for both (k = 1), which is what makes the bound L^μ_sup ≤ (L_un − τ)/(1 − τ) read cleanly.
 */
import * as ad from '../../autodiff/index.ts';

/** The two losses of the paper. */
export type ContrastiveLossName = 'logistic' | 'hinge';

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * Margins v[b, i] = f(x_b)ᵀ(f(x⁺_b) − f(x⁻_{b,i})) from anchors [B, d], positives [B, d] and negatives [B, k, d].
 * @example contrastiveMargins(ad.ones([2, 3]), ad.ones([2, 3]), ad.zeros([2, 4, 3])).shape // [2, 4]
 */
export function contrastiveMargins(anchors: ad.Tensor, positives: ad.Tensor, negatives: ad.Tensor): ad.Tensor {
  const [batch, width] = anchors.shape;
  if (
    anchors.rank !== 2 ||
    positives.rank !== 2 ||
    negatives.rank !== 3 ||
    positives.shape[0] !== batch ||
    positives.shape[1] !== width ||
    negatives.shape[0] !== batch ||
    negatives.shape[2] !== width
  ) {
    throw new Error(
      `contrastiveMargins: need anchors [B,d], positives [B,d], negatives [B,k,d]; got ${shapeText(anchors.shape)}, ` +
        `${shapeText(positives.shape)}, ${shapeText(negatives.shape)}`,
    );
  }
  const k = negatives.shape[1];
  const anchorRows = anchors.reshape([batch, 1, width]);
  const positiveScores = anchors.mul(positives).sum(1, true); // [B, 1]
  const negativeScores = anchorRows.mul(negatives).sum(2); // [B, k]
  return positiveScores.broadcastTo([batch, k]).sub(negativeScores);
}

/**
 * Block margins (§6.2): v[b] = f(x_b)ᵀ(mean_j f(x⁺_{b,j}) − mean_j f(x⁻_{b,j})) from anchors [B, d],
 * positives [B, b, d] (one class) and negatives [B, b, d] (one other draw of a class); returns [B, 1].
 * @example blockMargins(ad.ones([2, 3]), ad.ones([2, 4, 3]), ad.zeros([2, 4, 3])).shape // [2, 1]
 */
export function blockMargins(anchors: ad.Tensor, positives: ad.Tensor, negatives: ad.Tensor): ad.Tensor {
  if (positives.rank !== 3 || negatives.rank !== 3 || positives.shape[1] !== negatives.shape[1]) {
    throw new Error(
      `blockMargins: positives and negatives must both be [B,b,d] with the same b, got ${shapeText(positives.shape)} and ${shapeText(negatives.shape)}`,
    );
  }
  const [batch, , width] = positives.shape;
  const meanPositive = positives.mean(1);
  const meanNegative = negatives.mean(1).reshape([batch, 1, width]);
  return contrastiveMargins(anchors, meanPositive, meanNegative);
}

/**
 * Mean over the batch of ℓ(v_b) for margins [B, k]: logistic log₂(1 + Σ_i e^{−v_i}) (computed as a
 * stable logsumexp over [0, −v_1, …, −v_k], divided by ln 2) or hinge max(0, 1 + max_i(−v_i)).
 * @example contrastiveLoss(ad.zeros([5, 1]), 'logistic').item() // 1
 */
export function contrastiveLoss(margins: ad.Tensor, loss: ContrastiveLossName): ad.Tensor {
  if (margins.rank !== 2) throw new Error(`contrastiveLoss: margins must be [B,k], got ${shapeText(margins.shape)}`);
  const [batch] = margins.shape;
  if (loss === 'logistic') {
    const withZero = ad.concat([ad.zeros([batch, 1], { dtype: margins.dtype }), margins.neg()], 1);
    return ad.logsumexp(withZero, 1).mean().div(Math.LN2);
  }
  if (loss === 'hinge') return margins.neg().max(1).add(1).relu().mean();
  throw new Error(`contrastiveLoss: loss must be 'logistic' or 'hinge', got ${JSON.stringify(loss)}`);
}

/**
 * ℓ on one vector of margins, in float64 plain numbers (the same formulas as contrastiveLoss).
 * @example lossOfMargins([0], 'hinge') // 1
 */
export function lossOfMargins(margins: ArrayLike<number>, loss: ContrastiveLossName): number {
  if (margins.length === 0) throw new Error('lossOfMargins: needs at least one margin');
  if (loss === 'hinge') {
    let largest = -Infinity;
    for (let i = 0; i < margins.length; i++) largest = Math.max(largest, -margins[i]);
    return Math.max(0, 1 + largest);
  }
  if (loss !== 'logistic') throw new Error(`lossOfMargins: loss must be 'logistic' or 'hinge', got ${String(loss)}`);
  let shift = 0;
  for (let i = 0; i < margins.length; i++) shift = Math.max(shift, -margins[i]);
  let total = Math.exp(-shift);
  for (let i = 0; i < margins.length; i++) total += Math.exp(-margins[i] - shift);
  return (shift + Math.log(total)) / Math.LN2;
}

/**
 * ℓ of a single margin (k = 1), the hot loop of the exact expectations.
 * @example lossOfMargin(0, 'logistic') // 1
 */
export function lossOfMargin(margin: number, loss: ContrastiveLossName): number {
  if (loss === 'hinge') return Math.max(0, 1 - margin);
  // log₂(1 + e^{−v}) = (max(−v, 0) + log(1 + e^{−|v|}))/ln 2
  return (Math.max(-margin, 0) + Math.log1p(Math.exp(-Math.abs(margin)))) / Math.LN2;
}
