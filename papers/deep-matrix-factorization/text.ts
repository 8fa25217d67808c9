/**
 * The prose of summary.md (the harness adds the title, the run line, the claims table and
 * the figures): the setting and how it differs from the paper, per-count tables of what we
 * measured, the timing, and the claims that did not reproduce, said plainly.
 */
import { formatNumber, markdownTable, markdownTemplate, type Claim, type PaperOutput } from '../../src/report/index.ts';
import { methodName, series, type Method } from './aggregate.ts';
import { seedsFor, type Config, type InitScaleConfig, type TrainingConfig } from './config.ts';
import type { FamilyResult } from './experiments.ts';
import { nuclearNormGap, sweepRuns } from './init-scale-claims.ts';
import type { InitScaleSweep } from './init-scale.ts';
import type { SolutionSummary } from './training.ts';

/** The reconstruction error below which a solution counts as recovering W*. */
const RECOVERED = 1e-3;

/** Rows: counts; columns: each method's mean of `measure` over seeds. */
function measureTable(
  result: FamilyResult,
  depths: readonly number[],
  measure: (solution: SolutionSummary) => number,
  countLabel: string,
): string {
  const methods: Method[] = [...depths, 'nuclear'];
  const columns = methods.map((method) => series(result.cells, method, measure));
  return markdownTable(
    {
      columns: [countLabel, ...methods.map(methodName)],
      rows: columns[0].counts.map((count, row) => [count, ...columns.map((column) => column.mean[row])]),
    },
    { precision: 3 },
  );
}

/** How the GD runs ended: steps (mean), runs that reached the target loss, and the largest final loss. */
function convergenceTable(result: FamilyResult, config: TrainingConfig): string {
  const rows = config.depths.map((depth) => {
    const runs = result.cells.flatMap((cell) => cell.runs.filter((run) => run.depth === depth));
    const reached = runs.filter((run) => run.converged).length;
    const meanSteps = runs.reduce((total, run) => total + run.steps, 0) / runs.length;
    return [
      depth,
      config.learningRates[depth],
      config.maxSteps[depth],
      Math.round(meanSteps),
      `${reached}/${runs.length}`,
      Math.max(...runs.map((run) => run.trainLoss)),
    ];
  });
  const columns = [
    'depth',
    'step size η',
    'step cap',
    'mean steps',
    `reached loss ${config.targetLoss.toExponential()}`,
    'largest final loss',
  ];
  return markdownTable({ columns, rows }, { precision: 3 });
}

/**
 * Plain statements of where the measured curves depart from the paper's story: counts at
 * which a depth ≥ 2 fails to recover W* (error above RECOVERED) and is less accurate than the
 * minimum nuclear norm solution, and counts at which it does worse than the zero matrix.
 */
function departures(result: FamilyResult, depths: readonly number[], noun: string): string[] {
  const nuclear = series(result.cells, 'nuclear', (s) => s.error);
  const lines: string[] = [];
  for (const depth of depths.filter((d) => d >= 2)) {
    const errors = series(result.cells, depth, (s) => s.error);
    const worse = errors.counts.filter((_, i) => errors.mean[i] > nuclear.mean[i] && errors.mean[i] > RECOVERED);
    if (worse.length > 0) {
      const pairs = worse.map(
        (count) =>
          `${count} (${formatNumber(errors.mean[errors.counts.indexOf(count)], 3)} vs ${formatNumber(nuclear.mean[nuclear.counts.indexOf(count)], 3)})`,
      );
      lines.push(
        `- ${noun}: depth ${depth} is less accurate than the minimum nuclear norm solution at ${pairs.join(', ')}.`,
      );
    }
    const aboveOne = errors.counts.filter((_, i) => errors.mean[i] > 1);
    if (aboveOne.length > 0)
      lines.push(
        `- ${noun}: depth ${depth} does worse than the zero matrix (error above 1) at ${aboveOne.join(', ')}.`,
      );
  }
  return lines;
}

