/**
 * The experiments of deep-matrix-factorization (PAPERS.md §7): matrix completion (Figure 1
 * and Figure 2's completion panels: error, nuclear norm and effective rank against the
 * number of observed entries, for depths 1–4 and the minimum nuclear norm solution), the
 * singular values of W_e during training (Figure 3), matrix sensing with Gaussian
 * measurements (Figure 2's sensing panels, at a smaller size), and the time per GD step.
 */
import * as ad from '../../autodiff/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import { SGD } from '../../src/optim/index.ts';
import {
  DeepMatrixFactorization,
  completionLoss,
  gaussianMeasurements,
  gramSingularValues,
  nuclearNorm as nuclearNormOf,
  linearMeasurements,
  lowRankTarget,
  observeEntries,
  observedEntries,
  sensingLoss,
  trainFactorization,
  type AffineConstraint,
} from '../../src/matrix-factorization/index.ts';
import { learningRate, seedsFor, type CompletionConfig, type SensingConfig, type TrainingConfig } from './config.ts';
import {
  runDepth,
  runNuclearNorm,
  type NuclearNormSummary,
  type Problem,
  type RunSummary,
  type Trajectory,
} from './training.ts';

/** Every solution for one ground truth and one set of observations. */
export interface Cell {
  /** Observed entries (completion) or measurements (sensing). */
  count: number;
  seed: number;
  /** ‖W*‖_* of the ground truth. */
  targetNuclearNorm: number;
  nuclearNorm: NuclearNormSummary;
  runs: RunSummary[];
}

export interface FamilyResult {
  cells: Cell[];
  /** Singular values of W_e over the steps, by depth (completion only). */
  trajectories: Record<number, Trajectory>;
}

/** Whether `depth` runs at `count` (see TrainingConfig.fromCountByDepth). */
export function runsAt(config: TrainingConfig, depth: number, count: number): boolean {
  return count >= (config.fromCountByDepth?.[depth] ?? 0);
}

/** The GD runs and nuclear norm solves a family needs (for the progress bar). */
export function familyUnits(config: TrainingConfig, counts: readonly number[]): number {
  const seeds = Math.max(...config.depths.map((depth) => seedsFor(config, depth)));
  const runs = counts.flatMap((count) =>
    config.depths.filter((depth) => runsAt(config, depth, count)).map((depth) => seedsFor(config, depth)),
  );
  return counts.length * seeds + runs.reduce((a, b) => a + b, 0);
}

/** The seed of a run's init: shared by every count and init scale, so a sweep scales one init direction. */
export function initSeed(baseSeed: number, seed: number, depth: number): number {
  return deriveSeed(baseSeed, 2_000 + 100 * seed + depth);
}

/** Solves every (seed, count) cell of a family: the nuclear norm baseline and each depth. */
function runFamily(
  config: TrainingConfig,
  counts: readonly number[],
  baseSeed: number,
  bar: ProgressBar,
  setup: (seed: number, count: number, countIndex: number) => { problem: Problem; constraint: AffineConstraint },
  recordAt?: { count: number; every: number; checkEvery: number },
  tracked = 10,
): FamilyResult {
  const cells: Cell[] = [];
  const trajectories: Record<number, Trajectory> = {};
  const seeds = Math.max(...config.depths.map((depth) => seedsFor(config, depth)));
  for (let seed = 0; seed < seeds; seed++) {
    counts.forEach((count, countIndex) => {
      const { problem, constraint } = setup(seed, count, countIndex);
      const nuclearNorm = runNuclearNorm(constraint, problem.target, tracked);
      bar.tick();
      const runs: RunSummary[] = [];
      for (const depth of config.depths) {
        if (seed >= seedsFor(config, depth) || !runsAt(config, depth, count)) continue;
        const record = recordAt !== undefined && seed === 0 && count === recordAt.count;
        const { summary, trajectory } = runDepth(problem, {
          depth,
          initScale: config.initScale,
          learningRate: learningRate(config, depth),
          maxSteps: config.maxSteps[depth],
          targetLoss: config.targetLoss,
          seed: initSeed(baseSeed, seed, depth),
          tracked,
          recordEvery: record ? recordAt.every : undefined,
          checkEvery: record ? recordAt.checkEvery : undefined,
          rank: config.rank,
        });
        if (trajectory !== undefined) trajectories[depth] = trajectory;
        runs.push(summary);
        bar.tick();
      }
      cells.push({
        count,
        seed,
        targetNuclearNorm: nuclearNormOf(gramSingularValues(problem.target)),
        nuclearNorm,
        runs,
      });
    });
  }
  return { cells, trajectories };
}

