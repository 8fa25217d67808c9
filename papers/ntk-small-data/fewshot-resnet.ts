/**
 * The finite-network baseline of few-shot CIFAR-10 (Arora et al. 2020, §5 trains ResNet-34):
 * a small ResNet in He et al.'s (2016) form — 3×3 convolutions, BatchNorm, ReLU, residual
 * basic blocks with a 1×1 projection where the shape changes, global average pooling, a
 * linear classifier — trained with SGD + momentum, weight decay and cosine decay under the
 * standard CIFAR augmentation (random crop after 4-pixel zero padding, random horizontal
 * flip), long enough to fit each subset. ResNet-34 itself is far beyond two CPU cores: this one
 * has a stride-2 first convolution (so its blocks run at 16×16, 8×8 and 4×4) and one block per
 * stage, which makes it ≈ 100 times cheaper per image (config.ts gives the throughput).
 */
import * as ad from '../../autodiff/index.ts';
import { batches, deriveSeed, Random, randomCrop, randomFlipHorizontal, type Dataset } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { cosineSchedule, SGD } from '../../src/optim/index.ts';

/** conv3×3 → BN → ReLU → conv3×3 → BN, plus the input (projected by conv1×1 → BN if the shape changes), then ReLU. */
class BasicBlock extends nn.Module {
  readonly residual: nn.Sequential;
  readonly shortcut: nn.Module | undefined;

  constructor(inChannels: number, outChannels: number, stride: number, seed: number) {
    super();
    const conv = (from: number, to: number, size: number, step: number, stream: number) =>
      new nn.Conv2d(from, to, size, {
        seed: deriveSeed(seed, stream),
        padding: size === 3 ? 1 : 0,
        stride: step,
        bias: false,
      });
    this.residual = this.addModule(
      'residual',
      new nn.Sequential(
        conv(inChannels, outChannels, 3, stride, 0),
        new nn.BatchNorm2d(outChannels),
        new nn.ReLU(),
        conv(outChannels, outChannels, 3, 1, 1),
        new nn.BatchNorm2d(outChannels),
      ),
    );
    this.shortcut =
      stride === 1 && inChannels === outChannels
        ? undefined
        : this.addModule(
            'shortcut',
            new nn.Sequential(conv(inChannels, outChannels, 1, stride, 2), new nn.BatchNorm2d(outChannels)),
          );
  }

  forward(input: ad.Tensor): ad.Tensor {
    const skip = this.shortcut ? this.shortcut.forward(input) : input;
    return ad.relu(this.residual.forward(input).add(skip));
  }
}

/**
 * The small ResNet: stride-2 conv3×3 stem (width w) → BN → ReLU, basic blocks of w, 2w, 4w
 * channels (the last two with stride 2), global average pooling, Linear(4w → classes).
 * @example smallResNet({ width: 8, classes: 10, seed: 0 }).forward(ad.zeros([2, 3, 32, 32])) // [2, 10]
 */
export function smallResNet(options: { width: number; classes: number; seed: number }): nn.Sequential {
  const { width, classes, seed } = options;
  if (!Number.isInteger(width) || width < 1)
    throw new Error(`smallResNet: width must be a positive integer, got ${width}`);
  return new nn.Sequential(
    new nn.Conv2d(3, width, 3, { seed: deriveSeed(seed, 0), padding: 1, stride: 2, bias: false }),
    new nn.BatchNorm2d(width),
    new nn.ReLU(),
    new BasicBlock(width, width, 1, deriveSeed(seed, 1)),
    new BasicBlock(width, 2 * width, 2, deriveSeed(seed, 2)),
    new BasicBlock(2 * width, 4 * width, 2, deriveSeed(seed, 3)),
    new nn.GlobalAvgPool2d(),
    new nn.Linear(4 * width, classes, { seed: deriveSeed(seed, 4) }),
  );
}

/**
 * Accuracy (0…1) of a network in eval mode (BatchNorm's running statistics), in batches of 100.
 * @example evaluate(net, test) // 0.27
 */
export function evaluate(net: nn.Module, set: Dataset): number {
  net.eval();
  let correct = 0;
  for (const batch of batches(set, { batchSize: 100, seed: 0, shuffle: false })) {
    const logits = ad.noGrad(() => net.forward(ad.tensor(batch.images, { shape: [batch.count, ...batch.shape] })));
    correct += nn.accuracy(logits, batch.labels) * batch.count;
  }
  return correct / set.count;
}

/** What training one subset's ResNet gives. */
export interface ResNetRun {
  /** Accuracy on the un-augmented training subset at the end (eval mode): 1 when it fit. */
  trainAccuracy: number;
  testAccuracy: number;
  epochs: number;
  steps: number;
  seconds: number;
}

/** How one ResNet is trained. */
export interface ResNetTraining {
  width: number;
  batchSize: number;
  /** Train until the un-augmented subset is fit, checking every `checkEvery` epochs, at most `maxEpochs`. */
  maxEpochs: number;
  checkEvery: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
}

/**
 * Trains a fresh smallResNet on `train` (SGD, momentum 0.9, learning rate decayed by a cosine
 * over `maxEpochs`, weight decay; equal batches of at most `batchSize`; each batch randomly cropped after 4-pixel padding and flipped) until it classifies
 * every un-augmented training image correctly (checked every `checkEvery` epochs) or
 * `maxEpochs` have passed, then measures its training and test accuracy.
 * @example trainResNet(subset, test, { width: 8, batchSize: 32, maxEpochs: 60, checkEvery: 5, learningRate: 0.05, weightDecay: 5e-4, seed: 0 })
 */
export function trainResNet(train: Dataset, test: Dataset, options: ResNetTraining): ResNetRun {
  const { width, batchSize, maxEpochs, checkEvery, learningRate, weightDecay, seed } = options;
  for (const [name, value] of [
    ['maxEpochs', maxEpochs],
    ['checkEvery', checkEvery],
  ] as const)
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`trainResNet: ${name} must be a positive integer, got ${value}`);
  const start = performance.now();
  const net = smallResNet({ width, classes: train.classes, seed });
  const optimizer = new SGD(net.parameters(), { lr: learningRate, momentum: 0.9, weightDecay });
  const augmentation = new Random(deriveSeed(seed, 99));
  // equal batches (40 images: 20 + 20, not 32 + 8), so no batch's BatchNorm statistics come from a few images
  const size = Math.ceil(train.count / Math.ceil(train.count / batchSize));
  // cosine decay over the epoch cap (a fit usually comes as the rate falls); the loop stops at the fit
  const schedule = cosineSchedule(learningRate, { totalSteps: maxEpochs * Math.ceil(train.count / size) });
  let [epochs, steps, trainAccuracy] = [0, 0, 0];
  while (epochs < maxEpochs && trainAccuracy < 1) {
    net.train();
    for (const batch of batches(train, { batchSize: size, seed, epoch: epochs, dropLast: false })) {
      const augmented = randomFlipHorizontal(randomCrop(batch, 4, augmentation), augmentation);
      optimizer.lr = schedule(steps);
      net.zeroGrad();
      const images = ad.tensor(augmented.images, { shape: [augmented.count, ...augmented.shape] });
      nn.crossEntropy(net.forward(images), augmented.labels).backward();
      optimizer.step();
      steps++;
    }
    epochs++;
    if (epochs % checkEvery === 0 || epochs === maxEpochs) trainAccuracy = evaluate(net, train);
  }
  const testAccuracy = evaluate(net, test);
  return { trainAccuracy, testAccuracy, epochs, steps, seconds: (performance.now() - start) / 1000 };
}
