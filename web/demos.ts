/**
 * The page's two live computations, each run on a named backend so the page can set the
 * WebGL (gpujs) run beside the cpu run: a small MLP trained on the bundled MNIST subset,
 * and a CNTK kernel matrix of a few digits (Arora et al., "On Exact Computation with an
 * Infinitely Wide Neural Net", arXiv:1904.11955, §3 and Appendix B).
 */
import * as ad from '../autodiff/index.ts';
import { Flatten, ReLU, Sequential } from '../src/nn/layers.ts';
import { Linear } from '../src/nn/linear.ts';
import { crossEntropy } from '../src/nn/losses.ts';
import { SGD } from '../src/optim/sgd.ts';
import { cntk } from '../src/infinite/presets.ts';
import { kernelMatrix } from '../src/infinite/kernel-matrix.ts';
import type { Matrix } from '../src/linalg/matrix.ts';

/** One MNIST batch source: images in [0, 1] (count × 784) and labels. */
export interface Digits {
  count: number;
  images: Float32Array;
  labels: Int32Array;
}

/** The training run's record: the loss of every step, and the time of the first step (which compiles the kernels) and of the others (mean). */
export interface TrainingRun {
  losses: number[];
  millisecondsPerStep: number;
  firstStepMilliseconds: number;
}

export const MLP_STEPS = 20;
export const MLP_BATCH = 64;

/** A pause that lets the browser paint between steps (the loss curve is live). */
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains 784-64-10 (ReLU, seed 0) with SGD (lr 0.1, momentum 0.9) on consecutive batches of
 * `digits`, on `backend`, calling onStep with each loss.
 * @example await trainMlp('gpujs', mnistSubset(), (step, loss) => plot(step, loss));
 */
export async function trainMlp(
  backend: ad.BackendName,
  digits: Digits,
  onStep: (step: number, loss: number) => void,
): Promise<TrainingRun> {
  const model = ad.withBackend(
    backend,
    () => new Sequential(new Flatten(), new Linear(784, 64, { seed: 0 }), new ReLU(), new Linear(64, 10, { seed: 1 })),
  );
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const losses: number[] = [];
  let milliseconds = 0;
  let firstStep = 0;
  for (let step = 0; step < MLP_STEPS; step++) {
    const start = (step * MLP_BATCH) % digits.count;
    const count = Math.min(MLP_BATCH, digits.count - start);
    const began = performance.now();
    const previous = model.parameters().map((parameter) => [parameter.value, optimizer.momentumBuffer(parameter)]);
    const loss = ad.withBackend(backend, () =>
      // on the GPU the step's intermediates are textures: tidy frees them, keep spares the new state
      ad.tidy(() => {
        const images = ad.tensor(digits.images.subarray(start * 784, (start + count) * 784), { shape: [count, 784] });
        const value = crossEntropy(model.forward(images), digits.labels.subarray(start, start + count));
        optimizer.zeroGrad();
        value.backward();
        optimizer.step();
        for (const parameter of model.parameters()) {
          ad.keep(parameter.value);
          const velocity = optimizer.momentumBuffer(parameter);
          if (velocity) ad.keep(velocity);
        }
        return value.item();
      }),
    );
    // the state the step replaced (weights and velocities) is freed now, not at collection
    model.parameters().forEach((parameter, i) => {
      const [value, velocity] = previous[i];
      if (parameter.value !== value) value?.dispose();
      if (velocity && optimizer.momentumBuffer(parameter) !== velocity) velocity.dispose();
    });
    if (step === 0) firstStep = performance.now() - began;
    else milliseconds += performance.now() - began;
    losses.push(loss);
    onStep(step, loss);
    await nextFrame();
  }
  return { losses, millisecondsPerStep: milliseconds / (MLP_STEPS - 1), firstStepMilliseconds: firstStep };
}

/** The CNTK run's record: its NTK matrix, the time taken and the pairs per second. */
export interface KernelRun {
  ntk: Matrix;
  pairs: number;
  milliseconds: number;
}

export const CNTK_IMAGES = 12;
export const CNTK_SIDE = 7;

/** The first `count` digits averaged over 4×4 blocks to 7×7, as a [count, 1, 7, 7] tensor. */
export function smallDigits(digits: Digits, count = CNTK_IMAGES): ad.Tensor {
  const out = new Float32Array(count * CNTK_SIDE * CNTK_SIDE);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < 28; y++)
      for (let x = 0; x < 28; x++)
        out[n * 49 + Math.floor(y / 4) * 7 + Math.floor(x / 4)] += digits.images[n * 784 + y * 28 + x] / 16;
  return ad.tensor(out, { shape: [count, 1, CNTK_SIDE, CNTK_SIDE] });
}

/**
 * The depth-4 CNTK with global average pooling of `images` against themselves, on `backend`.
 * @example cntkMatrix('cpu', smallDigits(mnistSubset())).ntk.rows; // 12
 */
export function cntkMatrix(backend: ad.BackendName, images: ad.Tensor): KernelRun {
  const began = performance.now();
  const { ntk } = ad.withBackend(backend, () =>
    kernelMatrix(cntk({ depth: 4, readout: 'gap' }), images, undefined, { quiet: true }),
  );
  const n = images.shape[0];
  return { ntk, pairs: (n * (n + 1)) / 2, milliseconds: performance.now() - began };
}

/** Largest |a − b| / max|b| over two matrices of one shape. */
export function relativeDifference(a: Matrix, b: Matrix): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    difference = Math.max(difference, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return difference / scale;
}

/**
 * Milliseconds per call of a 128×128×128 matmul and of an exp over 2¹⁶ values on `backend`
 * (after one warm-up call that compiles the kernels).
 * @example opTimings('gpujs'); // { matmul: 4.1, exp: 0.9 }
 */
export function opTimings(backend: ad.BackendName): { matmul: number; exp: number } {
  const a = ad.withBackend(backend, () => ad.randomNormal([128, 128], { seed: 1 }));
  const x = ad.withBackend(backend, () => ad.randomNormal([1 << 16], { seed: 2 }));
  const time = (fn: () => unknown, repeats = 10) => {
    ad.withBackend(backend, fn);
    const began = performance.now();
    for (let i = 0; i < repeats; i++) ad.withBackend(backend, fn);
    return (performance.now() - began) / repeats;
  };
  // read back, so that a GPU result is computed and freed inside the timing (as on cpu)
  return {
    matmul: time(() => ad.tidy(() => ad.matmul(a, a).data)),
    exp: time(() => ad.tidy(() => ad.exp(x).data)),
  };
}
