/**
 * The CNN columns of Arora et al. 2019's Table 1 (PAPERS.md §8): finite CNNs of the same
 * architecture as each CNTK, trained by SGD, evaluated on the same CIFAR-10 subset as the
 * kernels. The network is `finiteNetwork(cntk({ depth, readout }))`: depth − 1 3×3
 * convolutions (depth = conv layers + 1, so depth 3 has two), ReLU, the vanilla (flatten,
 * trace-scaled) or GAP readout, and a linear layer, in the NTK parameterization, no bias, no
 * BatchNorm, every layer trained (the paper's CNNs train all layers; "fix" is a kernel variant).
 *
 * Protocol. The paper compares with CNNs trained by SGD "once batch normalization etc. are
 * turned off" (abstract); their loss, width and schedule could not be checked here, so these
 * are our choices, made to fit a CPU budget:
 * - squared loss on the kernel's 0.9/−0.1 targets, (1/B)·Σ_i Σ_o (f_o(x_i) − y_io)², the loss
 *   of the paper's equivalence theorem (Theorem 3.2) and of its kernel regression;
 * - the output scaled by κ so that f_0 has standard deviation 0.1 (Theorem 3.2's small κ;
 *   without it the trace readout's O(√(HW)) initial outputs swamp the targets and SGD stalls);
 * - SGD, momentum 0.9, batch 32, constant η = 0.1/τ, τ the network's mean empirical kernel on
 *   64 training images (finite-training.ts), so one η fits every depth and readout (0.3/τ
 *   diverged on some small test runs);
 * - a fixed 200 steps, so the cost scales with H·W, width and depth, not with n.
 * Width 16 channels (quick: 20 steps).
 *
 * Expected data: the CNTK-GAP subset, CIFAR-10 average-pooled to 8×8 and standardized per
 * channel, 400 training images (200 × 32 = 16 epochs) and 300 test images. Measured on the
 * shared 2-core machine (load 2–5): 140 s for depths 3, 4, 6, 11 × both readouts (depth 3:
 * 7–10 s per network, depth 11: 32–35 s); 16×16 images would cost ≈ 4× that.
 */
import * as ad from '../../autodiff/index.ts';
import { batches, type Dataset } from '../../src/data/index.ts';
import { cntk, finiteNetwork } from '../../src/infinite/index.ts';
import { fromArray } from '../../src/linalg/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { progress } from '../../src/report/index.ts';
import { accuracyOfScores, imagesOf, meanKernel, regressionTargets, scaleOutput } from './finite-training.ts';

/** One trained CNN: test accuracy (fraction), width (channels), epochs (steps·batch/n) and seconds. */
export interface CnnColumnResult {
  depth: number;
  readout: 'vanilla' | 'gap';
  accuracy: number;
  width: number;
  epochs: number;
  seconds: number;
}

/** The training protocol (see the file comment). */
export const cnnProtocol = {
  full: { width: 16, steps: 200, batchSize: 32, momentum: 0.9, rate: 0.1, outputStd: 0.1, probe: 64 },
  quick: { width: 16, steps: 20, batchSize: 32, momentum: 0.9, rate: 0.1, outputStd: 0.1, probe: 32 },
} as const;

type Protocol = (typeof cnnProtocol)['full' | 'quick'];

function checkInputs(train: Dataset, test: Dataset, depths: readonly number[]): void {
  if (train.shape.length !== 3)
    throw new Error(`trainCnnColumns: train images must be [C, H, W] per example, got [${train.shape.join(',')}]`);
  if (test.shape.join(',') !== train.shape.join(','))
    throw new Error(
      `trainCnnColumns: train [${train.shape.join(',')}] and test [${test.shape.join(',')}] images must have one shape`,
    );
  if (train.count < 1 || test.count < 1)
    throw new Error(`trainCnnColumns: needs training and test images, got ${train.count} and ${test.count}`);
  if (test.classes !== train.classes)
    throw new Error(`trainCnnColumns: train has ${train.classes} classes but test ${test.classes}`);
  if (depths.length === 0 || depths.some((depth) => !Number.isInteger(depth) || depth < 2))
    throw new Error(`trainCnnColumns: depths must be integers ≥ 2 (conv layers + 1), got [${depths.join(',')}]`);
}

