/**
 * `npx tsx bench/resnet-step.ts`: images per second of ntk-small-data's few-shot small ResNet on
 * the cpu backend — one training step (random crop + flip of a batch, forward, cross-entropy,
 * backward, SGD with momentum and weight decay) and the eval pass (batches of 100, no gradient),
 * at width 8 and 16, batch 32, on synthetic 3×32×32 images (the cost does not depend on the values).
 * Each figure is the median of repeated runs, best of alternating rounds, beside the CPU time per
 * step of every thread (process.cpuUsage: steadier than wall time on a loaded machine, but it counts
 * helper threads' spinning too); the load average is printed.
 * Flags: --quick (one round), --width 8|16 (one width), --steps N (steps per timed run).
 */
import { loadavg } from 'node:os';
import * as ad from '../autodiff/index.ts';
import { threadCount } from '../gpu/cpu/threads.ts';
import { wasmEnabled } from '../gpu/cpu/wasm/runtime.ts';
import { evaluate, smallResNet } from '../papers/ntk-small-data/fewshot-resnet.ts';
import { createDataset, Random, randomCrop, randomFlipHorizontal, type Dataset } from '../src/data/index.ts';
import * as nn from '../src/nn/index.ts';
import { SGD } from '../src/optim/index.ts';
import { commandLine } from '../src/report/index.ts';
import { medianMs } from './timing.ts';

const flags = commandLine(
  {
    quick: { kind: 'boolean', description: 'one round' },
    width: { kind: 'string', description: 'one width', choices: ['8', '16'] },
    steps: { kind: 'number', description: 'training steps per timed run', default: 4 },
  },
  {
    program: 'bench/resnet-step',
    command: 'npx tsx bench/resnet-step.ts [flags]',
    about: ['Images/s of the few-shot small ResNet (training step and eval pass) on the cpu backend.'],
  },
);
const batchSize = 32;
const rounds = flags.quick ? 1 : 3;
const widths = flags.width ? [Number(flags.width)] : [8, 16];

/** A synthetic class-balanced set of `count` 3×32×32 images with values in [−2, 2). */
function syntheticSet(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = Float32Array.from({ length: count * 3 * 32 * 32 }, () => 4 * random.uniform() - 2);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 10);
  return createDataset({ images, labels, shape: [3, 32, 32], classes: 10, name: 'synthetic' });
}

/** `steps` training steps of fewshot-resnet.ts's loop body (augmentation included) on batches of `set`. */
function trainingSteps(width: number, set: Dataset, steps: number): () => void {
  const net = smallResNet({ width, classes: 10, seed: 0 });
  const optimizer = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  const augmentation = new Random(1);
  const perBatch = 3 * 32 * 32 * batchSize;
  return () => {
    net.train();
    for (let step = 0; step < steps; step++) {
      const first = (step * batchSize) % set.count;
      const batch = {
        images: set.images.subarray(first * 3 * 32 * 32, first * 3 * 32 * 32 + perBatch),
        labels: set.labels.subarray(first, first + batchSize),
        shape: set.shape,
        count: batchSize,
      };
      const augmented = randomFlipHorizontal(randomCrop(batch, 4, augmentation), augmentation);
      net.zeroGrad();
      const images = ad.tensor(augmented.images, { shape: [augmented.count, ...augmented.shape] });
      nn.crossEntropy(net.forward(images), augmented.labels).backward();
      optimizer.step();
    }
  };
}

async function main(): Promise<void> {
  const load = loadavg();
  console.log(`cpu backend: ${threadCount()} threads; wasm kernels ${wasmEnabled() ? 'on' : 'off'}`);
  const train = syntheticSet(128, 2);
  const evalSet = syntheticSet(200, 3);
  const steps = flags.steps;
  for (const width of widths) {
    let [trainMs, evalMs, trainCpuMs] = [Infinity, Infinity, Infinity];
    const step = trainingSteps(width, train, steps);
    const net = smallResNet({ width, classes: 10, seed: 0 });
    for (let round = 0; round < rounds; round++) {
      const cpuBefore = process.cpuUsage();
      let runs = 0;
      const ms = await medianMs(() => (runs++, ad.withBackend('cpu', step)), { minTotalMs: 1500 });
      const cpu = process.cpuUsage(cpuBefore);
      trainMs = Math.min(trainMs, ms);
      trainCpuMs = Math.min(trainCpuMs, (cpu.user + cpu.system) / 1000 / runs);
      evalMs = Math.min(evalMs, await medianMs(() => ad.withBackend('cpu', () => evaluate(net, evalSet))));
    }
    const trainRate = (steps * batchSize) / (trainMs / 1000);
    const evalRate = evalSet.count / (evalMs / 1000);
    console.log(
      `small ResNet width ${width}, batch ${batchSize}: training ${trainRate.toFixed(0)} images/s ` +
        `(${(trainMs / steps).toFixed(1)} ms/step, CPU ${(trainCpuMs / steps).toFixed(1)} ms/step), ` +
        `eval ${evalRate.toFixed(0)} images/s`,
    );
  }
  console.log(
    `load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

await main();
