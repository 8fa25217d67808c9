/**
 * A dataset's images as a tensor, the input of the networks and kernel passes (the one place
 * where the data layer's typed arrays become autodiff tensors).
 */
import * as ad from '../../autodiff/index.ts';
import type { ExampleSet } from './dataset.ts';

/**
 * Examples [start, start + count) of a set as a tensor [count, ...shape] (all of them by default), float32 unless asked.
 * @example imagesOf(cifarTest).shape // [10000, 3, 32, 32]
 */
export function imagesOf(
  set: ExampleSet,
  start = 0,
  count = set.count - start,
  dtype: ad.DType = 'float32',
): ad.Tensor {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > set.count)
    throw new Error(`imagesOf: examples [${start}, ${start + count}) are not inside the set's ${set.count}`);
  const size = set.images.length / set.count;
  return ad.tensor(set.images.subarray(start * size, (start + count) * size), { shape: [count, ...set.shape], dtype });
}
