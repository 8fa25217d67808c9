/** Tensors from example sets, and test-set evaluation of BN networks with precise BN statistics. */
import * as ad from '../../autodiff/index.ts';
import type { Dataset, ExampleSet } from '../../src/data/index.ts';
import { accuracyOfScores, correctOfScores } from '../../src/kernel-methods/kernel-regression.ts';
import type * as nn from '../../src/nn/index.ts';
import { recomputeBatchNormStatistics } from './networks.ts';

/** The images of an example set as a tensor [count, ...shape] of `dtype`. @example imagesTensor(batch, 'float64') */
export function imagesTensor(set: ExampleSet, dtype: ad.DType): ad.Tensor {
  return ad.tensor(set.images, { shape: [set.count, ...set.shape], dtype });
}

/** Test logits [count·classes] of a network in eval mode, in chunks of 1000 examples. @example testLogits(net, test, 'float32') */
export function testLogits(net: nn.Sequential, test: Dataset, dtype: ad.DType): Float64Array {
  const size = test.images.length / test.count;
  const logits = new Float64Array(test.count * test.classes);
  net.eval();
  ad.noGrad(() => {
    for (let start = 0; start < test.count; start += 1000) {
      const count = Math.min(1000, test.count - start);
      const chunk = { images: test.images.subarray(start * size, (start + count) * size), shape: test.shape, count };
      logits.set(net.forward(imagesTensor(chunk, dtype)).data, start * test.classes);
    }
  });
  net.train();
  return logits;
}

/** 1 where a row of logits [count·classes] has its first maximum at the label, else 0. @example correctOf(Float64Array.of(2, 1, 0, 3), Int32Array.of(0, 0), 2) // [1, 0] */
export function correctOf(logits: Float64Array, labels: Int32Array, classes: number): Float64Array {
  return correctOfScores({ rows: labels.length, cols: classes, data: logits }, labels);
}

/** Fraction of rows of logits [count·classes] whose first maximum is at the label. @example accuracyOf(Float64Array.of(2, 1), Int32Array.of(0), 2) // 1 */
export function accuracyOf(logits: Float64Array, labels: Int32Array, classes: number): number {
  return accuracyOfScores({ rows: labels.length, cols: classes, data: logits }, labels);
}

/**
 * Test logits of each network with precise BN: its BatchNorm statistics recomputed on
 * `calibration` for this evaluation only (the running averages are put back afterwards).
 * @example const [logits] = preciseBatchNormLogits([net], test, imagesTensor(calibration, 'float32'), 'float32');
 */
export function preciseBatchNormLogits(
  nets: readonly nn.Sequential[],
  test: Dataset,
  calibration: ad.Tensor,
  dtype: ad.DType,
): Float64Array[] {
  return nets.map((net) => {
    const saved = net.namedBuffers().map(([, buffer]) => [buffer, buffer.value] as const);
    recomputeBatchNormStatistics(net, calibration);
    const logits = testLogits(net, test, dtype);
    for (const [buffer, value] of saved) buffer.assign(value);
    return logits;
  });
}
