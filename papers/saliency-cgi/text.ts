/**
 * The prose of summary.md (the harness adds the title, the run line, the claims table and the
 * figures): the setting and our choices where the paper is silent (text/description.md), the
 * accuracies, the similarity tables per dataset, and what did not reproduce, said plainly.
 */
import { markdownTable, markdownTemplate, type Claim, type PaperOutput } from '../../src/report/index.ts';
import type { Config } from './config.ts';
import { methodNames, methods, type DatasetResult } from './experiments.ts';
import { formatMean, meanWithError, pairedDifference, verdict } from './statistics.ts';

const datasetNames = { mnist: 'MNIST', cifar: 'CIFAR-10' } as const;

function description(config: Config): string {
  const { mnist, cifar } = config;
  return markdownTemplate(import.meta.url, 'text/description.md', {
    igSteps: config.integratedGradientSteps,
    channels: config.channels.join(' and '),
    hidden: config.hidden,
    batchSize: mnist.batchSize,
    images: mnist.saliencyImages,
    mnistTrain: mnist.trainImages,
    mnistEpochs: mnist.epochs,
    mnistRate: mnist.learningRate,
    mnistRandom: mnist.randomLabelImages,
    mnistRandomEpochs: mnist.randomLabelEpochs,
    cifarTrain: cifar.trainImages,
    cifarEpochs: cifar.epochs,
    cifarRate: cifar.learningRate,
    cifarRandom: cifar.randomLabelImages,
    cifarRandomEpochs: cifar.randomLabelEpochs,
    testImages: mnist.testImages,
  });
}

/** Rows: methods; columns: each step of the cascade, the random-label model, mismatched images. */
function similarityTable(result: DatasetResult, measure: 'spearmanAbsolute' | 'spearmanSigned' | 'ssim'): string {
  const rows = methods.map((method) => [
    methodNames[method],
    ...result.cascade[method].slice(1).map((step) => formatMean(meanWithError(step[measure]))),
    formatMean(meanWithError(result.randomLabel[method][measure])),
  ]);
  return markdownTable({ columns: ['method', ...result.steps.slice(1), 'random labels'], rows });
}

function inputTable(result: DatasetResult): string {
  const rows = methods.map((method) => [
    methodNames[method],
    ...result.inputCorrelation[method].map((values) => formatMean(meanWithError(values))),
    formatMean(meanWithError(result.mismatched[method])),
  ]);
  return markdownTable({
    columns: ['method', ...result.steps, 'random labels', 'trained, image j vs j + 1'],
    rows,
  });
}

function datasetSections(result: DatasetResult): { heading: string; body: string }[] {
  const name = datasetNames[result.name];
  const kept = result.cgiKept.map((fraction) => `${(100 * fraction).toFixed(1)}%`);
  return [
    {
      heading: `${name}: Spearman of |maps| with the trained model's (mean ± SE over images)`,
      body:
        `${similarityTable(result, 'spearmanAbsolute')}\n\nColumns: layers re-initialized cumulatively from the top, then ` +
        'the model trained on permuted labels. Each map equals itself on the trained model (1).',
    },
    { heading: `${name}: Spearman of signed maps`, body: similarityTable(result, 'spearmanSigned') },
    { heading: `${name}: SSIM of |maps| scaled to [0, 1]`, body: similarityTable(result, 'ssim') },
    {
      heading: `${name}: Spearman of |map| with the input's magnitude Σ_c|x_c|`,
      body:
        `${inputTable(result)}\n\nThe last column is a floor for "unrelated maps": the trained model's maps of two different ` +
        `images. CGI keeps ${kept.join(', ')} of the pixels (trained, each cascade step, random labels).`,
    },
  ];
}

/**
 * The other two measures at full randomization and for the random-label model, CGI against
 * gradient ⊙ input with the same paired rule as the claims: where they do not tell the two apart,
 * or say the opposite, it is said here.
 */
function otherMeasures(result: DatasetResult): string[] {
  const name = datasetNames[result.name];
  const last = result.steps.length - 1;
  const lines: string[] = [];
  for (const measure of ['ssim', 'spearmanSigned'] as const) {
    const label = measure === 'ssim' ? 'SSIM of |maps|' : 'Spearman of signed maps';
    const cases = [
      ['all layers randomized', result.cascade.cgi[last][measure], result.cascade.gradientTimesInput[last][measure]],
      ['random-label model', result.randomLabel.cgi[measure], result.randomLabel.gradientTimesInput[measure]],
    ] as const;
    for (const [what, cgi, gradientTimesInput] of cases) {
      const difference = pairedDifference([...gradientTimesInput], [...cgi]);
      const outcome = verdict(difference);
      const said =
        outcome === true
          ? 'CGI changes more'
          : outcome === false
            ? 'CGI changes *less* (the opposite of the claim)'
            : 'the two are not told apart (inside two paired SE)';
      lines.push(
        `- ${name}, ${what}, ${label}: CGI ${formatMean(meanWithError([...cgi]))}, G⊙I ${formatMean(meanWithError([...gradientTimesInput]))}: ${said}.`,
      );
    }
  }
  return lines;
}

/** The description and the sections of summary.md. */
export function describeRun(
  config: Config,
  claims: readonly Claim[],
  results: readonly DatasetResult[],
  runtimeSeconds: number,
): PaperOutput['summary'] {
  const failed = claims.filter((claim) => claim.holds === false);
  const unresolved = claims.filter((claim) => claim.holds === 'not resolved');
  const line = (claim: Claim) => `- **${claim.claim}** — paper: ${claim.paper}; ours: ${claim.ours}.`;
  const notReproduced = [
    failed.length === 0 ? 'Every claim in the table holds or is unresolved in this run.' : failed.map(line).join('\n'),
    unresolved.length === 0
      ? ''
      : `\n\nNot resolved at this size (inside two paired SE):\n\n${unresolved.map(line).join('\n')}`,
  ].join('');
  const accuracy = markdownTable({
    columns: [
      'dataset',
      'trained CNN, test',
      'random-label CNN, its (permuted) training labels',
      'random-label CNN, test',
    ],
    rows: results.map((result) => [
      datasetNames[result.name],
      `${(100 * result.accuracy.test).toFixed(1)}%`,
      `${(100 * result.accuracy.randomLabelTrain).toFixed(1)}%`,
      `${(100 * result.accuracy.randomLabelTest).toFixed(1)}%`,
    ]),
  });
  return {
    description: description(config),
    sections: [
      { heading: 'Accuracy of the models', body: accuracy },
      ...results.flatMap(datasetSections),
      {
        heading: 'What does not reproduce',
        body:
          `${notReproduced}\n\nThe same comparison with the other two measures (the claims use Spearman of |maps|, Adebayo et al.'s ` +
          `main measure). A sparse map (CGI keeps few pixels, and MNIST's background is zero for every map that multiplies by ` +
          `the input) can score a high SSIM against another sparse map through their shared zeros alone, so SSIM is read with care here:\n\n` +
          `${results.flatMap(otherMeasures).join('\n')}\n\nThe paper's figures are pictures of maps (recalled, [U] in PAPERS.md), so no row is decided by ` +
          `a number of the paper; the verdicts compare CGI with gradient ⊙ input on the same images. The whole run took ` +
          `${runtimeSeconds.toFixed(0)} s (wall clock on a shared machine).`,
      },
    ],
  };
}
