/**
 * Text (§8.1's Wiki-3029 experiment, on AG News): latent classes are articles, similar points
 * are pieces of one article, negatives are pieces of random articles. A bag-of-words encoder
 * is trained contrastively (k negatives, and the block loss), and evaluated on the 4-topic task
 * against a supervised representation of the same size, the raw bag of words and the untrained
 * encoder; the bound of Lemma 4.3 is measured at every checkpoint on held-out articles.
 */
import { scoreLinear, type LabelledRepresentations } from '../../src/contrastive/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import type { Config, TextConfig } from './config.ts';
import { loadText, type SparseDocuments, type TextData } from './data.ts';
import { BagOfWordsEncoder, represent } from './encoders.ts';
import { compare, scoreRepresentation, type Comparison, type RepresentationScores } from './evaluate.ts';
import { measureBound, trainContrastive, trainSupervised, type BoundMeasurement } from './training.ts';

/** The bound at one checkpoint, on held-out (test) and on training articles. */
export interface BoundCheckpoint {
  step: number;
  test: BoundMeasurement;
  train: BoundMeasurement;
}

export interface TextResult {
  articles: { train: number; test: number };
  width: number;
  vocabulary: number;
  representations: RepresentationScores[];
  comparisons: Comparison[];
  /** Accuracy of the mean and linear classifiers against k (seed 0), and of the block loss. */
  sweep: { negatives: number; meanAccuracy: number; linearAccuracy: number; meanAveragePair: number }[];
  checkpoints: BoundCheckpoint[];
  losses: number[];
  /** Seed spread of the main contrastive and supervised runs: |seed 0 − seed 1| of each accuracy. */
  seedSpread: { curlMean: number; curlLinear: number; supervisedMean: number; supervisedLinear: number };
}

const pieceGroups = (articles: number, pieces: number) =>
  Array.from({ length: articles }, (_, a) => Array.from({ length: pieces }, (_, p) => a * pieces + p));

function labelled(rows: Float32Array, width: number, labels: Int32Array): LabelledRepresentations {
  return { rows, width, labels, classes: 4 };
}

/** Mean classifier of the raw term-frequency vectors (sparse class means), and the linear classifier on them. */
function rawBagOfWords(
  data: TextData,
  config: TextConfig,
  fewShot: Config['fewShot'],
  seed: number,
): RepresentationScores {
  const dense = (documents: SparseDocuments) => {
    const rows = new Float32Array(documents.count * config.vocabulary);
    for (let d = 0; d < documents.count; d++)
      for (let j = documents.offsets[d]; j < documents.offsets[d + 1]; j++)
        rows[d * config.vocabulary + documents.ids[j]] += documents.weights[j];
    return rows;
  };
  const train = labelled(dense(data.train.articles), config.vocabulary, data.train.labels);
  const test = labelled(dense(data.test.articles), config.vocabulary, data.test.labels);
  const scores = scoreRepresentation('raw bag of words', train, test, { ...config.probe, steps: 0 }, fewShot, seed);
  // Softmax regression on tf(x): the bag-of-words encoder of width 4 trained by cross-entropy.
  const linear = new BagOfWordsEncoder(config.vocabulary, 4, deriveSeed(seed, 21), data.train.articles);
  trainSupervised(linear, data.train.labels, 4, { ...config, seed }, false);
  const logits = labelled(
    represent(linear.withDocuments(data.test.articles), data.test.articles.count),
    4,
    data.test.labels,
  );
  const identity = Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const linearScores = scoreLinear(logits, identity);
  return {
    ...scores,
    linearAccuracy: linearScores.accuracy,
    linearAveragePair: linearScores.averagePairAccuracy,
    correct: { mean: scores.correct.mean, linear: linearScores.correct },
  };
}

/**
 * The whole text experiment; `tick` advances a progress bar once per trained representation.
 * @example runText(defaultConfig, 0, () => {})
 */