/** The seeds per depth, e.g. "2 (depth 4: 1)". */
function seedsText(c: TrainingConfig): string {
  const exceptions = c.depths
    .filter((depth) => seedsFor(c, depth) !== c.seeds)
    .map((depth) => `depth ${depth}: ${seedsFor(c, depth)}`);
  return exceptions.length === 0 ? `${c.seeds}` : `${c.seeds} (${exceptions.join(', ')})`;
}

/** "depth 2: 4, depth 3: 2" for a per-depth setting. */
function perDepth(values: Readonly<Record<number, number>>, depths: readonly number[]): string {
  return depths.map((depth) => `depth ${depth}: ${values[depth]}`).join(', ');
}

function description(config: Config): string {
  const { completion, initScales: sweep, sensing } = config;
  const from = Object.entries(completion.fromCountByDepth ?? {});
  const sweepDof = sweep.rank * (2 * sweep.size - sweep.rank);
  return markdownTemplate(import.meta.url, 'text/description.md', {
    size: completion.size,
    rank: completion.rank,
    initScale: completion.initScale,
    targetLoss: completion.targetLoss.toExponential(),
    observations: completion.observations.join(', '),
    seeds: seedsText(completion),
    fromCount:
      from.length === 0
        ? ''
        : `${from.map(([depth, count]) => `Depth ${depth} runs from ${count} observations on (below that it hit the step cap).`).join(' ')}`,
    sweepSize: sweep.size,
    sweepRank: sweep.rank,
    sweepObservations: sweep.observations.join(' and '),
    sweepRatios: sweep.observations.map((count) => formatNumber(count / sweepDof, 2)).join(' and '),
    sweepDof,
    sweepScales: sweep.scales.map((scale) => scale.toExponential(0)).join(', '),
    sweepDepths: sweep.depths.join(' and '),
    sweepSeeds: sweep.seeds,
    sweepRates: perDepth(sweep.learningRates, sweep.depths),
    sweepCaps: perDepth(sweep.maxSteps, sweep.depths),
    sensingSize: sensing.size,
    sensingRank: sensing.rank,
    measurements: sensing.measurements.join(', '),
    sensingSeeds: seedsText(sensing),
    dynamicsObservations: completion.dynamics.observations,
  });
}

/** Per count, one row per (depth, init scale): error, nuclear norm gap to the minimum, steps, and whether it converged. */
function sweepTable(sweep: InitScaleSweep, config: InitScaleConfig): string {
  const rows = config.observations.flatMap((count) => {
    const minimum = sweep.baselines.filter((b) => b.count === count);
    const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    return [
      ...config.depths.flatMap((depth) =>
        [...config.scales]
          .sort((a, b) => b - a)
          .map((scale) => {
            const runs = sweepRuns(sweep, depth, count, scale);
            const capped = runs.filter((run) => !run.converged).length;
            return [
              count,
              `depth ${depth}`,
              scale.toExponential(0),
              mean(runs.map((run) => run.error)),
              mean(runs.map((run) => run.nuclearNorm)),
              mean(runs.map((run) => nuclearNormGap(sweep, run))),
              Math.round(mean(runs.map((run) => run.steps))),
              capped === 0 ? 'yes' : `not converged (${capped}/${runs.length})`,
            ];
          }),
      ),
      [
        count,
        'min nuclear norm',
        '',
        mean(minimum.map((b) => b.error)),
        mean(minimum.map((b) => b.nuclearNorm)),
        0,
        '',
        '',
      ],
    ];
  });
  const columns = ['observations', 'solution', 'init scale', 'error', '‖W‖*', '‖W‖* − min', 'mean steps', 'converged'];
  return markdownTable({ columns, rows }, { precision: 3 });
}