/**
 * Matrix completion in the authors' setting: for each seed a rank-r ground truth with
 * ‖W*‖_F = n, and for each count an independent uniform sample of observed entries.
 */
export function runCompletion(config: CompletionConfig, baseSeed: number, bar: ProgressBar): FamilyResult {
  const { observations, dynamics } = config;
  return runFamily(
    config,
    observations,
    baseSeed,
    bar,
    (seed, count) => completionProblem(config, baseSeed, seed, count),
    { count: dynamics.observations, every: dynamics.every, checkEvery: dynamics.checkEvery },
    dynamics.tracked,
  );
}

/** The completion problem of grid cell (seed, count): the same ground truth and observed entries on every call. */
export function completionProblem(
  { size, rank, observations }: CompletionConfig,
  baseSeed: number,
  seed: number,
  count: number,
): { problem: Problem; constraint: AffineConstraint } {
  const countIndex = observations.indexOf(count);
  if (countIndex < 0)
    throw new Error(`completionProblem: ${count} observations is not in the grid [${observations.join(', ')}]`);
  const target = lowRankTarget(size, rank, deriveSeed(baseSeed, seed));
  const { indices, values } = observeEntries(target, count, deriveSeed(baseSeed, 1_000 + 100 * seed + countIndex));
  const problem = { target, loss: completionLoss(indices, ad.tensor(values, { dtype: 'float64' })) };
  return { problem, constraint: observedEntries(size, size, indices, values) };
}

/** Matrix sensing: y_i = ⟨A_i, W*⟩ with A_i entrywise N(0, 1/n²), as the official code draws them. */
export function runSensing(config: SensingConfig, baseSeed: number, bar: ProgressBar): FamilyResult {
  const { size, rank, measurements } = config;
  return runFamily(config, measurements, baseSeed, bar, (seed, count, countIndex) => {
    const target = lowRankTarget(size, rank, deriveSeed(baseSeed, 10_000 + seed));
    const { sensing, measurements: values } = gaussianMeasurements(
      target,
      count,
      deriveSeed(baseSeed, 11_000 + 100 * seed + countIndex),
    );
    const loss = sensingLoss(
      ad.tensor(sensing.data, { shape: [sensing.rows, sensing.cols], dtype: 'float64' }),
      ad.tensor(values, { dtype: 'float64' }),
    );
    return { problem: { target, loss }, constraint: linearMeasurements(size, size, sensing, values) };
  });
}

/** Steps run before timing starts, so that the JIT has compiled the hot paths. */
const WARMUP_STEPS = 10;

/** Median wall-clock milliseconds of one full GD step (forward, backward, SGD step) in float64, after a warm-up. */
export function timeGradientStep(
  { size, depth, steps }: { size: number; depth: number; steps: number },
  seed: number,
): number {
  const target = lowRankTarget(size, 5, deriveSeed(seed, 20_000));
  const { indices, values } = observeEntries(target, Math.round(0.2 * size * size), deriveSeed(seed, 20_001));
  const loss = completionLoss(indices, ad.tensor(values, { dtype: 'float64' }));
  const model = DeepMatrixFactorization.gaussian({ size, depth, scale: 1e-3, seed, dtype: 'float64' });
  const optimizer = new SGD(model.parameters(), { lr: 1 });
  const times: number[] = [];
  let last = performance.now();
  trainFactorization(model, loss, optimizer, {
    targetLoss: 0,
    maxSteps: WARMUP_STEPS + steps,
    observe: (step) => {
      const now = performance.now();
      if (step > WARMUP_STEPS) times.push(now - last);
      last = now;
    },
  });
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
