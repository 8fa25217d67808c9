/**
 * One dataset's experiment: train the CNN on true labels and another on permuted labels, compute
 * every method's maps of a fixed set of test images for the trained model, for each step of the
 * cascading randomization (top layer first) and for the random-label model, and compare them with
 * Adebayo et al.'s similarities and with the input itself.
 */
import * as ad from '../../autodiff/index.ts';
import { deriveSeed } from '../../src/data/index.ts';
import type * as nn from '../../src/nn/index.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import {
  cascadingRandomization,
  competitiveGradientTimesInput,
  gradientMap,
  gradientTimesInput,
  integratedGradients,
  mapSimilarity,
  pixelScores,
  scaledMagnitudes,
  spearman,
  type Logits,
} from '../../src/saliency/index.ts';
import type { Config } from './config.ts';
import { loadImages, permutedLabels, saliencySet, type DatasetName, type SaliencySet } from './data.ts';
import { accuracyOn, batchesPerEpoch, cnn, layersTopFirst, train } from './network.ts';

export const methods = ['gradient', 'gradientTimesInput', 'cgi', 'integratedGradients'] as const;
export type Method = (typeof methods)[number];
export const methodNames: Record<Method, string> = {
  gradient: 'gradient',
  gradientTimesInput: 'gradient ⊙ input',
  cgi: 'CGI',
  integratedGradients: 'integrated gradients',
};

/** Per-pixel maps [height·width] of every saliency image, per method, for one model. */
export type ModelMaps = Record<Method, Float64Array[]>;

/** Per image: Spearman of |maps|, Spearman of signed maps, SSIM of |maps| (Adebayo et al. §3). */
export interface Similarities {
  spearmanAbsolute: number[];
  spearmanSigned: number[];
  ssim: number[];
}

export interface DatasetResult {
  name: DatasetName;
  shape: number[];
  accuracy: { test: number; randomLabelTrain: number; randomLabelTest: number };
  /** 'trained', then one entry per randomized layer (top first). */
  steps: string[];
  /** Per method, per step: similarity of each image's map to the trained model's. */
  cascade: Record<Method, Similarities[]>;
  /** Per method: similarity of the random-label model's maps to the trained model's. */
  randomLabel: Record<Method, Similarities>;
  /** Per method, per step (then the random-label model last): Spearman(|map|, Σ_c|x_c|) per image. */
  inputCorrelation: Record<Method, number[][]>;
  /** Per method: Spearman of |maps| between the trained model's maps of different images (image j vs j + 1). */
  mismatched: Record<Method, number[]>;
  /** Fraction of pixels CGI keeps, per step, then the random-label model. */
  cgiKept: number[];
}

/** The maps the figures show: per model (steps, then the random-label model), per method. */
export interface ShownMaps {
  inputs: { pixels: Float32Array; shape: number[] }[];
  labels: number[];
  models: { title: string; maps: ModelMaps }[];
}

/** Progress units of one dataset: training batches, then one per model whose maps are computed. */
export function datasetUnits(config: Config['mnist']): number {
  return (
    config.epochs * batchesPerEpoch(config.trainImages, config.batchSize) +
    config.randomLabelEpochs * batchesPerEpoch(config.randomLabelImages, config.batchSize) +
    layersTopFirst.length +
    2
  );
}

/** Every method's per-pixel maps of the saliency set for the labels of the set. */
export function modelMaps(net: nn.Module, set: SaliencySet, steps: number): ModelMaps {
  const logits: Logits = (x) => net.forward(x);
  const rows = (map: ad.Tensor) => {
    const scores = pixelScores(map);
    const plane = scores.length / set.labels.length;
    return Array.from(set.labels, (_, i) => scores.slice(i * plane, (i + 1) * plane));
  };
  return {
    gradient: rows(gradientMap(logits, set.inputs, set.labels)),
    gradientTimesInput: rows(gradientTimesInput(logits, set.inputs, set.labels)),
    cgi: rows(competitiveGradientTimesInput(logits, set.inputs, set.labels)),
    integratedGradients: rows(integratedGradients(logits, set.inputs, set.labels, { steps })),
  };
}

function compare(original: Float64Array[], other: Float64Array[], height: number, width: number): Similarities {
  const pairs = original.map((map, i) => mapSimilarity(map, other[i], height, width));
  return {
    spearmanAbsolute: pairs.map((pair) => pair.spearmanAbsolute),
    spearmanSigned: pairs.map((pair) => pair.spearmanSigned),
    ssim: pairs.map((pair) => pair.ssim),
  };
}

