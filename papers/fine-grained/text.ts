/**
 * The prose of fine-grained's summary.md (the harness adds the title, the run line, the claims
 * table and the figures): the setup, the per-level tables, Theorem 6.1's table, and what does not
 * reproduce. The paragraphs live in text/*.md; this file computes what fills them.
 */
import { loadavg } from 'node:os';
import { formatNumber, markdownTable, markdownTemplate, type PaperOutput } from '../../src/report/index.ts';
import { flatExponent } from './claims.ts';
import type { Configuration } from './config.ts';
import type { DatasetResult } from './experiment.ts';
import type { GrowthResult } from './growth.ts';
import { datasetStatistics, growthStatistics, type DatasetStatistics } from './statistics.ts';

export interface RunDescription {
  config: Configuration;
  results: DatasetResult[];
  growth: GrowthResult;
  withCifar: boolean;
  seconds: number;
  backend: string;
}

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
const plusMinus = ({ mean, standardError }: { mean: number; standardError: number }) =>
  `${mean.toFixed(3)} ± ${standardError.toFixed(3)}`;

function levelTable(result: DatasetResult, s: DatasetStatistics): string {
  return markdownTable(
    {
      columns: [
        'p',
        'labels flipped',
        '‖y−u(K)‖/‖y‖',
        'formula gap',
        'with H(0)',
        '2σ width',
        'steps to 10%',
        '‖W−W(0)‖_F',
        'predicted',
        '√(yᵀH∞⁻¹y)',
        'bound',
        'train err.',
        'test err. (true)',
        'test err. (corr.)',
        'test ramp (corr.)',
        'patterns flipped',
      ],
      rows: result.runs.map((run, i) => [
        run.corruption,
        percent(run.flippedFraction),
        s.relativeResidual[i],
        s.formulaGap[i],
        s.formulaGapAtInit[i],
        s.formulaNoise[i],
        `${s.stepsToFraction[i] > result.steps ? `> ${result.steps}` : s.stepsToFraction[i]} (${s.stepsSpread[i].toFixed(1)})`,
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

function growthSection(growth: GrowthResult) {
  const stats = growthStatistics(growth);
  const table = markdownTable(
    {
      columns: [
        'target',
        'covered',
        'exponent, last doubling',
        'exponent, all n',
        `at n = ${growth.sizes.at(-1)}`,
        'bound',
        'max / bound',
      ],
      rows: stats.map((target, k) => {
        const bounds = growth.targets[k].bound;
        return [
          target.name,
          target.covered ? 'yes' : 'no',
          plusMinus(target.lastExponent),
          plusMinus(target.exponent),
          target.atLargest.mean.toFixed(2),
          bounds ? (bounds.reduce((sum, value) => sum + value, 0) / bounds.length).toFixed(1) : '–',
          target.boundRatio === null ? '–' : target.boundRatio.toFixed(3),
        ];
      }),
    },
    { precision: 3 },
  );
  const body = markdownTemplate(import.meta.url, 'text/growth.md', {
    dimension: growth.dimension,
    sizes: growth.sizes.join(', '),
    seeds: growth.targets[0].complexity.length,
    largest: growth.sizes.at(-1)!,
    seconds: growth.seconds.toFixed(0),
    table,
  });
  const flat = stats.filter(
    (target) => target.covered && target.lastExponent.mean + 2 * target.lastExponent.standardError < flatExponent,
  );
  const rising = stats.filter((target) => target.covered && !flat.includes(target));
  const excluded = stats.filter((target) => !target.covered && target !== stats.at(-1));
  const summary = [
    flat.length > 0
      ? `Flat by n = ${growth.sizes.at(-1)} (exponent below ${flatExponent} over the last doubling): ${flat.map((target) => target.name).join(', ')}.`
      : '',
    rising.length > 0
      ? `${rising.map((target) => `${target.name} (exponent ${target.lastExponent.mean.toFixed(2)})`).join(', ')} ${rising.length === 1 ? 'still rises' : 'still rise'} at n = ${growth.sizes.at(-1)}, below the theorem's bound but not flat: bounded is not shown at this n, only growth slower than random labels (${stats.at(-1)!.lastExponent.mean.toFixed(2)}).`
      : '',
    excluded.length > 0
      ? `${excluded.map((target) => `${target.name} (exponent ${target.lastExponent.mean.toFixed(2)})`).join(', ')}, outside the theorem's p = 1 or even p, grows much faster than the covered targets, as H∞'s Taylor series (no odd powers beyond t) predicts: the theorem's restriction matters.`
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { body, summary };
}

/**
 * The description and sections of summary.md.
 * @example summaryMarkdown({ title, claims, ...describeRun(run) })
 */
export function describeRun(run: RunDescription): Required<PaperOutput['summary']> {
  const { config, results, growth } = run;
  const stats = results.map(datasetStatistics);
  const first = results[0];
  const description = markdownTemplate(import.meta.url, 'text/description.md', {
    backend: run.backend,
    seconds: run.seconds.toFixed(0),
    load: loadavg()
      .map((value) => value.toFixed(1))
      .join(' / '),
    kappa: config.kappa,
    width: config.width,
    lrScale: config.lrScale,
    convergenceFactor: config.convergenceFactor,
    maxSteps: config.maxSteps,
    stepCounts: results
      .map(
        (result) =>
          `${result.name}: η = ${formatNumber(result.lr, 3)}, K = ${result.steps}${result.steps < result.stepsWanted ? ` of the ${result.stepsWanted} wanted` : ''}`,
      )
      .join('; '),
    trainPerClass: `${config.trainPerClass.mnist} (MNIST) and ${config.trainPerClass.cifar} (CIFAR-10)`,
    testPerClass: config.testPerClass,
    n: results.map((result) => result.trainCount).join(' and '),
    levels: `{${config.corruption.join(', ')}}`,
    cifarNote: run.withCifar ? '' : 'CIFAR-10 was not found (THEORYGRAD_DATA), so its part was skipped.',
    widthSeeds: config.widthSeeds,
    labelDraws: config.labelDraws,
    testCount: first.testCount,
    growthSeeds: config.growth.seeds,
  });
  const sections = results.map((result, i) => ({
    heading: `${result.name}: per corruption level`,
    body: markdownTemplate(import.meta.url, 'text/levels.md', {
      lambdaMin: formatNumber(stats[i].lambdaMin, 3),
      lambdaMax: formatNumber(stats[i].lambdaMax, 3),
      lr: formatNumber(result.lr, 3),
      steps: result.steps,
      capNote:
        result.steps < result.stepsWanted ? ` (capped: ${result.stepsWanted} wanted, so not fully converged)` : '',
      initialGramGap: formatNumber(result.initialGramGap, 3),
      table: levelTable(result, stats[i]),
    }),
  }));
  const growthText = growthSection(growth);
  sections.push({ heading: 'Theorem 6.1: complexity over n', body: growthText.body });
  const beyond = (gaps: number[], noise: number[]) => gaps.some((gap, i) => gap > noise[i]);
  const formulaOff = results.filter((_, i) => beyond(stats[i].formulaGap, stats[i].formulaNoise)).map((r) => r.name);
  const distanceOff = results
    .filter((_, i) =>
      beyond(
        stats[i].distance.map((d, j) => Math.abs(d - stats[i].predictedDistance[j])),
        stats[i].distanceNoise,
      ),
    )
    .map((r) => r.name);
  const nonVacuous = stats
    .flatMap((s, i) =>
      s.bound.map((value, j) => (value < 1 ? `${results[i].name} at p = ${results[i].runs[j].corruption}` : '')),
    )
    .filter(Boolean);
  const caveats = markdownTemplate(import.meta.url, 'text/caveats.md', {
    flips: `${percent(Math.min(...stats.flatMap((s) => s.patternChanges)))}–${percent(Math.max(...stats.flatMap((s) => s.patternChanges)))}`,
    flipDetail: stats
      .map(
        (s, i) =>
          `${results[i].name}: ${s.patternChanges.map(percent).join(' / ')} at p = ${config.corruption.join(' / ')}`,
      )
      .join('; '),
    formulaVerdict:
      formulaOff.length === 0
        ? 'The measured loss stays within the width noise of the eigen-formula on every level.'
        : `On ${formulaOff.join(' and ')} the measured loss leaves the eigen-formula by more than the width noise on some level (the "formula gap" beside "2σ width" in the tables): the kernel moves during training, since the gap with the network's own H(0) is of the same size.`,
    distanceVerdict:
      distanceOff.length === 0
        ? '‖W(K) − W(0)‖_F is within the width noise of its H∞ prediction on every level.'
        : `‖W(K) − W(0)‖_F differs from its H∞ prediction by more than the width noise on ${distanceOff.join(' and ')}: at this width the net is near, not in, the linear regime (the relative gaps are in the tables).`,
    kappa: config.kappa,
    width: config.width,
    nonVacuous: nonVacuous.length > 0 ? nonVacuous.join(', ') : 'no level',
    growthSummary: growthText.summary,
    dimension: growth.dimension,
    largest: growth.sizes.at(-1)!,
    n: results.map((result) => `${result.trainCount} (${result.name})`).join(' and '),
    levels: config.corruption.length,
  });
  sections.push({ heading: 'What does not reproduce, and caveats', body: caveats });
  return { description, sections };
}
