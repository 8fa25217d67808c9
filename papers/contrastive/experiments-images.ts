/**
 * Images (§8.2's CIFAR-100 experiment, on MNIST and CIFAR-10): latent classes are the labels,
 * similar pairs two images of one class, the negative a random image. A small CNN is trained
 * contrastively (logistic loss, k = 1) and with labels (supervised representation of the same
 * width); both are scored with the mean classifier (accuracy, top-2, AVG-2, μ-5) and a linear
 * classifier, and the bound of Lemma 4.3 is measured at every checkpoint.
 */
import { groupByLabel, type LabelledRepresentations } from '../../src/contrastive/index.ts';
import { deriveSeed, type Dataset } from '../../src/data/index.ts';
import type { Config, ImageConfig } from './config.ts';
import { loadImages } from './data.ts';
import { ConvEncoder, represent } from './encoders.ts';
import { compare, scoreRepresentation, type Comparison, type RepresentationScores } from './evaluate.ts';
import type { BoundCheckpoint } from './experiments-text.ts';
import { measureBound, trainContrastive, trainSupervised } from './training.ts';

export interface ImageResult {
  dataset: 'mnist' | 'cifar10';
  sizes: { pool: number; labelled: number; test: number; shape: number[] };
  representations: RepresentationScores[];
  comparisons: Comparison[];
  checkpoints: BoundCheckpoint[];
  losses: number[];
}

function labelled(encoder: ConvEncoder, set: Dataset): LabelledRepresentations {
  return {
    rows: represent(encoder.withImages(set), set.count, 250),
    width: encoder.width,
    labels: set.labels,
    classes: set.classes,
  };
}

/**
 * The image experiment on one dataset; `tick` advances a progress bar once per trained representation.
 * @example runImages('mnist', defaultConfig, 0, () => {})
 */
export function runImages(name: 'mnist' | 'cifar10', config: Config, seed: number, tick: () => void): ImageResult {
  const sizes: ImageConfig = config.images[name];
  const data = loadImages(name, sizes, seed);
  const groups = groupByLabel(data.pool.labels, data.pool.classes);
  const boundGroups = (set: Dataset) =>
    groupByLabel(set.labels.subarray(0, sizes.boundImages), set.classes).filter((members) => members.length > 0);
  const make = (runSeed: number) => new ConvEncoder(data.pool, sizes.channels, sizes.width, deriveSeed(runSeed, 1));
  const score = (label: string, encoder: ConvEncoder, runSeed: number) =>
    scoreRepresentation(
      label,
      labelled(encoder, data.labelled),
      labelled(encoder, data.test),
      sizes.probe,
      config.fewShot,
      runSeed,
    );

  const checkpoints: BoundCheckpoint[] = [];
  const runSeed = deriveSeed(seed, 300);
  const curlEncoder = make(runSeed);
  const untrained = score('untrained encoder', curlEncoder, runSeed);
  const losses = trainContrastive(
    curlEncoder,
    groups,
    { ...sizes, negatives: 1, seed: runSeed, loss: 'logistic' },
    (step) =>
      checkpoints.push({
        step,
        test: measureBound(curlEncoder.withImages(data.test), boundGroups(data.test), 'logistic'),
        train: measureBound(curlEncoder.withImages(data.labelled), boundGroups(data.labelled), 'logistic'),
      }),
  );
  tick();
  const curl = score('contrastive, k = 1', curlEncoder, runSeed);
  const supervisedEncoder = make(deriveSeed(seed, 301));
  trainSupervised(supervisedEncoder, data.pool.labels, data.pool.classes, { ...sizes, seed: deriveSeed(seed, 301) });
  tick();
  const supervised = score('supervised', supervisedEncoder, runSeed);
  return {
    dataset: name,
    sizes: { pool: data.pool.count, labelled: data.labelled.count, test: data.test.count, shape: [...data.pool.shape] },
    representations: [curl, supervised, untrained],
    comparisons: (['mean', 'linear'] as const).flatMap((classifier) => [
      compare(curl, supervised, classifier),
      compare(curl, untrained, classifier),
    ]),
    checkpoints,
    losses,
  };
}