function keptFraction(maps: Float64Array[]): number {
  let kept = 0;
  let total = 0;
  for (const map of maps) {
    for (const value of map) kept += value !== 0 ? 1 : 0;
    total += map.length;
  }
  return kept / total;
}

function byMethod<T>(make: (method: Method) => T): Record<Method, T> {
  return Object.fromEntries(methods.map((method) => [method, make(method)])) as Record<Method, T>;
}

/**
 * The whole experiment on one dataset (see the file comment).
 * @example runDataset('mnist', quickConfig, 0, bar)
 */
export function runDataset(
  name: DatasetName,
  config: Config,
  seed: number,
  bar: ProgressBar,
): { result: DatasetResult; shown: ShownMaps } {
  const sizes = config[name];
  const data = loadImages(name, sizes);
  const [, height, width] = data.shape;
  const datasetSeed = deriveSeed(seed, name === 'mnist' ? 1 : 2);
  // The trained model, and Adebayo et al.'s random-label model (same architecture, permuted labels).
  const trained = cnn(data.shape, config, deriveSeed(datasetSeed, 1));
  train(trained, data.train, sizes, sizes.epochs, deriveSeed(datasetSeed, 2), bar);
  const shuffled = permutedLabels(data.train, sizes.randomLabelImages, datasetSeed);
  const randomLabel = cnn(data.shape, config, deriveSeed(datasetSeed, 3));
  train(randomLabel, shuffled, sizes, sizes.randomLabelEpochs, deriveSeed(datasetSeed, 4), bar);
  const accuracy = {
    test: accuracyOn(trained, data.test),
    randomLabelTrain: accuracyOn(randomLabel, shuffled),
    randomLabelTest: accuracyOn(randomLabel, data.test),
  };

  const set = saliencySet(data, sizes.saliencyImages, datasetSeed);
  // Cascading randomization: fresh weights (another seed) replace the trained ones from the top down.
  const fresh = cnn(data.shape, config, deriveSeed(datasetSeed, 5));
  const cascade = cascadingRandomization(
    trained,
    fresh,
    layersTopFirst.map((layer) => layer.module),
  );
  const trainedState = trained.stateDict();
  const stepMaps = cascade.map((step) => {
    trained.loadStateDict(step.state);
    const maps = modelMaps(trained, set, config.integratedGradientSteps);
    bar.tick();
    return maps;
  });
  trained.loadStateDict(trainedState);
  const randomLabelMaps = modelMaps(randomLabel, set, config.integratedGradientSteps);
  bar.tick();

  const original = stepMaps[0];
  const allModels = [...stepMaps, randomLabelMaps];
  const steps = ['trained', ...layersTopFirst.map((layer) => `+${layer.label}`)];
  const result: DatasetResult = {
    name,
    shape: data.shape,
    accuracy,
    steps,
    cascade: byMethod((method) => stepMaps.map((maps) => compare(original[method], maps[method], height, width))),
    randomLabel: byMethod((method) => compare(original[method], randomLabelMaps[method], height, width)),
    inputCorrelation: byMethod((method) =>
      allModels.map((maps) => maps[method].map((map, i) => spearman(scaledMagnitudes(map), set.magnitudes[i]))),
    ),
    mismatched: byMethod((method) =>
      original[method].map((map, i, all) =>
        spearman(scaledMagnitudes(map), scaledMagnitudes(all[(i + 1) % all.length])),
      ),
    ),
    cgiKept: allModels.map((maps) => keptFraction(maps.cgi)),
  };
  const shownCount = Math.min(sizes.shownImages, set.labels.length);
  const size = data.shape.reduce((a, b) => a * b, 1);
  const images = set.inputs.data;
  const shown: ShownMaps = {
    inputs: Array.from({ length: shownCount }, (_, i) => ({
      pixels: Float32Array.from(images.subarray(i * size, (i + 1) * size)),
      shape: data.shape,
    })),
    labels: Array.from(set.labels.subarray(0, shownCount)),
    models: [
      ...steps.map((title, j) => ({ title, maps: stepMaps[j] })),
      { title: 'random labels', maps: randomLabelMaps },
    ],
  };
  return { result, shown };
}
