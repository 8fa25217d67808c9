/**
 * The summary statistics of Arora et al. (ICLR 2020, arXiv 1910.01663, §4, Table 1) over a
 * datasets × classifiers table of accuracies: mean ± standard deviation, Friedman rank (the
 * mean over datasets of each classifier's rank, 1 = most accurate, ties sharing the mean
 * rank), P90/P95 (the share of datasets on which a classifier reaches ≥ 90% / 95% of the
 * best accuracy there), and paired comparisons of two classifiers.
 */

/** Mean and sample standard deviation. */
export function meanAndDeviation(values: readonly number[]): { mean: number; deviation: number } {
  if (values.length === 0) throw new Error('meanAndDeviation: no values');
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, deviation: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0 };
}

/**
 * Mean rank of each column (classifier) over the rows (datasets); higher accuracy ranks first.
 * @example friedmanRanks([[0.9, 0.8], [0.7, 0.7]]) // [1.25, 1.75]
 */
export function friedmanRanks(table: readonly (readonly number[])[]): number[] {
  if (table.length === 0) throw new Error('friedmanRanks: no rows');
  const columns = table[0].length;
  const totals = new Array<number>(columns).fill(0);
  for (const [r, row] of table.entries()) {
    if (row.length !== columns)
      throw new Error(`friedmanRanks: row ${r} has ${row.length} entries, expected ${columns}`);
    for (let c = 0; c < columns; c++) {
      let better = 0;
      let equal = 0;
      for (let o = 0; o < columns; o++) {
        if (row[o] > row[c]) better++;
        else if (row[o] === row[c]) equal++;
      }
      totals[c] += better + (equal + 1) / 2; // ties share the mean of their ranks
    }
  }
  return totals.map((total) => total / table.length);
}

/**
 * The share of rows where `values[r] ≥ fraction · best[r]`.
 * @example shareWithinBest([0.9, 0.5], [1, 1], 0.9) // 0.5
 */
export function shareWithinBest(values: readonly number[], best: readonly number[], fraction: number): number {
  if (values.length !== best.length || values.length === 0)
    throw new Error(`shareWithinBest: need equal non-zero lengths, got ${values.length} and ${best.length}`);
  return values.filter((value, r) => value >= fraction * best[r] - 1e-12).length / values.length;
}

/** Paired comparison of a against b: wins, ties, losses, the mean difference and its standard error. */
export interface PairedComparison {
  wins: number;
  ties: number;
  losses: number;
  meanDifference: number;
  standardError: number;
}

/**
 * Compares a[r] with b[r] row by row.
 * @example pairedComparison([0.9, 0.8], [0.8, 0.8]).wins // 1
 */
export function pairedComparison(a: readonly number[], b: readonly number[]): PairedComparison {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`pairedComparison: need equal non-zero lengths, got ${a.length} and ${b.length}`);
  const differences = a.map((value, r) => value - b[r]);
  const { mean, deviation } = meanAndDeviation(differences);
  return {
    wins: differences.filter((d) => d > 0).length,
    ties: differences.filter((d) => d === 0).length,
    losses: differences.filter((d) => d < 0).length,
    meanDifference: mean,
    standardError: deviation / Math.sqrt(differences.length),
  };
}
