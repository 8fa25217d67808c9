/**
 * The prose of summary.md (the harness adds the title, the run line, the claims table and the
 * figures): the setting (text/description.md), the accuracy tables of each experiment, the bound
 * at every checkpoint, the paper's reported figures (recalled), and what does not reproduce.
 */
import { formatNumber, markdownTable, markdownTemplate, type Claim, type PaperOutput } from '../../src/report/index.ts';
import type { Config } from './config.ts';
import { withoutCorrect, type RepresentationScores } from './evaluate.ts';
import type { ImageResult } from './experiments-images.ts';
import type { BoundCheckpoint, TextResult } from './experiments-text.ts';

const percent = (value: number) => `${formatNumber(100 * value, 3)}%`;

function accuracyTable(representations: readonly RepresentationScores[]): string {
  return markdownTable(
    {
      columns: ['representation', 'mean clf.', 'mean top-2', 'mean AVG-2', 'μ-5', 'linear clf.', 'linear AVG-2'],
      rows: representations.map((r) => [
        r.name,
        r.meanAccuracy,
        r.meanTopTwo,
        r.meanAveragePair,
        r.fewShotMean,
        r.linearAccuracy,
        r.linearAveragePair,
      ]),
    },
    { precision: 3 },
  );
}

function boundTable(checkpoints: readonly BoundCheckpoint[]): string {
  return markdownTable(
    {
      columns: ['step', 'τ', 'L_un (held-out)', 'bound (held-out)', 'L^μ_sup (held-out)', 'bound from training L_un'],
      rows: checkpoints.map((c) => [
        c.step,
        c.test.tau,
        c.test.unsupervised,
        c.test.bound,
        c.test.supervised,
        c.train.bound,
      ]),
    },
    { precision: 4 },
  );
}

/** results.json's own part: everything measured, without the per-example correctness arrays. */
export function forResults(text: TextResult | undefined, images: readonly ImageResult[]): Record<string, unknown> {
  return {
    text: text && { ...text, representations: text.representations.map(withoutCorrect) },
    images: images.map((result) => ({ ...result, representations: result.representations.map(withoutCorrect) })),
  };
}

/** The description and the sections of summary.md. */
export function describeRun(
  config: Config,
  claims: readonly Claim[],
  text: TextResult | undefined,
  images: readonly ImageResult[],
  seconds: Readonly<Record<string, number>>,
): PaperOutput['summary'] {
  const { mnist } = config.images;
  const description = markdownTemplate(import.meta.url, 'text/description.md', {
    trainArticles: config.text.trainArticles,
    testArticles: config.text.testArticles,
    vocabulary: config.text.vocabulary,
    pieces: config.text.pieces,
    width: config.text.width,
    textSteps: config.text.steps,
    textBatch: config.text.batch,
    block: config.text.block,
    negatives: config.text.negatives.join(', '),
    pool: mnist.pool,
    channels: mnist.channels.join(' and '),
    imageWidth: mnist.width,
    imageSteps: mnist.steps,
    imageBatch: mnist.batch,
    labelled: mnist.labelled,
    test: mnist.test,
    fewShotDraws: config.fewShot.draws,
    boundArticles: config.text.boundArticles,
    boundImages: mnist.boundImages,
  });
  const sections: { heading: string; body: string }[] = [];
  if (text) {
    sections.push({
      heading: 'AG News: 4-topic accuracy of each representation',
      body: accuracyTable(text.representations),
    });
    sections.push({
      heading: 'AG News: accuracy against the number of negatives k',
      body:
        markdownTable(
          {
            columns: ['k', 'mean clf.', 'mean AVG-2', 'linear clf.'],
            rows: text.sweep.map((s) => [s.negatives, s.meanAccuracy, s.meanAveragePair, s.linearAccuracy]),
          },
          { precision: 3 },
        ) +
        `\n\nSeed spread (|seed 0 − seed 1|) of the k = ${text.sweep[0].negatives} contrastive run: mean classifier ${formatNumber(100 * text.seedSpread.curlMean, 2)} points, linear ${formatNumber(100 * text.seedSpread.curlLinear, 2)}; supervised: ${formatNumber(100 * text.seedSpread.supervisedMean, 2)} and ${formatNumber(100 * text.seedSpread.supervisedLinear, 2)} points.`,
    });
    sections.push({ heading: 'AG News: the bound at every checkpoint', body: boundTable(text.checkpoints) });
  }
  for (const result of images) {
    const name = result.dataset === 'mnist' ? 'MNIST' : 'CIFAR-10';
    sections.push({
      heading: `${name}: 10-class accuracy of each representation`,
      body: accuracyTable(result.representations),
    });
    sections.push({ heading: `${name}: the bound at every checkpoint`, body: boundTable(result.checkpoints) });
  }
  sections.push({
    heading: "The paper's reported figures (recalled)",
    body: markdownTemplate(import.meta.url, 'text/paper-table.md'),
  });
  const mnistResult = images.find((result) => result.dataset === 'mnist');
  const untrained = mnistResult?.representations.find((r) => r.name.startsWith('untrained'));
  if (untrained)
    sections.push({
      heading: 'Reading the tables',
      body: markdownTemplate(import.meta.url, 'text/caveats.md', {
        untrainedMean: percent(untrained.meanAccuracy),
        untrainedLinear: percent(untrained.linearAccuracy),
        imageSteps: mnist.steps,
      }),
    });
  const failed = claims.filter((claim) => claim.holds !== true && claim.holds !== 'n/a');
  sections.push({
    heading: 'Where it does not reproduce',
    body:
      (failed.length === 0
        ? 'Every claim in the table holds in this run.'
        : failed
            .map(
              (claim) =>
                `- **${claim.claim}** — ${claim.holds === false ? 'does not hold' : claim.holds}: ${claim.ours}.`,
            )
            .join('\n')) +
      `\n\nThe whole run took ${formatNumber(seconds.total, 3)} s (${Object.entries(seconds)
        .filter(([part]) => part !== 'total')
        .map(([part, value]) => `${part} ${formatNumber(value, 3)} s`)
        .join(', ')}; wall-clock on a shared machine).` +
      (text ? '' : '\n\nAG News was not found, so the text experiment was skipped.'),
  });
  return { description, sections };
}
