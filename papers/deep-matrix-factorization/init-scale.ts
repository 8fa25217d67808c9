/**
 * The paper's Figure 2 (§2.2 of arXiv 1905.13655): is the implicit regularization of deep
 * matrix factorization "minimize the nuclear norm" (Conjecture 1, Gunasekar et al. 2017)? The
 * conjecture says that as the init scale → 0, GD converges to the minimum nuclear norm
 * solution. We shrink the init scale on the same problems and the same init directions and
 * follow the error and the nuclear norm of the solutions against the minimum's.
 */
import * as ad from '../../autodiff/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import {
  completionLoss,
  gramSingularValues,
  lowRankTarget,
  nuclearNorm,
  observeEntries,
  observedEntries,
} from '../../src/matrix-factorization/index.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import { learningRate, type InitScaleConfig } from './config.ts';
import { runDepth, runNuclearNorm, type NuclearNormSummary, type RunSummary } from './training.ts';

/** One GD run of the sweep. */
export interface SweepRun extends RunSummary {
  initScale: number;
  count: number;
  seed: number;
}

/** The minimum nuclear norm solution of one (seed, count) problem. */
export interface SweepBaseline extends NuclearNormSummary {
  count: number;
  seed: number;
  /** ‖W*‖_* of the ground truth. */
  targetNuclearNorm: number;
}

export interface InitScaleSweep {
  runs: SweepRun[];
  baselines: SweepBaseline[];
}

/** The GD runs and nuclear norm solves of the sweep (for the progress bar). */
export function sweepUnits({ scales, observations, depths, seeds }: InitScaleConfig): number {
  return seeds * observations.length * (1 + depths.length * scales.length);
}

/** Leading singular values kept per solution. */
const TRACKED = 10;

/**
 * For each seed a rank-r ground truth with ‖W*‖_F = n and, per count, a uniform sample of
 * observed entries (as the grid draws them); the minimum nuclear norm solution, then every
 * depth from every init scale, one init direction per (seed, depth) scaled down.
 */
export function runInitScaleSweep(config: InitScaleConfig, baseSeed: number, bar: ProgressBar): InitScaleSweep {
  const { size, rank, scales, observations, depths, seeds } = config;
  const runs: SweepRun[] = [];
  const baselines: SweepBaseline[] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const target = lowRankTarget(size, rank, deriveSeed(baseSeed, 30_000 + seed));
    const targetNuclearNorm = nuclearNorm(gramSingularValues(target));
    observations.forEach((count, countIndex) => {
      const { indices, values } = observeEntries(target, count, deriveSeed(baseSeed, 31_000 + 100 * seed + countIndex));
      const minimum = runNuclearNorm(observedEntries(size, size, indices, values), target, TRACKED);
      baselines.push({ ...minimum, count, seed, targetNuclearNorm });
      bar.tick();
      const problem = { target, loss: completionLoss(indices, ad.tensor(values, { dtype: 'float64' })) };
      for (const depth of depths) {
        for (const initScale of scales) {
          const { summary } = runDepth(problem, {
            depth,
            initScale,
            learningRate: learningRate(config, depth),
            maxSteps: config.maxSteps[depth],
            targetLoss: config.targetLoss,
            seed: deriveSeed(baseSeed, 32_000 + 100 * seed + depth),
            tracked: TRACKED,
          });
          runs.push({ ...summary, initScale, count, seed });
          bar.tick();
        }
      }
    });
  }
  return { runs, baselines };
}