/** The description and the sections of summary.md. */
export function describeRun(
  config: Config,
  claims: readonly Claim[],
  completion: FamilyResult,
  initScales: InitScaleSweep,
  sensing: FamilyResult,
  timing: { millisecondsPerStep: number; runtimeSeconds: number },
): PaperOutput['summary'] {
  const row = (claim: Claim) => `- **${claim.claim}** — paper: ${claim.paper}; ours: ${claim.ours}.`;
  const failed = claims.filter((claim) => claim.holds === false);
  const undecided = claims.filter((claim) => typeof claim.holds === 'string');
  const notReproduced = [
    failed.length === 0
      ? 'No claim in the table reads "no" in this run.'
      : `Rows that read "no":\n\n${failed.map(row).join('\n')}`,
    ...(undecided.length === 0
      ? []
      : [
          `Rows this run cannot decide ("not resolved": the seeds' ranges overlap; "not converged": a deciding GD run stopped at the step cap):\n\n${undecided.map((claim) => `${row(claim)} (${claim.holds})`).join('\n')}`,
        ]),
    `Figure 2 is rebuilt at n = ${config.initScales.size}, rank ${config.initScales.rank}, not at the paper's n = 100, rank 5 (see above), so its numbers are not the paper's.`,
  ].join('\n\n');
  const unconverged =
    [...completion.cells, ...sensing.cells].flatMap((cell) => cell.runs).filter((run) => !run.converged).length +
    initScales.runs.filter((run) => !run.converged).length;
  const measured = [
    ...departures(completion, config.completion.depths, 'Completion'),
    ...departures(sensing, config.sensing.depths, 'Sensing'),
  ];
  const dof = config.completion.rank * (2 * config.completion.size - config.completion.rank);
  return {
    description: description(config),
    sections: [
      {
        heading: 'Completion: reconstruction error (mean over seeds)',
        body: measureTable(completion, config.completion.depths, (s) => s.error, 'observations'),
      },
      {
        heading: 'Completion: effective rank',
        body: measureTable(completion, config.completion.depths, (s) => s.effectiveRank, 'observations'),
      },
      {
        heading: 'Completion: nuclear norm',
        body: measureTable(completion, config.completion.depths, (s) => s.nuclearNorm, 'observations'),
      },
      { heading: 'Completion: how the GD runs ended', body: convergenceTable(completion, config.completion) },
      {
        heading: `Init-scale sweep (Figure 2; n = ${config.initScales.size}, rank ${config.initScales.rank}, mean over seeds)`,
        body: sweepTable(initScales, config.initScales),
      },
      {
        heading: 'Sensing: reconstruction error (mean over seeds)',
        body: measureTable(sensing, config.sensing.depths, (s) => s.error, 'measurements'),
      },
      { heading: 'Sensing: how the GD runs ended', body: convergenceTable(sensing, config.sensing) },
      {
        heading: 'Speed',
        body:
          `One full GD step (end-to-end product, loss, backward, SGD update) of depth ${config.timing.depth} at n = ${config.timing.size} in float64 takes ` +
          `${formatNumber(timing.millisecondsPerStep, 3)} ms (median of ${config.timing.steps} steps) on the cpu backend; the whole run took ` +
          `${formatNumber(timing.runtimeSeconds, 3)} s. Timings are wall-clock on a shared machine and vary from run to run.`,
      },
      {
        heading: 'Where it does not reproduce',
        body:
          `${notReproduced}\n\nBeyond the table, the curves depart from a simple "deeper is better" at these points ` +
          `(a rank-${config.completion.rank} ${config.completion.size}×${config.completion.size} matrix has ${dof} degrees of freedom, so near or below that many ` +
          `observations no method can recover it):\n\n${measured.length > 0 ? measured.join('\n') : '- none.'}\n\n` +
          `Where every method recovers W* (error below ${RECOVERED}), the GD solutions' error is set by the stopping threshold (train loss ` +
          `${config.completion.targetLoss.toExponential()}), so it stays above the convex solver's. ${unconverged} GD run(s) stopped at the step cap before ` +
          'reaching that loss (their final losses are in the tables above and in results.json).',
      },
    ],
  };
}
