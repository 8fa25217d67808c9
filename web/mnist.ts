/** The MNIST subset bundled at build time (build/mnist-subset.ts), decoded to tensors' layout. */
import { count, images, labels } from 'virtual:mnist-subset';

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

/** count × 784 pixels in [0, 1] and their labels 0–9. @example mnistSubset().count; // 512 */
export function mnistSubset(): { count: number; images: Float32Array; labels: Int32Array } {
  const bytes = decode(images);
  return {
    count,
    images: Float32Array.from(bytes, (value) => value / 255),
    labels: Int32Array.from(decode(labels)),
  };
}
