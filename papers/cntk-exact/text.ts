/**
 * The prose of cntk-exact's summary.md (the harness adds the title, the run line, the claims
 * table and the figures): the setup, the sizes and why, the kernel passes, the accuracy table,
 * and what does not reproduce. The long text lives in text/*.md.
 */
import { formatCell, markdownTable, markdownTemplate, type Claim, type PaperOutput } from '../../src/report/index.ts';
import { accuracyTable, type DepthRow, type TableSizes } from './accuracy.ts';
import type { Configuration } from './config.ts';
import { cnnProtocol, type CnnColumnResult } from './finite.ts';
import type { KernelRun } from './kernels.ts';

export interface RunDescription {
  config: Configuration;
  sizes: TableSizes;
  rows: DepthRow[];
  runs: KernelRun[];
  backend: string;
  seconds: number;
  /** The --cache flag, if given (else the kernels are cached under results/cache/cntk-exact/). */
  cacheFlag: string | undefined;
  /** The claims of the kernel half (claims.ts: kernelClaims, GAP against V first) and of the finite-net studies; those that do not hold are listed. */
  kernelClaims: Claim[];
  studyClaims: Claim[];
}

const text = (path: string, values: Record<string, string | number> = {}) =>
  markdownTemplate(import.meta.url, `text/${path}`, values);

const kernelLine = (run: KernelRun) =>
  `- ${run.label} (${run.readout}${run.fix ? ', fix' : ''}): ${run.pairs.toLocaleString('en-US')} image pairs, ${run.seconds.toFixed(0)} s (${(run.pairs / run.seconds).toFixed(0)} pairs/s)${run.cached ? ', loaded from the cache on this run' : ''}; cache key \`${run.key}\``;

/** The summary's opening: backend and time, setup, prediction, data, and the kernel passes. */
function description(run: RunDescription): string {
  const { config, rows } = run;
  const cacheLocation = run.cacheFlag ?? 'results/cache/cntk-exact/';
  const [, smallVanilla, gap] = run.runs;
  const speed = (kernels: KernelRun) => (kernels.pairs / kernels.seconds).toFixed(0);
  const jitters = rows
    .flatMap((row) => [row.vanilla, row.smallVanilla, row.gap].map((result) => result.relativeJitter))
    .filter((jitter) => jitter > 0);
  const cachedSeconds = run.runs.filter((kernels) => kernels.cached).reduce((sum, kernels) => sum + kernels.seconds, 0);
  return text('description.md', {
    backend: run.backend,
    seconds: run.seconds.toFixed(0),
    cacheNote:
      cachedSeconds > 0
        ? ` with kernels loaded from ${cacheLocation}; they took ${cachedSeconds.toFixed(0)} s to compute (listed below)`
        : '',
    depths: config.depths.join(', '),
    cacheLocation,
    jitterNote:
      jitters.length === 0
        ? 'Every train kernel was positive definite as computed: no jitter was needed.'
        : `Cholesky needed a diagonal jitter for ${jitters.length} kernels (largest ${Math.max(...jitters).toExponential(1)} of the mean diagonal).`,
    vanillaTrain: config.vanilla.train,
    vanillaTest: config.vanilla.test,
    vanillaSize: config.vanilla.size,
    gapTrain: config.gap.train,
    gapTest: config.gap.test,
    gapSize: config.gap.size,
    gapSpeed: speed(gap),
    smallVanillaSpeed: speed(smallVanilla),
    cnnSizes: run.sizes.cnn,
    cnnDepths: config.cnnDepths.join(', '),
    cnnWidth: cnnProtocol.full.width,
    cnnTarget: 100 * cnnProtocol.full.target,
    cnnMaxEpochs: cnnProtocol.full.maxEpochs,
    cnnFit: cnnFit(rows),
    kernelPasses: run.runs.map(kernelLine).join('\n'),
  });
}

