/**
 * The claims table (Kuditipudi et al. 2019, Theorem 1 and §5). Every threshold comes from
 * measured noise: `spread` is the standard deviation of one random half's dropout excess
 * (the path uses one half per net), and the seed noise of a keep probability is half the
 * difference between its two nets. A difference inside two standard errors reads "not resolved".
 */
import { formatNumber, type Claim } from '../../src/report/index.ts';
import type { FamilyResult, PairResult } from './experiments.ts';

const f = (value: number) => formatNumber(value, 2);

/** The mean ε of a pair and its standard error (seed difference and the halves' sampling). */
export function meanEpsilon(pair: PairResult): { mean: number; standardError: number } {
  const [a, b] = pair.stability;
  const seed = Math.abs(a.epsilon - b.epsilon) / 2;
  const halves = Math.sqrt(a.spread ** 2 / a.excess.length + b.spread ** 2 / b.excess.length) / 2;
  return { mean: (a.epsilon + b.epsilon) / 2, standardError: Math.hypot(seed, halves) };
}

/** "yes" when `difference` > 2·SE, "no" when below −2·SE, else "not resolved". */
function verdict(difference: number, standardError: number): boolean | string {
  if (difference > 2 * standardError) return true;
  if (difference < -2 * standardError) return false;
  return 'not resolved';
}

/** The pair trained with the most dropout (smallest keep) and the pair without dropout. */
export function extremes(family: FamilyResult): { dropout: PairResult; plain: PairResult } {
  const sorted = [...family.pairs].sort((a, b) => a.keep - b.keep);
  return { dropout: sorted[0], plain: sorted[sorted.length - 1] };
}

/** Claims of one family of nets. */
function familyClaims(family: FamilyResult): Claim[] {
  const { dropout, plain } = extremes(family);
  const paths = family.pairs.flatMap((pair) => pair.path.barriers.map((value) => ({ pair, value })));
  const within = paths.filter(({ pair, value }) => value <= pair.epsilon + 2 * pair.spread);
  const perKeep = family.pairs
    .map(
      (pair) => `keep ${pair.keep}: ${f(Math.max(...pair.path.barriers))} vs ${f(pair.epsilon)} + 2·${f(pair.spread)}`,
    )
    .join('; ');
  const lineGap = dropout.line.barrier - dropout.path.meanBarrier;
  const epsilonPlain = meanEpsilon(plain);
  const epsilonDropout = meanEpsilon(dropout);
  const epsilonError = Math.hypot(epsilonPlain.standardError, epsilonDropout.standardError);
  // The barrier's noise: its sampling over halves (measured) and the seed noise of the nets (as ε's).
  const barrierError = Math.hypot(
    plain.path.barrierError,
    dropout.path.barrierError,
    epsilonPlain.standardError,
    epsilonDropout.standardError,
  );
  return [
    {
      claim: `${family.name}: every constructed path's barrier ≤ ε + 2·(one half's spread), all keeps (no if any path exceeds it)`,
      paper: 'barrier ≤ ε',
      ours: `${within.length}/${paths.length} paths (largest: ${perKeep})`,
      holds: within.length === paths.length,
    },
    {
      claim: `${family.name}, keep ${dropout.keep}: the straight line's barrier exceeds the constructed paths' mean by > 2·spread (no if it is lower)`,
      paper: 'clear barrier on the line',
      ours: `line ${f(dropout.line.barrier)} vs path ${f(dropout.path.meanBarrier)} (2·spread ${f(2 * dropout.spread)})`,
      holds: verdict(lineGap, dropout.spread),
    },
    {
      claim: `${family.name}: without dropout ε is larger than at keep ${dropout.keep} (no if smaller by > 2 SE)`,
      paper: 'dropout training → more stable',
      ours: `${f(epsilonPlain.mean)} vs ${f(epsilonDropout.mean)} (SE ${f(epsilonError)})`,
      holds: verdict(epsilonPlain.mean - epsilonDropout.mean, epsilonError),
    },
    {
      claim: `${family.name}: without dropout the constructed paths' mean barrier is larger than at keep ${dropout.keep} (no if smaller by > 2 SE)`,
      paper: 'worse path without dropout',
      ours: `${f(plain.path.meanBarrier)} vs ${f(dropout.path.meanBarrier)} (SE ${f(barrierError)})`,
      holds: verdict(plain.path.meanBarrier - dropout.path.meanBarrier, barrierError),
    },
  ];
}

/**
 * Every claim of the run: per family, then the inner-segment row over all pairs.
 * @example const claims = connectivityClaims(families);
 */
export function connectivityClaims(families: readonly FamilyResult[]): Claim[] {
  const pairs = families.flatMap((family) => family.pairs);
  // Output-linear and constant segments cannot exceed their vertices (convexity; tested). The
  // rescaling of an inner layer can: this row is the empirical part of the deep construction.
  const exceeding = pairs.filter((pair) => pair.path.barrier > pair.vertexBarrier + 1e-6);
  const worst = Math.max(...pairs.map((pair) => pair.path.barrier - pair.vertexBarrier));
  return [
    ...families.flatMap(familyClaims),
    {
      claim:
        'inner-layer rescaling segments never rise above the path’s vertices (no if any pair’s maximum is inside a segment)',
      paper: 'loss ≤ max at the dropout nets',
      ours: `${pairs.length - exceeding.length}/${pairs.length} pairs (largest excess ${f(Math.max(0, worst))})`,
      holds: exceeding.length === 0,
    },
  ];
}
