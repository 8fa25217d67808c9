/**
 * exp-lr — Li & Arora, "An Exponential Learning Rate Schedule for Deep Learning", ICLR 2020
 * (arXiv 1910.07454; PAPERS.md §2), rebuilt on theorygrad:
 *   (i)   the main theorem: SGD with momentum γ, weight decay λ and LR η on a scale-invariant
 *         net computes the same function at every step as SGD with no weight decay and
 *         η̃_t = η·α^{−2t−1}, α the larger root of x² − (1 + γ − λη)x + γ = 0, given the
 *         twin's initial momentum (papers/exp-lr/twin.ts); on MNIST and a CIFAR-10 subset;
 *   (ii)  step decay vs its TEXP schedule: same accuracy;
 *   (iii) the toy: WD alone or BN alone converge, BN + WD does not.
 * Run: npx tsx papers/exp-lr.ts [--quick] [--seed N] [--out DIR] [--quiet]
 * (CIFAR-10 from THEORYGRAD_DATA; without it that part is skipped and said so.)
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as ad from '../autodiff/index.ts';
import {
  channelStatistics,
  dataPath,
  downsample,
  loadCifar10,
  loadMnist,
  normalize,
  takeFirst,
  type Dataset,
} from '../src/data/index.ts';
import type * as nn from '../src/nn/index.ts';
import { expLrAlpha } from '../src/optim/index.ts';
import {
  claimsTable,
  formatTable,
  parseCommonFlags,
  resultsWriter,
  summaryMarkdown,
  type CommonFlags,
} from '../src/report/index.ts';
import { configuration, hyperparameters } from './exp-lr/config.ts';
import {
  gapFigure,
  normRatioFigure,
  pairFigures,
  scheduleAccuracyFigure,
  scheduleLrFigure,
  thin,
  toyFigures,
} from './exp-lr/figures.ts';
import { scaleInvariantConvNet, scaleInvariantMlp } from './exp-lr/networks.ts';
import { runPair, type PairData, type PairTrace } from './exp-lr/pair.ts';
import { compareSchedules } from './exp-lr/schedules.ts';
import { buildClaims, summarizePair, summarizeSchedules, summarizeToy } from './exp-lr/summary.ts';
import { describeRun } from './exp-lr/text.ts';
import { runToyExample } from './exp-lr/toy.ts';

/** Downsampled (factor 2) subsets, standardized per channel with the training subset's statistics. */
function prepare(train: Dataset, test: Dataset, sizes: { train: number; test: number; calibration: number }): PairData {
  const [smallTrain, smallTest] = [
    downsample(takeFirst(train, sizes.train), 2),
    downsample(takeFirst(test, sizes.test), 2),
  ];
  const { mean, std } = channelStatistics(smallTrain);
  const standardized = normalize(smallTrain, mean, std);
  return {
    train: standardized,
    test: normalize(smallTest, mean, std),
    calibration: takeFirst(standardized, sizes.calibration),
  };
}

/** CIFAR-10 if its directory exists; an error instead when THEORYGRAD_REQUIRE_DATA=1. */
function cifarAvailable(): boolean {
  if (existsSync(dataPath(['cifar-10-batches-bin']))) return true;
  if (process.env.THEORYGRAD_REQUIRE_DATA === '1')
    throw new Error(`exp-lr: ${dataPath(['cifar-10-batches-bin'])} not found and THEORYGRAD_REQUIRE_DATA=1`);
  return false;
}

/**
 * Runs every experiment, writes results.json, summary.md and the figures, prints the claims
 * table, and returns the results.
 * @example main(['--quick', '--out', '/tmp/exp-lr', '--quiet'])
 */
