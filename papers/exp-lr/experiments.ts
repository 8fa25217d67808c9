/**
 * exp-lr's training runs at the paper's hyper-parameters (η = 0.1, λ = 5e-4, γ = 0.9): a
 * WD run beside its exponential-LR twin on the MNIST MLP or the CIFAR-10 conv net (pair.ts),
 * and step decay vs the exponential schedules over seeds (schedules.ts). Every run is seeded from the run's seed.
 */
import type * as ad from '../../autodiff/index.ts';
import type * as nn from '../../src/nn/index.ts';
import { hyperparameters, type Config } from './config.ts';
import { scaleInvariantConvNet, scaleInvariantMlp } from './networks.ts';
import { runPair, type PairData, type PairTrace } from './pair.ts';
import { compareSchedules, type ScheduleComparison } from './schedules.ts';

/** What every run takes from the paper's run. */
export interface RunSettings {
  config: Config;
  seed: number;
  quiet: boolean;
}

/** The scale-invariant MLP 196 → width → width → 10 on 14×14 MNIST. */
function mnistMlp({ config }: RunSettings, dtype: ad.DType, seed: number): nn.Sequential {
  return scaleInvariantMlp({ inputs: 196, width: config.mnist.width, depth: 2, classes: 10, seed, dtype });
}

/** One WD-run/twin pair, evaluated about five times; `milestones` are LR drops, `control` adds the ±1-ulp run. */
function pair(
  { seed, quiet }: RunSettings,
  options: {
    label: string;
    build: () => nn.Sequential;
    data: PairData;
    dtype: ad.DType;
    steps: number;
    batchSize: number;
  },
  { milestones = [] as number[], control = false } = {},
): PairTrace {
  return runPair({
    ...options,
    seed,
    hyperparameters: { ...hyperparameters, milestones },
    evaluateEvery: Math.max(1, Math.floor(options.steps / 5)),
    control,
    quiet,
  });
}

/**
 * The MNIST MLP pair in `dtype` for `steps` steps (with LR drops at `milestones`, and the ±1-ulp control if asked).
 * @example mnistPair(settings, mnist, 'MNIST MLP, float64', 'float64', 100, { control: true })
 */
export function mnistPair(
  settings: RunSettings,
  mnist: PairData,
  label: string,
  dtype: ad.DType,
  steps: number,
  extra: { milestones?: number[]; control?: boolean } = {},
): PairTrace {
  const build = () => mnistMlp(settings, dtype, settings.seed);
  const { batchSize } = settings.config.mnist;
  return pair(settings, { label, build, data: mnist, dtype, steps, batchSize }, extra);
}

/** The CIFAR-10 conv net pair in float64 (with its control), a stand-in for the paper's PreResNet32. */
export function cifarPair(settings: RunSettings, cifar: PairData): PairTrace {
  const { channels, steps, batchSize } = settings.config.cifar;
  const build = () => scaleInvariantConvNet({ channels, classes: 10, seed: settings.seed, dtype: 'float64' });
  const label = 'CIFAR-10 conv net, float64';
  return pair(settings, { label, build, data: cifar, dtype: 'float64', steps, batchSize }, { control: true });
}

/**
 * Step decay vs the exponential schedules (TEXP alone, exponential cosine) in float32, one comparison per seed:
 * on the CIFAR-10 conv net when `cifar` (`data` is then CIFAR-10's), else on the MNIST MLP.
 * @example scheduleComparisons(settings, cifarData(config.schedules), true)
 */
export function scheduleComparisons(settings: RunSettings, data: PairData, cifar: boolean): ScheduleComparison[] {
  const { seed, quiet, config } = settings;
  const { seeds, steps, milestones, channels, evaluations, curveTest } = config.schedules;
  const build = cifar
    ? (netSeed: number) => scaleInvariantConvNet({ channels, classes: 10, seed: netSeed, dtype: 'float32' })
    : (netSeed: number) => mnistMlp(settings, 'float32', netSeed);
  return Array.from({ length: seeds }, (_, k) =>
    compareSchedules({
      build,
      data,
      label: cifar ? 'CIFAR-10 conv net' : 'MNIST MLP',
      dtype: 'float32',
      batchSize: config.schedules.batchSize,
      steps,
      seed: seed + 1 + k,
      hyperparameters: { ...hyperparameters, milestones },
      evaluateEvery: Math.max(1, Math.floor(steps / evaluations)),
      curveTestCount: curveTest,
      quiet,
    }),
  );
}
