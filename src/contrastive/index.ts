/**
 * Contrastive unsupervised representation learning in the framework of Arora, Khandeparkar,
 * Khodak, Plevrakis & Saunshi, ICML 2019 (arXiv 1902.09229): the logistic and hinge contrastive
 * losses (standard and block), drawing training tuples from latent classes, the exact
 * expectations of a finite latent-class distribution (L_un, L^μ_sup, τ and the bound), and
 * evaluating a representation with the mean classifier and a linear classifier.
 * @example
 *   import { contrastiveMargins, contrastiveLoss } from './src/contrastive/index.ts';
 *   const loss = contrastiveLoss(contrastiveMargins(fx, fxPositive, fxNegatives), 'logistic');
 */
export {
  blockMargins,
  contrastiveLoss,
  contrastiveMargins,
  lossOfMargin,
  lossOfMargins,
  type ContrastiveLossName,
} from './losses.ts';
export {
  blockUnsupervisedLoss,
  collisionProbability,
  contrastiveBound,
  meanClassifier,
  supervisedMeanLoss,
  unsupervisedLoss,
  type RepresentedClasses,
} from './framework.ts';
export { drawContrastiveTuples, groupByLabel, type ContrastiveTuples, type TupleOptions } from './sampling.ts';
export {
  classMeans,
  fewShotMeanAccuracy,
  linearClassifierScores,
  meanClassifierScores,
  pairedStandardError,
  scoreLinear,
  type ClassifierScores,
  type LabelledRepresentations,
  type LinearProbeOptions,
} from './evaluation.ts';