/** Test accuracy of a network (argmax of its outputs), evaluated in chunks of 500 images. */
function testAccuracy(net: nn.Module, test: Dataset): number {
  const scores = new Float64Array(test.count * test.classes);
  ad.noGrad(() => {
    for (let start = 0; start < test.count; start += 500) {
      const count = Math.min(500, test.count - start);
      scores.set(net.forward(imagesOf(test, start, count)).data, start * test.classes);
    }
  });
  return accuracyOfScores(fromArray(test.count, test.classes, scores), test.labels);
}

/** Trains one CNN by the protocol and returns its column entry. */
function trainColumn(
  depth: number,
  readout: 'vanilla' | 'gap',
  train: Dataset,
  test: Dataset,
  protocol: Protocol,
  seed: number,
  tick: () => void,
): CnnColumnResult {
  const start = performance.now();
  const [channels, height, width] = train.shape;
  const body = finiteNetwork(
    cntk({ depth, readout }),
    { channels, height, width, flat: false },
    { width: protocol.width, outputs: train.classes, seed },
  );
  const probe = imagesOf(train, 0, Math.min(protocol.probe, train.count));
  const net = scaleOutput(body, probe, protocol.outputStd);
  const optimizer = new SGD(net.parameters(), {
    lr: protocol.rate / meanKernel(net, probe),
    momentum: protocol.momentum,
  });
  let step = 0;
  for (let epoch = 0; step < protocol.steps; epoch++) {
    for (const batch of batches(train, {
      batchSize: protocol.batchSize,
      seed,
      epoch,
      dropLast: train.count >= protocol.batchSize,
    })) {
      if (step === protocol.steps) break;
      const output = net.forward(ad.tensor(batch.images, { shape: [batch.count, ...batch.shape] }));
      const targets = regressionTargets(batch.labels, train.classes);
      const loss = nn
        .mseLoss(output, ad.tensor(Float32Array.from(targets.data), { shape: [batch.count, train.classes] }), {
          reduction: 'sum',
        })
        .div(batch.count);
      const value = loss.item();
      if (!Number.isFinite(value))
        throw new Error(`trainCnnColumns: depth ${depth} ${readout}: the loss is ${value} at step ${step}`);
      net.zeroGrad();
      loss.backward();
      optimizer.step();
      step++;
      tick();
    }
  }
  return {
    depth,
    readout,
    accuracy: testAccuracy(net, test),
    width: protocol.width,
    epochs: (protocol.steps * protocol.batchSize) / train.count,
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * The CNN-V and CNN-GAP columns: one network per depth and readout, trained by the protocol
 * above on `train`, accuracy on `test`.
 * @example trainCnnColumns({ train, test, depths: [3, 4, 6, 11], quick: false, seed: 0, quiet: false })
 */
export function trainCnnColumns(options: {
  train: Dataset;
  test: Dataset;
  depths: number[];
  quick: boolean;
  seed: number;
  quiet: boolean;
}): CnnColumnResult[] {
  const { train, test, depths, quick, seed, quiet } = options;
  checkInputs(train, test, depths);
  const protocol = quick ? cnnProtocol.quick : cnnProtocol.full;
  const bar = progress('CNN columns (SGD steps)', depths.length * 2 * protocol.steps, { quiet });
  const results = depths.flatMap((depth) =>
    (['vanilla', 'gap'] as const).map((readout) =>
      trainColumn(depth, readout, train, test, protocol, seed, () => bar.tick()),
    ),
  );
  bar.done();
  return results;
}
