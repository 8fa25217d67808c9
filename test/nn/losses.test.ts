/** Losses and softmax helpers: definitions, stability at ±1000, gradients. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { accuracy, crossEntropy, hingeLoss, logisticLoss, logSoftmax, mseLoss, softmax } from '../../src/nn/index.ts';
import { makeTensor, valuesArb } from '../helpers/arbitraries.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;

/** Logits [N, K] with values in [−scale, scale] and N labels in [0, K). */
const classificationArb = (scale: number) =>
  fc
    .record({ n: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 2, max: 5 }) })
    .chain(({ n, k }) =>
      fc
        .tuple(valuesArb([n, k], -scale, scale), fc.array(fc.nat(k - 1), { minLength: n, maxLength: n }))
        .map(([values, labels]) => ({ logits: makeTensor(values, [n, k]), labels })),
    );

function naiveLogSoftmax(row: number[]): number[] {
  const total = row.reduce((sum, v) => sum + Math.exp(v), 0);
  return row.map((v) => v - Math.log(total));
}

describe('softmax and cross-entropy', () => {
  it('cross-entropy equals −log softmax at the label, for each reduction', () => {
    fc.assert(
      fc.property(classificationArb(5), ({ logits, labels }) => {
        const [n, k] = logits.shape;
        const rows = Array.from({ length: n }, (_, i) => logits.toArray().slice(i * k, (i + 1) * k));
        const expected = rows.map((row, i) => -naiveLogSoftmax(row)[labels[i]]);
        expectClose(crossEntropy(logits, labels, { reduction: 'none' }).data, expected, 1e-13, 1e-13);
        expect(crossEntropy(logits, Int32Array.from(labels)).item()).toBeCloseTo(
          expected.reduce((a, b) => a + b) / n,
          13,
        );
        expect(crossEntropy(logits, labels, { reduction: 'sum' }).item()).toBeCloseTo(
          expected.reduce((a, b) => a + b),
          13,
        );
        expectClose(softmax(logits).sum(1).data, Array(n).fill(1), 1e-15, 0);
      }),
      { numRuns: 50 },
    );
  });

  it('is exact and finite for logits ±1000, where the naive formula overflows', () => {
    const logits = ad.tensor(
      [
        [1000, -1000, 0],
        [-1000, -1000, 1000],
      ],
      float64,
    );
    expect(logSoftmax(logits).toArray()).toEqual([0, -2000, -1000, -2000, -2000, 0]);
    expectClose(crossEntropy(logits, [0, 1], { reduction: 'none' }).data, [0, 2000], 0, 0);
    const float32 = ad.tensor([[1000, -1000]]);
    expect(crossEntropy(float32, [1]).item()).toBe(2000);
    const leaf = logits.requireGrad();
    crossEntropy(leaf, [0, 1]).backward();
    expect(leaf.grad!.toArray().every(Number.isFinite)).toBe(true);
  });

  it('its gradient is (softmax − onehot)/N, and gradcheck passes for the composed losses', () => {
    fc.assert(
      fc.property(classificationArb(3), ({ logits, labels }) => {
        const [n, k] = logits.shape;
        const gradient = ad.grad((x) => crossEntropy(x, labels))(logits);
        const probabilities = softmax(logits).toArray();
        expectClose(
          gradient.data,
          probabilities.map((p, i) => (p - (labels[Math.floor(i / k)] === i % k ? 1 : 0)) / n),
          1e-15,
          1e-12,
        );
        ad.gradcheck((x) => crossEntropy(x, labels), [logits]);
        ad.gradcheck((x) => logSoftmax(x, 0).square().sum(), [logits]);
      }),
      { numRuns: 20 },
    );
  });

  it('validates labels, and accuracy counts first maxima at the label', () => {
    const logits = ad.tensor([
      [2, 1, 0],
      [0, 3, 3],
      [1, 1, 5],
    ]);
    expect(accuracy(logits, [0, 1, 0])).toBeCloseTo(2 / 3, 15);
    expect(accuracy(logits, Int32Array.from([0, 2, 2]))).toBeCloseTo(2 / 3, 15);
    expect(() => crossEntropy(logits, [0, 3, 1])).toThrow(
      'crossEntropy: label 3 at position 1 is not a class in [0, 3)',
    );
    expect(() => crossEntropy(logits, [0, 1])).toThrow('crossEntropy: 2 labels for logits [3,3] (need 3)');
    expect(() => accuracy(ad.zeros([3]), [0])).toThrow('accuracy: logits must be [N, K], got [3]');
    expect(() => crossEntropy(logits, [0, 1, 2], { reduction: 'average' as 'mean' })).toThrow(
      "crossEntropy: reduction must be 'mean', 'sum' or 'none'",
    );
  });
});

describe('regression and margin losses', () => {
  it('mseLoss is the mean (or sum) of squared differences', () => {
    const prediction = ad.tensor(
      [
        [1, 2],
        [3, 4],
      ],
      float64,
    );
    const target = ad.tensor(
      [
        [0, 2],
        [5, 4],
      ],
      float64,
    );
    expect(mseLoss(prediction, target).item()).toBe(5 / 4);
    expect(mseLoss(prediction, target, { reduction: 'sum' }).item()).toBe(5);
    expect(() => mseLoss(prediction, ad.zeros([4], float64))).toThrow(
      'mseLoss: prediction [2,2] and target [4] must have the same shape',
    );
    ad.gradcheck((p) => mseLoss(p, target), [prediction]);
  });

  it('logisticLoss equals log(1 + e^{−yf}), is stable at ±1000, and has slope −y/2 at f = 0', () => {
    fc.assert(
      fc.property(
        valuesArb([6], -20, 20),
        fc.array(fc.constantFrom(-1, 1), { minLength: 6, maxLength: 6 }),
        (values, targets) => {
          const scores = makeTensor(values, [6]);
          expectClose(
            logisticLoss(scores, targets, { reduction: 'none' }).data,
            values.map((f, i) => Math.log1p(Math.exp(-targets[i] * f))),
            1e-13,
            1e-9,
          );
          ad.gradcheck((s) => logisticLoss(s, targets), [scores]);
        },
      ),
      { numRuns: 30 },
    );
    expect(logisticLoss(ad.tensor([1000, -1000, 1000], float64), [1, 1, -1], { reduction: 'none' }).toArray()).toEqual([
      0, 1000, 1000,
    ]);
    const gradient = ad.grad((s) => logisticLoss(s, ad.tensor([1, -1], float64), { reduction: 'sum' }))(
      ad.zeros([2], float64),
    );
    expect(gradient.toArray()).toEqual([-0.5, 0.5]);
    expect(() => logisticLoss(ad.zeros([2]), [1, 0])).toThrow('logisticLoss: target 0 at position 1 must be −1 or +1');
  });

  it('hingeLoss equals max(0, 1 − y·f)', () => {
    const scores = ad.tensor([2, 0.5, -0.3, 1.7], float64);
    const targets = [1, 1, -1, -1];
    expectClose(hingeLoss(scores, targets, { reduction: 'none' }).data, [0, 0.5, 0.7, 2.7], 1e-15, 1e-15);
    expect(hingeLoss(scores, targets).item()).toBeCloseTo(3.9 / 4, 15);
    ad.gradcheck((s) => hingeLoss(s, targets), [scores]);
  });
});