/** Each CNN's fit, e.g. "depth 3 V: train 100%, 15 epochs; …". */
function cnnFit(rows: readonly DepthRow[]): string {
  const columns = rows.flatMap((row) =>
    [row.cnnV, row.cnnGap].filter((column): column is CnnColumnResult => column !== undefined),
  );
  if (columns.length === 0) return 'none trained';
  return columns
    .map(
      (column) =>
        `depth ${column.depth} ${column.readout === 'gap' ? 'GAP' : 'V'}: train ${(100 * column.trainAccuracy).toFixed(1)}% after ${column.epochs} epochs (${column.converged ? 'fitted' : 'not converged'})`,
    )
    .join('; ');
}

/** The list of what does not reproduce and what is left out. */
/** "The a", "The a and the b", "The a, the b and the c": a list that opens a sentence. */
function sentenceList(items: string[]): string {
  const list = items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
  return list.charAt(0).toUpperCase() + list.slice(1);
}

function notes(run: RunDescription): string[] {
  const { config, rows } = run;
  const gapSize = config.gap.size;
  const vanilla = rows.map((row) => 100 * row.vanilla.accuracy);
  const gapVerdict = run.kernelClaims[0].holds;
  const unconverged = rows
    .flatMap((row) => [row.cnnV, row.cnnGap])
    .filter((column): column is CnnColumnResult => column !== undefined && !column.converged);
  return [
    text('notes/absolute-accuracies.md', {
      vanillaRange: `${Math.min(...vanilla).toFixed(1)}–${Math.max(...vanilla).toFixed(1)}%`,
      vanillaSize: config.vanilla.size,
      vanillaTrain: config.vanilla.train,
    }),
    text('notes/gap-subset.md', { gapSize, gapTrain: config.gap.train }),
    ...(gapVerdict !== true
      ? [
          text('notes/gap-behind.md', {
            verdict: gapVerdict === false ? 'not reproduced (no)' : String(gapVerdict),
            depthList: rows.map((row) => row.depth).join(', '),
            margins: rows
              .map(
                (row) =>
                  `${(100 * row.gapOverVanilla.difference).toFixed(1)} ± ${(100 * row.gapOverVanilla.standardError).toFixed(1)}`,
              )
              .join(', '),
            gapTrain: config.gap.train,
            gapTest: config.gap.test,
            gapSize,
          }),
        ]
      : []),
    ...(unconverged.length > 0
      ? [
          text('notes/cnn-gap-behind.md', {
            unconverged: sentenceList(
              unconverged.map((column) => `the depth-${column.depth} CNN-${column.readout === 'gap' ? 'GAP' : 'V'}`),
            ),
            trainAccuracies: unconverged.map((column) => `${(100 * column.trainAccuracy).toFixed(1)}%`).join(', '),
            width: unconverged[0].width,
            gapTrain: config.gap.train,
          }),
        ]
      : []),
    ...[...run.kernelClaims.slice(1), ...run.studyClaims]
      .filter((claim) => claim.holds !== true && !String(claim.holds).startsWith('n/a'))
      .map(
        (claim) =>
          `Not reproduced (${claim.holds === false ? 'no' : claim.holds}): ${claim.claim}; ours: ${formatCell(claim.ours)}.`,
      ),
    text('notes/left-out.md'),
  ];
}

/** The description and sections of summary.md. @example runPaper(…, { run: () => ({ …, summary: describeRun(run) }) }) */
export function describeRun(run: RunDescription): PaperOutput['summary'] {
  const { config, rows, sizes } = run;
  return {
    description: description(run),
    sections: [
      {
        heading: 'Accuracy by depth (%), ours beside the paper',
        body: text('accuracy.md', {
          table: markdownTable(accuracyTable(rows, sizes)),
          vanillaTest: config.vanilla.test,
          standardError: (100 * Math.sqrt(0.24 / config.vanilla.test)).toFixed(1),
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
