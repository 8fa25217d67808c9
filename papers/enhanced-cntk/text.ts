/**
 * The prose of enhanced-cntk's summary.md (the harness adds the title, the run line, the
 * claims table and the figures): setup, sizes and why, the kernel passes, the measured
 * augmentation identities, the table beside the paper's CIFAR-10 figures, and what does not
 * reproduce. The long text lives in text/*.md.
 */
import { pairedDifference } from '../../src/kernel-methods/kernel-regression.ts';
import {
  formatCell,
  markdownTable,
  markdownTemplate,
  type PaperOutput,
  type TableData,
} from '../../src/report/index.ts';
import type { AugmentationGap } from './augmentation.ts';
import { testImagesToResolve, type Comparison, type RunSweeps } from './claims.ts';
import { paperFigures, type Configuration } from './config.ts';
import { outcomeAt, variantOf, type KernelName, type SweepResult } from './sweep.ts';

const text = (path: string, values: Record<string, string | number> = {}) =>
  markdownTemplate(import.meta.url, `text/${path}`, values);
const percent = (value: number) => (100 * value).toFixed(1);

/**
 * The table beside the paper: the plain CNTK, LAP, flip and random patches, paper and ours.
 * @example paperTable(sweeps, 2).rows.length // 6
 */
export function paperTable(sweeps: RunSweeps, c: number): TableData {
  const { cifar, patches } = sweeps;
  const full = cifar.windows.at(-1)!;
  const best = (result: SweepResult, kernel: KernelName, flip: boolean) => {
    const { accuracies } = variantOf(result, kernel, flip);
    const index = accuracies.indexOf(Math.max(...accuracies));
    return `${percent(accuracies[index])} (c = ${result.windows[index]})`;
  };
  const row = (name: string, paper: string, result: SweepResult, kernel: KernelName, flip: boolean, window: number) => [
    name,
    paper,
    percent(outcomeAt(result, kernel, flip, window).accuracy),
    best(result, kernel, flip),
  ];
  return {
    columns: ['kernel', 'paper, full CIFAR-10 (%)', `ours (%)`, 'ours, best c on test (%)'],
    rows: [
      row('CNTK, vanilla (c = 0)', '65.9 [T]', cifar, 'CNTK', false, 0),
      row(`CNTK, GAP (c = ${full})`, '77.4 [T]; ≈ 78 [V]', cifar, 'CNTK', false, full),
      row(`CNTK + LAP(c = ${c})`, '—', cifar, 'CNTK', false, c),
      row(`CNTK + LAP(c = ${c}) + flip`, '—', cifar, 'CNTK', true, c),
      row(`CNN-GP + LAP(c = ${c}) + flip`, '—', cifar, 'CNN-GP', true, c),
      row(
        `CNN-GP + LAP(c = ${c}) + flip + random patches`,
        `${paperFigures.best.value} [V]`,
        patches,
        'CNN-GP',
        true,
        c,
      ),
      row(`CNTK + LAP(c = ${c}) + flip + random patches`, '—', patches, 'CNTK', true, c),
    ],
  };
}

/** What the summary is written from. */
export interface RunDescription {
  config: Configuration;
  sweeps: RunSweeps;
  comparisons: Comparison[];
  gaps: AugmentationGap[];
  augmentationImages: number;
  seconds: number;
  cacheLocation: string;
}

const gapList = (gaps: AugmentationGap[], padding: 'zero' | 'circular') =>
  gaps
    .filter((gap) => gap.padding === padding)
    .map(
      (gap) =>
        `${gap.window === 'all' ? 'GAP' : `LAP(${gap.window})`} ${gap.nngp.toExponential(1)} (CNN-GP), ${gap.ntk.toExponential(1)} (CNTK)`,
    )
    .join('; ');

const passLine = (result: SweepResult) =>
  `- ${result.label}: ${result.kernels.pairs.toLocaleString('en-US')} pairs, ${result.kernels.seconds.toFixed(0)} s (${(result.kernels.pairs / result.kernels.seconds).toFixed(0)} pairs/s)${result.kernels.cached ? ', loaded from the cache on this run' : ''}; cache entry \`${result.kernels.entry}\``;

/** The summary's opening. */
function description(run: RunDescription): string {
  const { config, sweeps } = run;
  const all = [sweeps.cifar, sweeps.patches, sweeps.fashion];
  const jitters = all.flatMap((result) => result.variants.flatMap((variant) => variant.jitters)).filter((j) => j > 0);
  const cached = all.filter((result) => result.kernels.cached);
  const errors = sweeps.cifar.windows.map(
    (c) =>
      pairedDifference(outcomeAt(sweeps.cifar, 'CNTK', false, c), outcomeAt(sweeps.cifar, 'CNTK', false, 0))
        .standardError,
  );
  return text('description.md', {
    seconds: run.seconds.toFixed(0),
    cacheNote:
      cached.length > 0
        ? ` with ${cached.length} of the 3 kernel sets loaded from ${run.cacheLocation}; computing them took ${cached.reduce((sum, result) => sum + result.kernels.seconds, 0).toFixed(0)} s (listed below)`
        : '',
    depth: config.depth,
    convs: config.depth - 1,
    patchCount: config.patches.count,
    patchSize: config.patches.size,
    epsilon: config.patches.epsilon,
    jitterNote:
      jitters.length === 0
        ? 'Every train kernel was positive definite as computed: no jitter was needed.'
        : `Cholesky needed a diagonal jitter for ${jitters.length} kernels (largest ${Math.max(...jitters).toExponential(1)} of the mean diagonal).`,
    cifarTrain: config.cifar.train,
    cifarTest: config.cifar.test,
    cifarSize: sweeps.cifar.size,
    fashionTrain: config.fashion.train,
    fashionTest: config.fashion.test,
    fashionSize: sweeps.fashion.size,
    claimWindow: config.cifar.claimWindow,
    fashionWindow: config.fashion.claimWindow,
    typicalError: (100 * Math.max(...errors.slice(1))).toFixed(1),
    kernelPasses: all.map(passLine).join('\n'),
    augmentationImages: run.augmentationImages,
    circularGaps: gapList(run.gaps, 'circular'),
    zeroGaps: gapList(run.gaps, 'zero'),
  });
}

