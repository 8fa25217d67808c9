/**
 * The prose of fine-grained's summary.md (the harness adds the title, the run line, the claims
 * table and the figures): the setup, the per-level tables, and what does not reproduce. The
 * paragraphs live in text/*.md; this file computes what fills them and the few short choices of wording.
 */
import { formatNumber, markdownTable, markdownTemplate, type PaperOutput } from '../../src/report/index.ts';
import { tolerances } from './claims.ts';
import type { Configuration } from './config.ts';
import type { DatasetResult } from './experiment.ts';
import { datasetStatistics, type DatasetStatistics } from './statistics.ts';

export interface RunDescription {
  config: Configuration;
  results: DatasetResult[];
  withCifar: boolean;
  seconds: number;
  backend: string;
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

function levelTable(result: DatasetResult, s: DatasetStatistics): string {
  return markdownTable(
    {
      columns: [
        'p',
        'labels flipped',
        '‖y−u(K)‖/‖y‖',
        'formula gap',
        'gap with H(0)',
        '‖W−W(0)‖_F',
        'predicted',
        '√(yᵀH∞⁻¹y)',
        'bound',
        'train err.',
        'test err. (true)',
        'test err. (corr.)',
        'test ramp (corr.)',
        'patterns changed',
      ],
      rows: result.runs.map((run, i) => [
        run.corruption,
        percent(run.flippedFraction),
        s.relativeResidual[i],
        s.formulaGap[i],
        s.formulaGapAtInit[i],
        s.distance[i],
        s.predictedDistance[i],
        s.limitDistance[i],
        run.bound,
        percent(run.trainError),
        percent(run.testError),
        percent(run.testErrorCorrupted),
        run.testRampCorrupted,
        percent(run.patternChanges),
      ]),
    },
    { precision: 3 },
  );
}

/**
 * The description and sections of summary.md.
 * @example summaryMarkdown({ title, claims, ...describeRun(run) })
 */
export function describeRun(run: RunDescription): Required<PaperOutput['summary']> {
  const { config, results } = run;
  const stats = results.map(datasetStatistics);
  const first = results[0];
  const last = <T>(values: readonly T[]): T => values[values.length - 1];
  const description = markdownTemplate(import.meta.url, 'text/description.md', {
    backend: run.backend,
    seconds: run.seconds.toFixed(0),
    kappa: config.kappa,
    width: config.width,
    lrScale: config.lrScale,
    learningRates: results.map((result) => `${result.name}: η = ${formatNumber(result.lr, 3)}`).join('; '),
    steps: config.steps,
    trainPerClass: config.trainPerClass,
    testPerClass: config.testPerClass,
    n: first.trainCount,
    cifarNote: run.withCifar ? '' : 'CIFAR-10 was not found (THEORYGRAD_DATA), so its part was skipped.',
    formulaGap: tolerances.formulaGap,
    rankCorrelation: tolerances.rankCorrelation,
    levels: config.corruption.length,
  });

  const sections = results.map((result, i) => ({
    heading: `${result.name}: per corruption level`,
    body: markdownTemplate(import.meta.url, 'text/levels.md', {
      lambdaMin: formatNumber(stats[i].lambdaMin, 3),
      lambdaMax: formatNumber(stats[i].lambdaMax, 3),
      initialGramGap: formatNumber(result.initialGramGap, 3),
      steps: result.steps,
      table: levelTable(result, stats[i]),
    }),
  }));
  const slowdown = stats.map((s, i) => {
    const run = last(results[i].runs);
    const above = ((last(run.residual) / last(run.predicted) - 1) * 100).toFixed(1);
    const gaps = `max gap ${last(s.formulaGap).toFixed(3)} with H∞ and ${last(s.formulaGapAtInit).toFixed(3)} with H(0)`;
    return `${results[i].name}: ‖y − u(${config.steps})‖ is ${above}% above the formula at p = ${run.corruption}, ${gaps}, ${percent(Math.max(...s.patternChanges))} of the activation patterns changed`;
  });
  const kernelMoves = stats.every((s) => last(s.formulaGapAtInit) > 0.7 * last(s.formulaGap));
  const nonVacuous = stats
    .flatMap((s, i) =>
      s.bound.map((value, j) => (value < 1 ? `${results[i].name} at p = ${results[i].runs[j].corruption}` : '')),
    )
    .filter(Boolean);
  const caveats = markdownTemplate(import.meta.url, 'text/caveats.md', {
    slowdown: slowdown.join('; '),
    kernelCause: kernelMoves
      ? "Replacing H∞ by the network's own kernel H(0) does not close the gap, so it comes from the kernel moving during training rather than from H(0) ≠ H∞"
      : 'Part of the gap is H(0) ≠ H∞ at this width',
    kappa: config.kappa,
    width: config.width,
    steps: config.steps,
    conditionNumbers: stats
      .map((s, i) => `${formatNumber(s.lambdaMax / s.lambdaMin, 2)} (${results[i].name})`)
      .join(', '),
    randomLabelDistances: stats
      .map(
        (s, i) => `${results[i].name} at p = 1: ${last(s.distance).toFixed(1)} vs ${last(s.limitDistance).toFixed(1)}`,
      )
      .join('; '),
    predictionTrends: stats
      .map((s, i) => {
        const trend = s.predictedDistance[0] > last(s.predictedDistance) ? 'falls' : 'grows but saturates';
        return `${trend} with corruption on ${results[i].name} (${s.predictedDistance[0].toFixed(1)} → ${last(s.predictedDistance).toFixed(1)})`;
      })
      .join(' and '),
    nonVacuous: nonVacuous.length > 0 ? nonVacuous.join(', ') : 'no level',
    randomLabelTestErrors: results
      .map(
        (result) =>
          `${percent(last(result.runs).testError)} on ${result.name} (its random training labels disagree with the true ones on ${percent(last(result.runs).flippedFraction)})`,
      )
      .join(' and '),
    n: first.trainCount,
    levels: config.corruption.length,
  });
  sections.push({ heading: 'What does not reproduce, and caveats', body: caveats });
  return { description, sections };
}
