/**
 * The two scales of the contrastive rebuild (PAPERS.md §9): the default fits ten minutes on two
 * CPU cores (text: AG News with a bag-of-words encoder; images: MNIST and CIFAR-10 with a small
 * CNN); --quick shrinks every size so the run takes seconds.
 */

/** Adam on a linear classifier over standardized representations. */
export interface ProbeConfig {
  steps: number;
  learningRate: number;
}

export interface TextConfig {
  trainArticles: number;
  testArticles: number;
  vocabulary: number;
  /** Each article is cut into this many pieces: the points of its latent class. */
  pieces: number;
  /** The representation's size d (contrastive and supervised alike). */
  width: number;
  steps: number;
  batch: number;
  learningRate: number;
  /** k values of the negatives sweep; the first is the main contrastive run. */
  negatives: readonly number[];
  /** Block size b of the block contrastive loss (§6.2); at most pieces − 1. */
  block: number;
  /** Seeds of the main contrastive and supervised runs (their spread is the seed noise). */
  seeds: number;
  checkpointEvery: number;
  /** The first this many test (and train) articles are the finite distribution on which the bound is measured. */
  boundArticles: number;
  probe: ProbeConfig;
}

export interface ImageConfig {
  /** Images of the training split used unlabelled (contrastive) or labelled (supervised representation). */
  pool: number;
  /** Labelled training images that fit the mean and linear classifiers. */
  labelled: number;
  test: number;
  channels: readonly [number, number];
  width: number;
  steps: number;
  batch: number;
  learningRate: number;
  checkpointEvery: number;
  /** The first this many test (and labelled) images are the finite distribution of the bound. */
  boundImages: number;
  probe: ProbeConfig;
}

export interface Config {
  text: TextConfig;
  images: { mnist: ImageConfig; cifar10: ImageConfig };
  /** Few labelled examples per class for the μ-5 mean classifier, and how many draws it averages. */
  fewShot: { perClass: number; draws: number };
}

export const defaultConfig: Config = {
  text: {
    trainArticles: 6000,
    testArticles: 1600,
    vocabulary: 3000,
    pieces: 3,
    width: 32,
    steps: 400,
    batch: 64,
    learningRate: 0.02,
    negatives: [1, 3, 10],
    block: 2,
    seeds: 2,
    checkpointEvery: 100,
    boundArticles: 250,
    probe: { steps: 300, learningRate: 0.05 },
  },
  images: {
    mnist: {
      pool: 6000,
      labelled: 2000,
      test: 1000,
      channels: [8, 16],
      width: 64,
      steps: 120,
      batch: 64,
      learningRate: 0.002,
      checkpointEvery: 30,
      boundImages: 300,
      probe: { steps: 300, learningRate: 0.05 },
    },
    cifar10: {
      pool: 6000,
      labelled: 2000,
      test: 1000,
      channels: [8, 16],
      width: 64,
      steps: 120,
      batch: 64,
      learningRate: 0.002,
      checkpointEvery: 30,
      boundImages: 300,
      probe: { steps: 300, learningRate: 0.05 },
    },
  },
  fewShot: { perClass: 5, draws: 20 },
};

const quickImages: ImageConfig = {
  pool: 600,
  labelled: 300,
  test: 200,
  channels: [4, 8],
  width: 16,
  steps: 8,
  batch: 16,
  learningRate: 0.003,
  checkpointEvery: 4,
  boundImages: 100,
  probe: { steps: 40, learningRate: 0.05 },
};

export const quickConfig: Config = {
  text: {
    trainArticles: 800,
    testArticles: 300,
    vocabulary: 1000,
    pieces: 3,
    width: 16,
    steps: 60,
    batch: 32,
    learningRate: 0.02,
    negatives: [1, 4],
    block: 2,
    seeds: 2,
    checkpointEvery: 20,
    boundArticles: 60,
    probe: { steps: 40, learningRate: 0.05 },
  },
  images: { mnist: quickImages, cifar10: quickImages },
  fewShot: { perClass: 5, draws: 5 },
};

/** The sizes of a default run, or of a `--quick` one. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}