export function main(argv: readonly string[] = process.argv.slice(2)) {
  const flags: CommonFlags = parseCommonFlags(argv);
  if (flags.rest.length > 0) throw new Error(`exp-lr: unknown arguments ${flags.rest.join(' ')}`);
  const backend = ad.currentBackend().describe();
  console.log(`exp-lr: backend ${backend}`);
  const start = performance.now();
  const config = configuration(flags.quick);
  const { seed, quiet } = flags;
  const alpha = expLrAlpha(hyperparameters.lr, hyperparameters.weightDecay, hyperparameters.momentum);
  const mnist = prepare(loadMnist('train'), loadMnist('test'), config.mnist);
  const mlp =
    (dtype: ad.DType, netSeed = seed) =>
    () =>
      scaleInvariantMlp({ inputs: 196, width: config.mnist.width, depth: 2, classes: 10, seed: netSeed, dtype });
  const pairRun = (
    label: string,
    build: () => nn.Sequential,
    data: PairData,
    dtype: ad.DType,
    steps: number,
    batchSize: number,
    { milestones = [] as number[], control = false } = {},
  ) =>
    runPair({
      label,
      build,
      data,
      dtype,
      batchSize,
      steps,
      seed,
      hyperparameters: { ...hyperparameters, milestones },
      evaluateEvery: Math.max(1, Math.floor(steps / 5)),
      control,
      quiet,
    });

  // (i) the equivalence, float64 (and float32 for the rounding floor)
  const traces: PairTrace[] = [
    pairRun('MNIST MLP, float64', mlp('float64'), mnist, 'float64', config.equivalenceSteps, config.mnist.batchSize, {
      control: true,
    }),
  ];
  const withCifar = cifarAvailable();
  if (withCifar) {
    const cifar = prepare(loadCifar10('train'), loadCifar10('test'), config.cifar);
    const convNet = () =>
      scaleInvariantConvNet({ channels: config.cifar.channels, classes: 10, seed, dtype: 'float64' });
    traces.push(
      pairRun('CIFAR-10 conv net, float64', convNet, cifar, 'float64', config.cifar.steps, config.cifar.batchSize, {
        control: true,
      }),
    );
  } else
    console.log(
      `exp-lr: CIFAR-10 not found at ${dataPath(['cifar-10-batches-bin'])}: its part is skipped (set THEORYGRAD_DATA)`,
    );
  const float32 = pairRun(
    'MNIST MLP, float32',
    mlp('float32'),
    mnist,
    'float32',
    config.equivalenceSteps,
    config.mnist.batchSize,
    { control: true },
  );
  // (ii) TEXP: exact across drops in float64, then the accuracy comparison over seeds in float32
  const texp = pairRun(
    'MNIST MLP, float64, 2 drops',
    mlp('float64'),
    mnist,
    'float64',
    config.texp.steps,
    config.mnist.batchSize,
    { milestones: config.texp.milestones },
  );
  const comparisons = Array.from({ length: config.schedules.seeds }, (_, k) =>
    compareSchedules({
      build: (netSeed) => mlp('float32', netSeed)(),
      data: mnist,
      dtype: 'float32',
      batchSize: config.mnist.batchSize,
      steps: config.schedules.steps,
      seed: seed + 1 + k,
      hyperparameters: { ...hyperparameters, milestones: config.schedules.milestones },
      evaluateEvery: Math.floor(config.schedules.steps / 8),
      quiet,
    }),
  );
  // (iii) the toy
  const toy = runToyExample({ ...config.toy, seed });

  const pairs = traces.map(summarizePair);
  const schedules = summarizeSchedules(comparisons);
  const toySummary = summarizeToy(toy);
  const claims = buildClaims({
    alpha,
    pairs,
    float32: summarizePair(float32),
    texp: summarizePair(texp),
    schedules,
    scheduleSeeds: comparisons.length,
    testCount: mnist.test.count,
    toy: toySummary,
  });
  const seconds = (performance.now() - start) / 1000;

  const results = resultsWriter({ slug: 'exp-lr', quick: flags.quick, out: flags.out });
  const figures = [
    ...traces.flatMap((trace, index) => pairFigures(trace, index === 0 ? 'mnist' : 'cifar', alpha)),
    {
      name: 'norm-ratio.svg',
      caption:
        "‖w̃_t‖/‖w_t‖ of the twin and the WD run against α^−t: the twin's weights grow exponentially while the WD run's stay bounded.",
      svg: normRatioFigure(traces, alpha),
    },
    {
      name: 'output-gap.svg',
      caption:
        'Per-step relative gap between the outputs of the WD run and its twin on the same minibatch (solid), and between the WD run and a copy started from weights perturbed by ±1 ulp (dashed, "control"); grey lines: float32 unit roundoff and the 1e-9 target.',
      svg: gapFigure([...traces, float32, texp]),
    },
    {
      name: 'schedules-accuracy.svg',
      caption: 'Step decay vs TEXP on MNIST (float32): test accuracy, mean over seeds with the range between seeds.',
      svg: scheduleAccuracyFigure(comparisons),
    },
    {
      name: 'schedules-lr.svg',
      caption:
        "The step-decay LR and its TEXP schedule: divided by the drop factor once at each drop, then growing by the new phase's α^−2 per step.",
      svg: scheduleLrFigure(comparisons[0]),
    },
    ...toyFigures(toy),
  ];
  for (const figure of figures) results.writeFigure(figure.name, figure.svg);
  const thinTrace = (trace: PairTrace) => ({
    label: trace.label,
    evaluations: trace.evaluations,
    perStep: Object.fromEntries(
      (
        [
          'loss',
          'twinLoss',
          'outputGap',
          'controlGap',
          'weightGap',
          'lr',
          'twinLr',
          'weightNorm',
          'twinWeightNorm',
        ] as const
      ).map((key) => [key, thin(trace[key], 100)]),
    ),
  });
  results.writeJson({
    paper: 'Li & Arora, An Exponential Learning Rate Schedule for Deep Learning, ICLR 2020 (arXiv 1910.07454)',
    backend,
    quick: flags.quick,
    seed,
    seconds,
    configuration: config,
    hyperparameters,
    alpha,
    cifar: withCifar,
    claims,
    pairs,
    float32: summarizePair(float32),
    texp: summarizePair(texp),
    schedules: {
      seeds: comparisons.map((comparison) => comparison.seed),
      arms: schedules,
      evaluationSteps: comparisons[0].evaluationSteps,
      accuracy: comparisons.map((comparison) => comparison.arms.map((arm) => arm.accuracy)),
    },
    toy: { bnMinimum: toy.bnMinimum, wdMinimum: toy.wdMinimum, runs: toySummary },
    traces: [...traces, float32, texp].map(thinTrace),
  });
  results.writeSummary(
    summaryMarkdown({
      title: 'exp-lr: An Exponential Learning Rate Schedule for Deep Learning (Li & Arora, ICLR 2020)',
      flags,
      claims,
      figures: figures.map(({ name, caption }) => ({ file: name, caption })),
      ...describeRun({
        alpha,
        config,
        pairs,
        float32: summarizePair(float32),
        schedules,
        toy,
        withCifar,
        seconds,
        backend,
      }),
    }),
  );
  console.log(formatTable(claimsTable(claims)));
  console.log(`exp-lr: ${seconds.toFixed(0)} s; results in ${results.directory}`);
  return { claims, pairs, schedules, toy: toySummary, seconds, directory: results.directory, cifar: withCifar };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
