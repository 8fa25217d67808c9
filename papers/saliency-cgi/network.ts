/**
 * The CNN whose decisions are explained, its training (SGD with momentum, cross-entropy) and its
 * accuracy. Two 3×3 conv layers with ReLU and 2×2 max pooling, a dense ReLU layer and the logit
 * layer: four weight layers for Adebayo et al.'s cascading randomization, named top first.
 */
import * as ad from '../../autodiff/index.ts';
import { batches, deriveSeed, type Dataset } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import type { Config, DatasetConfig } from './config.ts';

/** The weight layers of `cnn` as module names, top (logits) first, with readable labels. */
export const layersTopFirst = [
  { module: '9', label: 'logits' },
  { module: '7', label: 'dense' },
  { module: '3', label: 'conv2' },
  { module: '0', label: 'conv1' },
] as const;

/**
 * The CNN for inputs [n, C, H, W] (H, W divisible by 4), PyTorch's default initialization,
 * every layer seeded from `seed`.
 * @example cnn([1, 28, 28], config, 0).forward(images) // logits [n, 10]
 */
export function cnn(
  shape: readonly number[],
  config: Pick<Config, 'channels' | 'hidden'>,
  seed: number,
): nn.Sequential {
  const [channels, height, width] = shape;
  if (height % 4 !== 0 || width % 4 !== 0)
    throw new Error(`cnn: height and width must be divisible by 4, got [${shape}]`);
  const [first, second] = config.channels;
  return new nn.Sequential(
    new nn.Conv2d(channels, first, 3, { padding: 1, seed: deriveSeed(seed, 1) }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernel: 2 }),
    new nn.Conv2d(first, second, 3, { padding: 1, seed: deriveSeed(seed, 2) }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernel: 2 }),
    new nn.Flatten(),
    new nn.Linear((second * height * width) / 16, config.hidden, { seed: deriveSeed(seed, 3) }),
    new nn.ReLU(),
    new nn.Linear(config.hidden, 10, { seed: deriveSeed(seed, 4) }),
  );
}

/** The images of `set` from `start` to `end` as a tensor [n, C, H, W]. */
export function imagesOf(set: Dataset, start = 0, end = set.count): ad.Tensor {
  const size = set.images.length / set.count;
  return ad.tensor(set.images.subarray(start * size, end * size), { shape: [end - start, ...set.shape] });
}

/**
 * Trains `net` on `set` for `epochs` epochs of minibatch SGD (momentum 0.9), one tick per batch.
 * @example train(net, data.train, config.mnist, 1, 0, bar)
 */
export function train(
  net: nn.Module,
  set: Dataset,
  config: Pick<DatasetConfig, 'batchSize' | 'learningRate'>,
  epochs: number,
  seed: number,
  bar?: ProgressBar,
): void {
  const optimizer = new SGD(net.parameters(), { lr: config.learningRate, momentum: 0.9 });
  net.train();
  for (let epoch = 0; epoch < epochs; epoch++)
    for (const batch of batches(set, { batchSize: config.batchSize, seed, epoch })) {
      const inputs = ad.tensor(batch.images, { shape: [batch.count, ...batch.shape] });
      const loss = nn.crossEntropy(net.forward(inputs), batch.labels);
      net.zeroGrad();
      loss.backward();
      optimizer.step();
      bar?.tick();
    }
  net.eval();
}

/** Batches of one epoch, for the progress bar. */
export function batchesPerEpoch(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}

/**
 * The fraction of `set` that `net` labels correctly (forward passes of 250 images, no graph).
 * @example accuracyOn(net, data.test) // 0.95
 */
export function accuracyOn(net: nn.Module, set: Dataset): number {
  let correct = 0;
  ad.noGrad(() => {
    for (let start = 0; start < set.count; start += 250) {
      const end = Math.min(set.count, start + 250);
      correct += nn.accuracy(net.forward(imagesOf(set, start, end)), set.labels.subarray(start, end)) * (end - start);
    }
  });
  return correct / set.count;
}
