/**
 * Train an MLP and a small CNN on MNIST with theorygrad, printing time per epoch and
 * test accuracy. The targets: the MLP reaches ≥ 97% and the CNN ≥ 98% test accuracy.
 *
 *   npx tsx examples/mnist.ts                  # both models, default epochs
 *   npx tsx examples/mnist.ts --model cnn --epochs 3
 *   npx tsx examples/mnist.ts --quick          # 2,000 training images, one epoch: a smoke run
 */
import * as ad from '../autodiff/index.ts';
import * as nn from '../src/nn/index.ts';
import { SGD } from '../src/optim/index.ts';
import { batches, loadMnist, takeFirst, type Dataset } from '../src/data/index.ts';
import { commandLine, evaluate, fit, formatTable, paperFlags } from '../src/report/index.ts';

const flags = commandLine(
  {
    model: { kind: 'string', description: 'which model to train', choices: ['mlp', 'cnn', 'both'], default: 'both' },
    epochs: { kind: 'integer', description: 'epochs per model (default 3, or 1 with --quick)', minimum: 1 },
    quick: { kind: 'boolean', description: '2,000 training and 1,000 test images, one epoch: a smoke run' },
    seed: paperFlags.seed,
    quiet: paperFlags.quiet,
  },
  {
    program: 'examples/mnist',
    command: 'npx tsx examples/mnist.ts [flags]',
    about: ['Trains an MLP and a small CNN on MNIST.'],
  },
);
const seed = flags.seed;
const batchSize = 128;

/** 784-256-10 with ReLU (PyTorch default initialization). */
function mlp(): nn.Module {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 256, { seed }),
    new nn.ReLU(),
    new nn.Linear(256, 10, { seed: seed + 1 }),
  );
}

/** Two 3×3 conv layers (8 and 16 channels) with max pooling, then a linear readout. */
function cnn(): nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1, seed }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernel: 2 }),
    new nn.Conv2d(8, 16, 3, { padding: 1, seed: seed + 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d({ kernel: 2 }),
    new nn.Flatten(),
    new nn.Linear(16 * 7 * 7, 10, { seed: seed + 2 }),
  );
}

function images(batch: { images: Float32Array; count: number }): ad.Tensor {
  return ad.tensor(batch.images, { shape: [batch.count, 1, 28, 28] });
}

function testAccuracy(model: nn.Module, test: Dataset): number {
  model.eval();
  const all = [...batches(test, { batchSize: 1000, seed: 0, shuffle: false })];
  const metrics = evaluate({
    batches: all.length,
    evaluateBatch: (i) => ({ accuracy: ad.noGrad(() => nn.accuracy(model.forward(images(all[i])), all[i].labels)) }),
    batchSize: (i) => all[i].count,
  });
  model.train();
  return metrics.accuracy;
}

function train(name: string, model: nn.Module, train: Dataset, test: Dataset, epochs: number) {
  const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  let epochBatches: ReturnType<typeof batches> | undefined;
  const history = fit({
    label: name,
    epochs,
    batchesPerEpoch: Math.ceil(train.count / batchSize),
    trainStep(batchIndex, epoch) {
      if (batchIndex === 0) epochBatches = batches(train, { batchSize, seed, epoch });
      const batch = epochBatches!.next().value!;
      const loss = nn.crossEntropy(model.forward(images(batch)), batch.labels);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      return loss.item();
    },
    evaluate: () => ({ testAccuracy: testAccuracy(model, test) }),
  });
  return history.epochs.map((record) => [
    name,
    record.epoch + 1,
    record.loss,
    record.seconds,
    100 * record.metrics!.testAccuracy,
  ]);
}

const fullTrain = loadMnist('train');
const trainSet = flags.quick ? takeFirst(fullTrain, 2000) : fullTrain;
const testSet = flags.quick ? takeFirst(loadMnist('test'), 1000) : loadMnist('test');
const which = flags.model;
const epochs = flags.epochs ?? (flags.quick ? 1 : 3);
console.log(`backend: ${ad.currentBackend().describe()}; ${trainSet.count} training and ${testSet.count} test images`);
const rows = [
  ...(which !== 'cnn' ? train('MLP 784-256-10', mlp(), trainSet, testSet, epochs) : []),
  ...(which !== 'mlp' ? train('CNN 8-16 conv', cnn(), trainSet, testSet, epochs) : []),
];
console.log(formatTable({ columns: ['model', 'epoch', 'train loss', 'seconds', 'test accuracy %'], rows }));
