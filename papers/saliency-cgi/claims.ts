/**
 * The claims table: for each dataset, the models are what the tests need (a trained CNN, a model
 * that fits permuted labels but not the test set), then Gupta & Arora's claim that CGI passes
 * Adebayo et al.'s sanity checks while gradient ⊙ input does not, decided by paired differences
 * of Spearman rank correlations over the fixed saliency images (PAPERS.md §6).
 */
import type { Claim } from '../../src/report/index.ts';
import type { DatasetConfig } from './config.ts';
import type { DatasetResult, Method } from './experiments.ts';
import { accuracyError, DECIDING_ERRORS, formatMean, meanWithError, pairedDifference, verdict } from './statistics.ts';

const datasetNames = { mnist: 'MNIST', cifar: 'CIFAR-10' } as const;
const CHANCE = 0.1;

/** CGI's similarity to the trained maps against gradient ⊙ input's, paired over images. */
function lowerSimilarity(
  what: string,
  paper: string,
  cgi: number[],
  gradientTimesInput: number[],
  images: number,
): Claim {
  const difference = pairedDifference(gradientTimesInput, cgi);
  return {
    claim:
      `${what}: CGI's maps change more than gradient ⊙ input's (Spearman of |maps| with the trained model's, ${images} images; ` +
      `"no" if CGI's is higher by > ${DECIDING_ERRORS} paired SE)`,
    paper,
    ours: `CGI ${formatMean(meanWithError(cgi))}, G⊙I ${formatMean(meanWithError(gradientTimesInput))} (difference ${formatMean(difference)})`,
    holds: verdict(difference),
  };
}

/**
 * The claims of one dataset.
 * @example datasetClaims(result, config.mnist)
 */
export function datasetClaims(result: DatasetResult, config: DatasetConfig): Claim[] {
  const name = datasetNames[result.name];
  const { accuracy } = result;
  const last = result.steps.length - 1;
  const at = (method: Method, step: number) => result.cascade[method][step].spearmanAbsolute;
  const testError = accuracyError(CHANCE, config.testImages);
  const trainError = accuracyError(CHANCE, config.randomLabelImages);
  const randomFits = accuracy.randomLabelTrain - CHANCE > 3 * trainError;
  // It must not have learned the true labels: test accuracy not above chance (below is allowed).
  const randomNotLearned = accuracy.randomLabelTest - CHANCE < 3 * testError;
  const inputCorrelation = (method: Method) => result.inputCorrelation[method][last];
  const aboveInput = pairedDifference(inputCorrelation('gradientTimesInput'), inputCorrelation('cgi'));
  const gradientTimesInputCorrelation = meanWithError(inputCorrelation('gradientTimesInput'));
  const images = at('cgi', 0).length;
  const recalled = "CGI maps change, G⊙I maps keep the input's outline (Gupta & Arora Figs. 2–4, recalled [U])";
  return [
    {
      claim: `${name}: the CNN learns (test accuracy on ${config.testImages} images; "no" if within 3 SE of chance, 10%)`,
      paper: 'a trained net (the paper reports no accuracy)',
      ours: `${(100 * accuracy.test).toFixed(1)}%`,
      holds: accuracy.test - CHANCE > 3 * accuracyError(CHANCE, config.testImages),
    },
    {
      claim:
        `${name}: the random-label model fits its ${config.randomLabelImages} permuted training labels above chance ` +
        `but not the true test labels (test accuracy not above chance, 10%; both judged by 3 binomial SE)`,
      paper: 'fits random labels (Adebayo et al. §3.2 [U])',
      ours: `train (permuted labels) ${(100 * accuracy.randomLabelTrain).toFixed(1)}%, test ${(100 * accuracy.randomLabelTest).toFixed(1)}%`,
      holds: randomFits && randomNotLearned,
    },
    lowerSimilarity(`${name}, logit layer randomized`, recalled, at('cgi', 1), at('gradientTimesInput', 1), images),
    lowerSimilarity(
      `${name}, all layers randomized`,
      recalled,
      at('cgi', last),
      at('gradientTimesInput', last),
      images,
    ),
    lowerSimilarity(
      `${name}, random-label model`,
      recalled,
      result.randomLabel.cgi.spearmanAbsolute,
      result.randomLabel.gradientTimesInput.spearmanAbsolute,
      images,
    ),
    {
      claim:
        `${name}, all layers randomized: gradient ⊙ input stays correlated with the input (Spearman of |map| with Σ_c|x_c|), ` +
        `more than CGI ("no" if not above CGI's by ${DECIDING_ERRORS} paired SE, or not above 0)`,
      paper: 'G⊙I ≈ input after randomization (Adebayo et al. Fig. 2 [U]); CGI not',
      ours: `G⊙I ${formatMean(gradientTimesInputCorrelation)}, CGI ${formatMean(meanWithError(inputCorrelation('cgi')))}`,
      holds:
        gradientTimesInputCorrelation.mean <= DECIDING_ERRORS * gradientTimesInputCorrelation.standardError
          ? false
          : verdict(aboveInput),
    },
  ];
}
