/**
 * A small CNN training step (conv 3×3 → relu → maxPool2d 3/2/1 → linear → crossEntropy,
 * backward) on gpujs in a WebGL mode, side by side: the pooling gradient by the kernel that
 * visits only the windows over each cell (the default: maxPool2d's argmax stays on the device
 * with its geometry), by the generic scatterAdd kernel on the same device indices, and the cpu
 * backend. Prints the medians, the ratios and the host↔device copies of one step.
 *
 * Run where gpu.js has WebGL: `THEORYGRAD_GPUJS_MODE=headlessgl npx tsx bench/gpujs-cnn-step.ts`
 * (headless-gl: see the README's "In the browser, on the GPU"; under xvfb-run without a display).
 * Flags: --size N (image side, default 32), --batch N (default 16).
 */
import * as ad from '../autodiff/index.ts';
import type { Backend, Pool2dSpec, Storage } from '../gpu/backend.ts';
import { cpuBackend } from '../gpu/cpu/index.ts';
import { createGpuJsBackend, TextureIndices } from '../gpu/gpujs/index.ts';
import { crossEntropy } from '../src/nn/losses.ts';
import { medianMs } from './timing.ts';

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const size = flag('size', 32);
const batch = flag('batch', 16);
if (!Number.isInteger(size) || size < 4 || size % 2 !== 0 || !Number.isInteger(batch) || batch < 1)
  throw new Error(`bench/gpujs-cnn-step: --size must be an even integer ≥ 4 and --batch ≥ 1, got ${size}, ${batch}`);

const gpujs = createGpuJsBackend();
const device = gpujs.device;
if (!device)
  throw new Error(
    `bench/gpujs-cnn-step: ${gpujs.describe()} keeps nothing on a device; set THEORYGRAD_GPUJS_MODE=headlessgl (or run in a browser)`,
  );
const search = device.maxPool2dIndices.bind(device);
/** The same backend, but its argmax without the pooling geometry: scatterAdd runs the generic kernel. */
const generic: Backend = {
  ...gpujs,
  device: {
    ...device,
    maxPool2dIndices(x: Storage, spec: Pool2dSpec) {
      const found = search(x, spec) as TextureIndices;
      return new TextureIndices(found.storage, found.lowest, found.bound);
    },
  },
};

const channels = 4;
const x = ad.randomNormal([batch, channels, size, size], { seed: 31, dtype: 'float32' });
const w = ad.randomNormal([8, channels, 3, 3], { seed: 32, dtype: 'float32' }).mul(0.3);
const v = ad.randomNormal([8 * (size / 2) * (size / 2), 10], { seed: 33, dtype: 'float32' }).mul(0.1);
const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);

/** One step on `backend`, the loss read (so the GPU work is finished when it returns). */
function step(backend: Backend): number {
  return ad.withBackend(backend, () =>
    ad.tidy(() => {
      const [loss, grads] = ad.valueAndGrad(
        (a: ad.Tensor, b: ad.Tensor) => {
          const pooled = ad.maxPool2d(ad.conv2d(x, a, { padding: 1 }).relu(), { kernel: 3, stride: 2, padding: 1 });
          return crossEntropy(pooled.reshape([batch, -1]).matmul(b), labels);
        },
        [0, 1],
      )(w, v);
      void grads;
      return loss.item();
    }),
  );
}

const before = device.transfers();
step(gpujs);
const after = device.transfers();
console.log(`${gpujs.describe()}; CNN step, batch ${batch}, ${channels}×${size}×${size} images`);
console.log(
  `copies of one step, loss read: ${after.uploads - before.uploads} uploads, ${after.downloads - before.downloads} download(s)`,
);
const timing = { warmup: 1, minRepeats: 5, maxRepeats: 15, minTotalMs: 2000 };
const windowed = await medianMs(() => step(gpujs), timing);
const scanning = await medianMs(() => step(generic), timing);
const cpu = await medianMs(() => step(cpuBackend), timing);
console.log(`gpujs, windowed pooling gradient: ${windowed.toFixed(1)} ms`);
console.log(
  `gpujs, generic scatterAdd:        ${scanning.toFixed(1)} ms (${(scanning / windowed).toFixed(2)}× windowed)`,
);
console.log(`cpu:                              ${cpu.toFixed(1)} ms (${(cpu / windowed).toFixed(2)}× windowed)`);