export function runText(config: Config, seed: number, tick: () => void): TextResult {
  const text = config.text;
  const data = loadText(text, seed);
  const trainGroups = pieceGroups(text.trainArticles, text.pieces);
  const boundGroups = pieceGroups(text.boundArticles, text.pieces);
  const score = (name: string, encoder: BagOfWordsEncoder, runSeed: number) =>
    scoreRepresentation(
      name,
      labelled(
        represent(encoder.withDocuments(data.train.articles), text.trainArticles),
        text.width,
        data.train.labels,
      ),
      labelled(represent(encoder.withDocuments(data.test.articles), text.testArticles), text.width, data.test.labels),
      text.probe,
      config.fewShot,
      runSeed,
    );
  const contrastive = (
    runSeed: number,
    negatives: number,
    block?: number,
    onCheckpoint?: (e: BagOfWordsEncoder, step: number) => void,
  ) => {
    const encoder = new BagOfWordsEncoder(text.vocabulary, text.width, deriveSeed(runSeed, 1), data.train.pieces);
    const options = { ...text, negatives, block, seed: runSeed, loss: 'logistic' as const };
    const losses = trainContrastive(
      encoder,
      trainGroups,
      options,
      onCheckpoint && ((step) => onCheckpoint(encoder, step)),
    );
    tick();
    return { encoder, losses };
  };

  const checkpoints: BoundCheckpoint[] = [];
  const curl: RepresentationScores[] = [];
  let losses: number[] = [];
  for (let s = 0; s < text.seeds; s++) {
    const run = contrastive(
      deriveSeed(seed, 100 + s),
      text.negatives[0],
      undefined,
      s > 0
        ? undefined
        : (encoder, step) =>
            checkpoints.push({
              step,
              test: measureBound(encoder.withDocuments(data.test.pieces), boundGroups, 'logistic'),
              train: measureBound(encoder.withDocuments(data.train.pieces), boundGroups, 'logistic'),
            }),
    );
    if (s === 0) losses = run.losses;
    curl.push(
      score(
        `contrastive, k = ${text.negatives[0]}${s > 0 ? ` (seed ${s})` : ''}`,
        run.encoder,
        deriveSeed(seed, 100 + s),
      ),
    );
  }
  const supervised: RepresentationScores[] = [];
  for (let s = 0; s < text.seeds; s++) {
    const runSeed = deriveSeed(seed, 200 + s);
    const encoder = new BagOfWordsEncoder(text.vocabulary, text.width, deriveSeed(runSeed, 1), data.train.articles);
    trainSupervised(encoder, data.train.labels, 4, { ...text, seed: runSeed });
    tick();
    supervised.push(score(`supervised${s > 0 ? ` (seed ${s})` : ''}`, encoder, runSeed));
  }
  const block = score(
    `block contrastive, b = ${text.block}`,
    contrastive(deriveSeed(seed, 100), 1, text.block).encoder,
    seed,
  );
  const untrained = score(
    'untrained encoder',
    new BagOfWordsEncoder(text.vocabulary, text.width, deriveSeed(deriveSeed(seed, 100), 1), data.train.pieces),
    seed,
  );
  const raw = rawBagOfWords(data, text, config.fewShot, seed);
  tick();
  const sweep = text.negatives.map((negatives, i) => {
    const scores =
      i === 0
        ? curl[0]
        : score(`contrastive, k = ${negatives}`, contrastive(deriveSeed(seed, 100), negatives).encoder, seed);
    return {
      negatives,
      meanAccuracy: scores.meanAccuracy,
      linearAccuracy: scores.linearAccuracy,
      meanAveragePair: scores.meanAveragePair,
    };
  });
  const main = curl[0];
  const comparisons = (['mean', 'linear'] as const).flatMap((classifier) => [
    compare(main, supervised[0], classifier),
    compare(main, raw, classifier),
    compare(main, untrained, classifier),
    compare(block, main, classifier),
  ]);
  const spread = (runs: RepresentationScores[], pick: (s: RepresentationScores) => number) =>
    runs.length < 2 ? NaN : Math.abs(pick(runs[0]) - pick(runs[1]));
  return {
    articles: { train: text.trainArticles, test: text.testArticles },
    width: text.width,
    vocabulary: text.vocabulary,
    representations: [...curl, ...supervised, block, raw, untrained],
    comparisons,
    sweep,
    checkpoints,
    losses,
    seedSpread: {
      curlMean: spread(curl, (s) => s.meanAccuracy),
      curlLinear: spread(curl, (s) => s.linearAccuracy),
      supervisedMean: spread(supervised, (s) => s.meanAccuracy),
      supervisedLinear: spread(supervised, (s) => s.linearAccuracy),
    },
  };
}
