/**
 * The claims table (PAPERS.md §9; [U] = recalled, never deciding). Accuracy comparisons are
 * decided by the paired standard error on the one test set: a difference beyond 2 SE in the
 * claimed direction holds, beyond 2 SE against it fails, and anything inside reads
 * "not resolved". The bound rows can fail: a bound that does not fall with training, stays
 * vacuous (≥ ℓ(0) = 1), or, computed from training data, sits below the held-out L^μ_sup.
 */
import { formatNumber, type Claim } from '../../src/report/index.ts';
import type { Comparison } from './evaluate.ts';
import type { ImageResult } from './experiments-images.ts';
import type { BoundCheckpoint, TextResult } from './experiments-text.ts';

const percent = (value: number) => `${formatNumber(100 * value, 3)}%`;

/** Holds beyond +2 SE, fails beyond −2 SE, else "not resolved". */
export function pairedVerdict(difference: number, standardError: number): boolean | string {
  if (difference > 2 * standardError) return true;
  if (difference < -2 * standardError) return false;
  return 'not resolved';
}

function find(comparisons: readonly Comparison[], a: string, b: string, classifier: 'mean' | 'linear'): Comparison {
  const found = comparisons.find((c) => c.a.startsWith(a) && c.b.startsWith(b) && c.classifier === classifier);
  if (!found) throw new Error(`claims: no comparison of ${a} with ${b} (${classifier} classifier)`);
  return found;
}

function difference(c: Comparison, flip = false): string {
  const sign = flip ? -1 : 1;
  return `${formatNumber(100 * sign * c.difference, 3)} ± ${formatNumber(100 * c.standardError, 2)} points (paired SE)`;
}

/** Rows about the bound measured along training. */
function boundClaims(where: string, checkpoints: readonly BoundCheckpoint[]): Claim[] {
  const first = checkpoints[0];
  const last = checkpoints[checkpoints.length - 1];
  const worstGap = Math.min(...checkpoints.map((c) => c.train.bound - c.test.supervised));
  return [
    {
      claim: `${where}: training lowers both the bound (L_un − τ)/(1 − τ) and the measured L^μ_sup on held-out data, and ends with a non-vacuous bound (< ℓ(0) = 1); "no" if either rises or the bound stays ≥ 1`,
      paper: 'L_un small ⇒ L^μ_sup small (Lemma 4.3 [U])',
      ours: `bound ${formatNumber(first.test.bound, 3)} → ${formatNumber(last.test.bound, 3)}, L^μ_sup ${formatNumber(first.test.supervised, 3)} → ${formatNumber(last.test.supervised, 3)} (τ = ${formatNumber(last.test.tau, 3)})`,
      holds: last.test.bound < first.test.bound && last.test.supervised < first.test.supervised && last.test.bound < 1,
    },
    {
      claim: `${where}: the bound computed from training data's L_un still covers held-out L^μ_sup at every checkpoint (Theorem 4.1 without its generalization term); "no" if held-out L^μ_sup exceeds it anywhere`,
      paper: 'holds up to a generalization term (Theorem 4.1 [U])',
      ours: `smallest margin (train bound − test L^μ_sup) ${formatNumber(worstGap, 3)}`,
      holds: worstGap >= 0,
    },
  ];
}

export function textClaims(result: TextResult): Claim[] {
  const { comparisons, sweep } = result;
  const untrained = find(comparisons, 'contrastive', 'untrained', 'mean');
  const supervisedLinear = find(comparisons, 'contrastive', 'supervised', 'linear');
  const supervisedMean = find(comparisons, 'contrastive', 'supervised', 'mean');
  const raw = find(comparisons, 'contrastive', 'raw', 'mean');
  const block = find(comparisons, 'block', 'contrastive', 'mean');
  const base = sweep[0];
  const best = sweep.slice(1).reduce((a, b) => (b.meanAccuracy > a.meanAccuracy ? b : a), sweep[sweep.length - 1]);
  // Noise of one accuracy difference between two independently trained encoders: the measured seed spread.
  const seedNoise = result.seedSpread.curlMean;
  return [
    {
      claim:
        'AG News: the contrastive representation (pieces of one article as similar pairs) beats the untrained encoder on the 4-topic task (mean classifier)',
      paper: 'CURL learns useful features (§8.1, Wiki-3029 [V])',
      ours: `${percent(result.representations[0].meanAccuracy)}; difference ${difference(untrained)}`,
      holds: pairedVerdict(untrained.difference, untrained.standardError),
    },
    {
      claim:
        'AG News: a supervised representation of the same size beats the contrastive one (linear / mean classifier)',
      paper: 'supervised ahead, CURL close (Table 1 [U])',
      ours: `linear ${difference(supervisedLinear, true)}; mean ${difference(supervisedMean, true)}`,
      holds: pairedVerdict(-supervisedLinear.difference, supervisedLinear.standardError),
    },
    {
      claim: `AG News: the ${result.width}-wide contrastive representation beats the raw bag of words (tf over ${result.vocabulary} words) with the mean classifier`,
      paper: 'n/a (our baseline)',
      ours: difference(raw),
      holds: pairedVerdict(raw.difference, raw.standardError),
    },
    {
      claim:
        'AG News: the block contrastive loss (b = 2 positives and negatives per tuple) beats the standard loss (mean classifier)',
      paper: 'block slightly better (Table 1 [U])',
      ours: difference(block),
      holds: pairedVerdict(block.difference, block.standardError),
    },
    {
      claim: `AG News: more negatives help — the best k > 1 beats k = ${base.negatives} (mean classifier) by more than the seed spread`,
      paper: 'more negatives can help (§5–6, §8 [U])',
      ours: `k = ${base.negatives}: ${percent(base.meanAccuracy)}, k = ${best.negatives}: ${percent(best.meanAccuracy)}; seed spread ${formatNumber(100 * seedNoise, 2)} points`,
      holds:
        best.meanAccuracy - base.meanAccuracy > seedNoise
          ? true
          : best.meanAccuracy - base.meanAccuracy < -seedNoise
            ? false
            : 'not resolved',
    },
    ...boundClaims('AG News (held-out articles as latent classes)', result.checkpoints),
  ];
}

export function imageClaims(result: ImageResult): Claim[] {
  const name = result.dataset === 'mnist' ? 'MNIST' : 'CIFAR-10';
  const untrained = find(result.comparisons, 'contrastive', 'untrained', 'mean');
  const supervisedMean = find(result.comparisons, 'contrastive', 'supervised', 'mean');
  const supervisedLinear = find(result.comparisons, 'contrastive', 'supervised', 'linear');
  const [curl, supervised] = result.representations;
  return [
    {
      claim: `${name}: the contrastive CNN (same-class pairs, k = 1) beats the untrained CNN (mean classifier)`,
      paper: 'CURL learns useful features (§8.2, CIFAR-100 [V])',
      ours: `${percent(curl.meanAccuracy)}; difference ${difference(untrained)}`,
      holds: pairedVerdict(untrained.difference, untrained.standardError),
    },
    {
      claim: `${name}: the supervised representation beats the contrastive one (mean / linear classifier)`,
      paper: 'supervised ahead on CIFAR-100 (Table 1 [U])',
      ours: `mean ${percent(supervised.meanAccuracy)} vs ${percent(curl.meanAccuracy)} (${difference(supervisedMean, true)}); linear ${difference(supervisedLinear, true)}`,
      holds: pairedVerdict(-supervisedMean.difference, supervisedMean.standardError),
    },
    ...boundClaims(name, result.checkpoints),
  ];
}
