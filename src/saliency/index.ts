/**
 * Saliency maps and their sanity checks, for any classifier given as a logits function:
 * gradient, gradient ⊙ input, competitive gradient ⊙ input (Gupta & Arora 2019, arXiv
 * 1905.12152) and integrated gradients (maps.ts); Spearman and SSIM similarities (similarity.ts);
 * Adebayo et al. 2018's cascading model randomization (randomize.ts).
 * @example
 *   import { competitiveGradientTimesInput, pixelScores } from './src/saliency/index.ts';
 *   const maps = pixelScores(competitiveGradientTimesInput((x) => net.forward(x), images, labels));
 */
export {
  allLabelGradientTimesInput,
  competitionMask,
  competitiveGradientTimesInput,
  gradientMap,
  gradientTimesInput,
  integratedGradients,
  pixelScores,
  type IntegratedGradientsOptions,
  type LabelList,
  type Logits,
} from './maps.ts';
export {
  mapSimilarity,
  pearson,
  ranks,
  scaledMagnitudes,
  spearman,
  ssim,
  type MapSimilarity,
  type SsimOptions,
} from './similarity.ts';
export { cascadingRandomization, randomizedState, type RandomizationStep } from './randomize.ts';
