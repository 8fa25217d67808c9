/**
 * The claim rows of enhanced-cntk (PAPERS.md §3). Each compares two variants on the same test
 * images by a paired difference of accuracies: "yes" beyond two standard errors, "no" below
 * minus two (the paper's direction reversed), "not resolved" between. The window c* the rows
 * use is fixed in config.ts before the run, not picked on the test set.
 */
import {
  pairedDifference,
  type PairedDifference,
  type RegressionOutcome,
} from '../../src/kernel-methods/kernel-regression.ts';
import type { Claim } from '../../src/report/index.ts';
import { outcomeAt, type KernelName, type SweepResult } from './sweep.ts';

const points = (value: number) => (100 * value).toFixed(1);
const describe = (d: PairedDifference, first: RegressionOutcome, second: RegressionOutcome) =>
  `${d.difference >= 0 ? '+' : ''}${points(d.difference)} ± ${points(d.standardError)} pt (${points(second.accuracy)}% → ${points(first.accuracy)}%)`;

/**
 * The verdict of a difference that the paper says is positive: yes beyond two standard errors,
 * no below minus two, "not resolved" between (DESIGN.md: a difference within noise).
 * @example verdict({ difference: 0.01, standardError: 0.02 }) // 'not resolved'
 */
export function verdict({ difference, standardError }: PairedDifference): boolean | string {
  if (difference > 2 * standardError) return true;
  if (difference < -2 * standardError) return false;
  return 'not resolved';
}

/** A claim row with the paired difference it was decided on and the test images behind it. */
export interface Comparison {
  claim: Claim;
  difference: PairedDifference;
  test: number;
}

/** One row: `first` better than `second` on the same images. */
function comparison(claim: string, paper: string, first: RegressionOutcome, second: RegressionOutcome): Comparison {
  const d = pairedDifference(first, second);
  return {
    claim: { claim, paper, ours: describe(d, first, second), holds: verdict(d) },
    difference: d,
    test: first.correct.length,
  };
}

/**
 * Test images at which two standard errors of this paired difference would fall to its size,
 * if the difference held: a standard error falls as 1/√(test images), so the count scales by
 * (2·s.e./|difference|)². Infinity for a zero difference.
 * @example testImagesToResolve({ difference: 0.01, standardError: 0.01 }, 1000) // 4000
 */
export function testImagesToResolve({ difference, standardError }: PairedDifference, test: number): number {
  return difference === 0 ? Infinity : Math.ceil(test * ((2 * standardError) / difference) ** 2);
}

/** The sets of a run: CIFAR-10 plain and through random patches, Fashion-MNIST. */
export interface RunSweeps {
  cifar: SweepResult;
  patches: SweepResult;
  fashion: SweepResult;
}

/**
 * The rows: LAP against vanilla and against the full window, flip and random patches on top
 * (CIFAR-10), and LAP and flip on Fashion-MNIST; each with its paired difference.
 * @example comparisonsOf(sweeps, { cifar: 2, fashion: 2 }).length // 11
 */
export function comparisonsOf(sweeps: RunSweeps, windows: { cifar: number; fashion: number }): Comparison[] {
  const { cifar, patches, fashion } = sweeps;
  const c = windows.cifar;
  const full = cifar.windows.at(-1)!;
  const at = (result: SweepResult, kernel: KernelName, flip: boolean, window: number) =>
    outcomeAt(result, kernel, flip, window);
  const where = (result: SweepResult) => `${result.label}, ${result.train} train / ${result.test} test`;
  const rows: Comparison[] = [];
  for (const kernel of ['CNTK', 'CNN-GP'] as const)
    rows.push(
      comparison(
        `${kernel}: LAP(c = ${c}) beats vanilla (c = 0); ${where(cifar)}; no if below −2 s.e.`,
        'accuracy rises from c = 0 (§6; PAPERS.md §3)',
        at(cifar, kernel, false, c),
        at(cifar, kernel, false, 0),
      ),
    );
  for (const kernel of ['CNTK', 'CNN-GP'] as const)
    rows.push(
      comparison(
        `${kernel}: LAP(c = ${c}) beats the full window (c = ${full}, GAP up to a constant): a peak at an intermediate c; no if GAP is ahead by 2 s.e.`,
        'peaks at an intermediate c, above GAP (§6)',
        at(cifar, kernel, false, c),
        at(cifar, kernel, false, full),
      ),
    );
  for (const kernel of ['CNN-GP', 'CNTK'] as const)
    rows.push(
      comparison(
        `${kernel} + LAP(c = ${c}): flip averaging adds on top; same images; no if below −2 s.e.`,
        'flip adds on top (the 89% kernel uses it; abstract)',
        at(cifar, kernel, true, c),
        at(cifar, kernel, false, c),
      ),
    );
  for (const kernel of ['CNN-GP', 'CNTK'] as const)
    rows.push(
      comparison(
        `${kernel} + LAP(c = ${c}) + flip: the random-patch input (${patches.label}) beats the plain one; no if below −2 s.e.`,
        '89% with random patches vs ≈ 78% without (abstract)',
        at(patches, kernel, true, c),
        at(cifar, kernel, true, c),
      ),
    );
  const f = windows.fashion;
  for (const kernel of ['CNTK', 'CNN-GP'] as const)
    rows.push(
      comparison(
        `Fashion-MNIST, ${kernel}: LAP(c = ${f}) beats vanilla; ${where(fashion)}; no if below −2 s.e.`,
        '"similar improvements" (abstract; numbers recalled only)',
        at(fashion, kernel, false, f),
        at(fashion, kernel, false, 0),
      ),
    );
  rows.push(
    comparison(
      `Fashion-MNIST, CNN-GP + LAP(c = ${f}): flip averaging adds on top; no if below −2 s.e.`,
      '"similar improvements" (abstract)',
      at(fashion, 'CNN-GP', true, f),
      at(fashion, 'CNN-GP', false, f),
    ),
  );
  return rows;
}
