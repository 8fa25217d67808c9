/**
 * exp-lr — Li & Arora, "An Exponential Learning Rate Schedule for Deep Learning", ICLR 2020
 * (arXiv 1910.07454; PAPERS.md §2), rebuilt on theorygrad:
 *   (i)   the main theorem: SGD with momentum γ, weight decay λ and LR η on a scale-invariant
 *         net computes the same function at every step as SGD with no weight decay and
 *         η̃_t = η·α^{−2t−1}, α the larger root of x² − (1 + γ − λη)x + γ = 0, given the
 *         twin's initial momentum (papers/exp-lr/twin.ts); on MNIST and a CIFAR-10 subset;
 *   (ii)  accuracy: step decay + WD vs its TEXP schedule alone and vs §4's exponential cosine
 *         schedule (no WD), on a CIFAR-10 conv net in float32 over two seeds;
 *   (iii) the toy: WD alone or BN alone converge, BN + WD does not.
 *
 *   npx tsx papers/exp-lr.ts            # default scale, about 7 minutes on 2 idle cores
 *   npx tsx papers/exp-lr.ts --quick    # seconds, to results/quick/
 * (CIFAR-10 from THEORYGRAD_DATA; without it the CIFAR-10 pair is skipped and the accuracy
 * comparison runs on the MNIST MLP, and the summary says so.)
 */
import { expLrAlpha } from '../src/optim/index.ts';
import { runPaper } from '../src/report/index.ts';
import { buildClaims } from './exp-lr/claims.ts';
import { configuration, hyperparameters } from './exp-lr/config.ts';
import { cifarData, mnistData } from './exp-lr/data.ts';
import { cifarPair, mnistPair, scheduleComparisons } from './exp-lr/experiments.ts';
import { figures } from './exp-lr/figures.ts';
import { resultsOf, summarizeRuns, type Runs } from './exp-lr/summaries.ts';
import { describeRun } from './exp-lr/text.ts';
import { runToyExample } from './exp-lr/toy.ts';

export const main = runPaper(import.meta.url, {
  slug: 'exp-lr',
  title: 'An Exponential Learning Rate Schedule for Deep Learning (Li & Arora, ICLR 2020)',
  citation: 'Li & Arora, An Exponential Learning Rate Schedule for Deep Learning, ICLR 2020 (arXiv 1910.07454)',
  runTime: 'about 7 minutes',
  configuration,
  run({ config, seed, quiet, backend, elapsedSeconds, hasDataset, onCpu }) {
    const settings = { config, seed, quiet };
    const alpha = expLrAlpha(hyperparameters.lr, hyperparameters.weightDecay, hyperparameters.momentum);
    // MNIST pooled to 14×14 and standardized; CIFAR-10 pooled to 16×16 where the data directory has it.
    const mnist = mnistData(config.mnist);
    const withCifar = hasDataset('cifar10', 'the CIFAR-10 conv net pair and accuracy comparison');
    // (i) The main theorem, the WD run beside its exponential-LR twin (and a ±1-ulp control), in float64 on cpu
    // (the claim is a gap below 1e-9, under float32's ≈ 1e-7 a step, which ReLU flips amplify) on the MNIST MLP
    // and the CIFAR-10 conv net; the MNIST pair in float32, on the chosen backend, for the rounding floor.
    const { equivalenceSteps, texp: drops, schedules } = config;
    const pairs = 'the float64 equivalence pairs (MNIST, CIFAR-10, two LR drops)';
    const mnist64 = () =>
      mnistPair(settings, mnist, 'MNIST MLP, float64', 'float64', equivalenceSteps, { control: true });
    const traces = [onCpu(pairs, mnist64)];
    const cifar = withCifar ? cifarData(config.cifar, schedules) : [];
    if (withCifar) traces.push(onCpu(pairs, () => cifarPair(settings, cifar[0])));
    const float32 = mnistPair(settings, mnist, 'MNIST MLP, float32', 'float32', equivalenceSteps, { control: true });
    // (ii) TEXP: exact across two LR drops in float64…
    const texp = onCpu(pairs, () =>
      mnistPair(settings, mnist, 'MNIST MLP, float64, 2 drops', 'float64', drops.steps, {
        milestones: drops.milestones,
      }),
    );
    // … and the accuracy of step decay + WD vs the TEXP schedule alone and the exponential cosine schedule,
    // in float32 over seeds, on the CIFAR-10 conv net trained on all of batch 1.
    const comparisonLabel = withCifar ? 'CIFAR-10 conv net' : 'MNIST MLP';
    const comparisonData = cifar[1] ?? mnist;
    const comparisons = scheduleComparisons(settings, comparisonData, withCifar);
    // (iii) The toy: WD alone, BN alone, BN + WD, in float64 on cpu: WD alone must reach its minimum within 1e-8,
    // below float32's resolution of a loss near 0.1 (claims.ts).
    const toy = onCpu('the toy example (float64)', () => runToyExample({ ...config.toy, seed }));

    // From the runs to numbers and claims; the figures, results.json's fields and summary.md's prose.
    const runs: Runs = { traces, float32, texp, comparisons, comparisonLabel, toy };
    const summaries = summarizeRuns(runs);
    const claims = buildClaims({ ...summaries, scheduleNetwork: comparisonLabel, scheduleSeeds: comparisons.length });
    const sizes = { scheduleTrain: comparisonData.train.count, scheduleTest: comparisonData.test.count };
    const description = { alpha, config, ...summaries, ...sizes, scheduleNetwork: comparisonLabel, toy, withCifar };
    const timing = { seconds: elapsedSeconds(), backend };
    return {
      claims,
      figures: figures(runs, alpha),
      results: resultsOf(runs, summaries, { hyperparameters, alpha, cifar: withCifar }),
      summary: describeRun({ ...description, ...timing }),
    };
  },
});
