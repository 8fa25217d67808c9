/**
 * The rebuild's data. Text: AG News articles (the test split's 7,600, 4 topics), each cut into
 * `pieces` consecutive runs of words (the paper's Wiki-3029 uses sentences of one article as
 * similar points, §8.1): an article is a latent class, its pieces the points of D_c. Words are
 * kept as sparse term-frequency rows over a vocabulary of the training articles' most frequent
 * words. Images: MNIST and CIFAR-10, average-pooled by 2 and standardized, with labels as latent classes.
 */
import {
  buildVocabulary,
  channelStatistics,
  downsample,
  loadAgNews,
  loadCifar10,
  loadMnist,
  normalize,
  permutation,
  Random,
  takeRandom,
  tokenize,
  type Dataset,
} from '../../src/data/index.ts';

/** Documents as sparse term-frequency rows: document d's words are ids[offsets[d] … offsets[d+1]), each weighted 1/length. */
export interface SparseDocuments {
  ids: Int32Array;
  weights: Float32Array;
  offsets: Int32Array;
  count: number;
}

/** One side (train or test) of the text data. */
export interface TextSplit {
  /** Whole articles (title and description), for the 4-topic task. */
  articles: SparseDocuments;
  labels: Int32Array;
  /** pieces × articles documents: piece p of article a is document a·pieces + p. */
  pieces: SparseDocuments;
}

export interface TextData {
  vocabulary: string[];
  train: TextSplit;
  test: TextSplit;
  pieces: number;
}

function sparse(documents: readonly number[][]): SparseDocuments {
  const offsets = new Int32Array(documents.length + 1);
  documents.forEach((words, d) => (offsets[d + 1] = offsets[d] + words.length));
  const ids = new Int32Array(offsets[documents.length]);
  const weights = new Float32Array(ids.length);
  documents.forEach((words, d) => {
    words.forEach((id, j) => {
      ids[offsets[d] + j] = id;
      weights[offsets[d] + j] = 1 / words.length;
    });
  });
  return { ids, weights, offsets, count: documents.length };
}

/** Cuts a word list into `pieces` consecutive runs of (nearly) equal length. */
function cut(words: readonly number[], pieces: number): number[][] {
  return Array.from({ length: pieces }, (_, p) =>
    words.slice(Math.floor((p * words.length) / pieces), Math.floor(((p + 1) * words.length) / pieces)),
  );
}

/**
 * AG News articles with at least `pieces` in-vocabulary words, shuffled by `seed` and split into train and test.
 * @example loadText({ trainArticles: 6000, testArticles: 1600, vocabulary: 5000, pieces: 3 }, 0)
 */
export function loadText(
  sizes: { trainArticles: number; testArticles: number; vocabulary: number; pieces: number },
  seed: number,
): TextData {
  const corpus = loadAgNews('test');
  const order = permutation(corpus.count, new Random(seed));
  const trainTexts = Array.from(order.subarray(0, sizes.trainArticles), (i) => corpus.texts[i]);
  const vocabulary = buildVocabulary(trainTexts, sizes.vocabulary);
  const column = new Map(vocabulary.map((word, index) => [word, index]));
  const encoded = Array.from(order, (i) => ({
    words: tokenize(corpus.texts[i]).flatMap((word) => (column.has(word) ? [column.get(word)!] : [])),
    label: corpus.labels[i],
  })).filter(({ words }) => words.length >= sizes.pieces);
  const needed = sizes.trainArticles + sizes.testArticles;
  if (encoded.length < needed)
    throw new Error(`loadText: ${encoded.length} usable articles, fewer than the ${needed} asked for`);
  const split = (part: typeof encoded): TextSplit => ({
    articles: sparse(part.map(({ words }) => words)),
    labels: Int32Array.from(part, ({ label }) => label),
    pieces: sparse(part.flatMap(({ words }) => cut(words, sizes.pieces))),
  });
  return {
    vocabulary,
    train: split(encoded.slice(0, sizes.trainArticles)),
    test: split(encoded.slice(sizes.trainArticles, needed)),
    pieces: sizes.pieces,
  };
}

/** The image sets of one dataset: the unlabelled pool for contrastive (and supervised) training, the labelled subset that fits the classifiers, and the test set. */
export interface ImageData {
  name: 'mnist' | 'cifar10';
  pool: Dataset;
  labelled: Dataset;
  test: Dataset;
}

/**
 * MNIST or CIFAR-10 (training batch 1), average-pooled by 2, standardized with the pool's statistics.
 * @example loadImages('mnist', { pool: 6000, labelled: 2000, test: 1000 }, 0)
 */
export function loadImages(
  name: 'mnist' | 'cifar10',
  sizes: { pool: number; labelled: number; test: number },
  seed: number,
): ImageData {
  const [train, test] =
    name === 'mnist' ? [loadMnist('train'), loadMnist('test')] : [loadCifar10('train'), loadCifar10('test')];
  const pool = downsample(takeRandom(train, sizes.pool, seed), 2);
  const { mean, std } = channelStatistics(pool);
  const standardized = normalize(pool, mean, std);
  return {
    name,
    pool: standardized,
    labelled: takeRandom(standardized, sizes.labelled, seed + 1),
    test: normalize(downsample(takeRandom(test, sizes.test, seed + 2), 2), mean, std),
  };
}