/** When two standard errors of a row's difference would shrink to its size (claims.ts). */
const whenDecided = (images: number) =>
  Number.isFinite(images)
    ? `two standard errors would shrink to this difference at ≈ ${images.toLocaleString('en-US')} test images`
    : 'a zero difference, which no number of test images decides';

/**
 * Seconds that 1,000 more test images would add to these sets: each costs 2·train pairs (plain
 * and flipped), at the pairs/s measured when the kernels were computed.
 */
const secondsPerThousandTest = (...results: SweepResult[]) =>
  results.reduce((sum, result) => sum + (2000 * result.train) / (result.kernels.pairs / result.kernels.seconds), 0);

/** What does not reproduce (rows not "yes"), how many test images would decide them, and what is left out. */
function notes(run: RunDescription): string[] {
  const { config, sweeps } = run;
  const best = Math.max(...[sweeps.cifar, sweeps.patches].flatMap((r) => r.variants.flatMap((v) => v.accuracies)));
  const values = {
    epsilon: config.patches.epsilon,
    patchCount: config.patches.count,
    patchSize: config.patches.size,
    depth: config.depth,
  };
  const spread = (result: SweepResult) =>
    (100 * Math.max(...result.variants.map((v) => Math.max(...v.accuracies) - Math.min(...v.accuracies)))).toFixed(1);
  const claims = run.comparisons.map((comparison) => comparison.claim);
  const resolved = claims.filter((claim) => claim.holds === true);
  const reversed = claims.filter((claim) => claim.holds === false).length;
  const open = run.comparisons.filter((comparison) => comparison.claim.holds !== true);
  const undecided = open.filter((comparison) => comparison.claim.holds === 'not resolved');
  const decidable = undecided
    .map((comparison) => testImagesToResolve(comparison.difference, comparison.test))
    .filter(Number.isFinite);
  return [
    text('outcome.md', {
      resolved: resolved.length,
      rows: claims.length,
      resolvedList:
        resolved.length > 0
          ? ` (${resolved.map((claim) => `${claim.claim.split(';')[0]}: ${formatCell(claim.ours)}`).join('; ')})`
          : '',
      reversedNote: reversed > 0 ? `, ${reversed} reversed beyond two standard errors (listed below)` : '',
      cifarSpread: spread(sweeps.cifar),
      fashionSpread: spread(sweeps.fashion),
      cifarSize: sweeps.cifar.size,
      cifarTrain: config.cifar.train,
    }),
    ...open.map(({ claim, difference, test }) =>
      claim.holds === false
        ? `Reversed at this scale: ${claim.claim}; ours: ${formatCell(claim.ours)}.`
        : `Not resolved at this scale: ${claim.claim}; ours: ${formatCell(claim.ours)}; ${whenDecided(testImagesToResolve(difference, test))}.`,
    ),
    ...(decidable.length > 0
      ? [
          text('resolution.md', {
            fewest: Math.min(...decidable).toLocaleString('en-US'),
            most: Math.max(...decidable).toLocaleString('en-US'),
            cifarSeconds: secondsPerThousandTest(sweeps.cifar, sweeps.patches).toFixed(0),
            fashionSeconds: secondsPerThousandTest(sweeps.fashion).toFixed(0),
          }),
        ]
      : []),
    text('scale.md', { bestOurs: percent(best), cifarTrain: config.cifar.train, cifarSize: sweeps.cifar.size }),
    text('left-out.md', { ...values, factor: config.cifar.factor }),
  ];
}

/** The description and sections of summary.md. @example runPaper(…, { run: () => ({ …, summary: describeRun(run) }) }) */
export function describeRun(run: RunDescription): PaperOutput['summary'] {
  const { config, sweeps } = run;
  return {
    description: description(run),
    sections: [
      {
        heading: 'CIFAR-10 beside the paper',
        body: text('table.md', {
          table: markdownTable(paperTable(sweeps, config.cifar.claimWindow)),
          cifarTrain: config.cifar.train,
          cifarTest: config.cifar.test,
          cifarSize: sweeps.cifar.size,
          depth: config.depth,
          claimWindow: config.cifar.claimWindow,
        }),
      },
      {
        heading: 'What does not reproduce, and what is left out',
        body: notes(run)
          .map((note) => `- ${note}`)
          .join('\n'),
      },
    ],
  };
}
