/**
 * The two scales of the saliency-cgi rebuild (PAPERS.md §6). The default fits ten minutes on two
 * shared CPU cores (training the four CNNs takes most of it); --quick shrinks every size so the
 * whole run takes seconds.
 */

/** One dataset's models and saliency sets. */
export interface DatasetConfig {
  /** Training images (the first ones of the training split) and epochs for the true-label CNN. */
  trainImages: number;
  epochs: number;
  /** The random-label CNN (Adebayo et al.'s data randomization test): fewer images, more epochs. */
  randomLabelImages: number;
  randomLabelEpochs: number;
  batchSize: number;
  learningRate: number;
  /** Test images for the accuracies. */
  testImages: number;
  /** The fixed set of test images whose maps are compared (a seeded random draw). */
  saliencyImages: number;
  /** How many of them the map figures show. */
  shownImages: number;
}

export interface Config {
  mnist: DatasetConfig;
  cifar: DatasetConfig;
  /** Midpoint-rule steps of integrated gradients. */
  integratedGradientSteps: number;
  /** Channels of the two conv layers and width of the hidden dense layer. */
  channels: readonly [number, number];
  hidden: number;
}

export const defaultConfig: Config = {
  mnist: {
    trainImages: 6000,
    epochs: 1,
    randomLabelImages: 500,
    randomLabelEpochs: 16,
    batchSize: 64,
    learningRate: 0.05,
    testImages: 2000,
    saliencyImages: 24,
    shownImages: 6,
  },
  cifar: {
    trainImages: 6000,
    epochs: 2,
    randomLabelImages: 500,
    randomLabelEpochs: 16,
    batchSize: 64,
    learningRate: 0.02,
    testImages: 2000,
    saliencyImages: 24,
    shownImages: 6,
  },
  integratedGradientSteps: 8,
  channels: [8, 16],
  hidden: 64,
};

export const quickConfig: Config = {
  mnist: {
    ...defaultConfig.mnist,
    trainImages: 400,
    randomLabelImages: 100,
    randomLabelEpochs: 3,
    testImages: 200,
    saliencyImages: 5,
    shownImages: 3,
  },
  cifar: {
    ...defaultConfig.cifar,
    trainImages: 400,
    epochs: 1,
    randomLabelImages: 100,
    randomLabelEpochs: 3,
    testImages: 200,
    saliencyImages: 5,
    shownImages: 3,
  },
  integratedGradientSteps: 4,
  channels: [8, 16],
  hidden: 64,
};

/** The sizes of a default run, or of a `--quick` one. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}
