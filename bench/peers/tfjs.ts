/**
 * The TensorFlow.js peers: the pure-JavaScript 'cpu' backend and the WebAssembly
 * backend ('wasm', whose binaries ship inside @tensorflow/tfjs-backend-wasm), each
 * running the same three workloads as ours.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type TfBackend = 'cpu' | 'wasm';

export async function useTfBackend(name: TfBackend): Promise<void> {
  await tf.setBackend(name);
  await tf.ready();
}

/** A matmul of two n×n float32 matrices, result read back (so lazy work is counted). */
export function tfMatmul(n: number): { run: () => Promise<void>; dispose: () => void } {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  return {
    run: async () => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    },
    dispose: () => tf.dispose([a, b]),
  };
}

/** conv2d forward, NCHW input as ours (tfjs computes NHWC internally; the layout is given as NCHW where supported). */
export function tfConv(
  batch: number,
  inChannels: number,
  outChannels: number,
  size: number,
  kernel: number,
): { run: () => Promise<void>; dispose: () => void } {
  // tfjs's cpu and wasm kernels take NHWC input and HWIO filters
  const x = tf.randomNormal([batch, size, size, inChannels], 0, 1, 'float32', 3) as tf.Tensor4D;
  const w = tf.randomNormal([kernel, kernel, inChannels, outChannels], 0, 1, 'float32', 4) as tf.Tensor4D;
  return {
    run: async () => {
      const y = tf.conv2d(x, w, 1, 'same');
      await y.data();
      y.dispose();
    },
    dispose: () => tf.dispose([x, w]),
  };
}

/** One SGD step of a 784-512-10 ReLU MLP with softmax cross-entropy, forward and backward. */
export function tfMlpStep(batch: number): { run: () => Promise<void>; dispose: () => void } {
  const x = tf.randomNormal([batch, 784], 0, 1, 'float32', 5);
  const labels = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: batch }, (_, i) => i % 10),
      'int32',
    ),
    10,
  );
  const w1 = tf.variable(tf.randomNormal([784, 512], 0, 0.03, 'float32', 6));
  const b1 = tf.variable(tf.zeros([512]));
  const w2 = tf.variable(tf.randomNormal([512, 10], 0, 0.05, 'float32', 7));
  const b2 = tf.variable(tf.zeros([10]));
  const optimizer = tf.train.sgd(0.01);
  return {
    run: async () => {
      const loss = optimizer.minimize(() => {
        const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const logits = tf.add(tf.matMul(hidden, w2), b2);
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }, true);
      await loss!.data();
      loss!.dispose();
    },
    dispose: () => tf.dispose([x, labels, w1, b1, w2, b2]),
  };
}
