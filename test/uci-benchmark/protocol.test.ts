/**
 * The protocol (arXiv 1910.01663, §4) with its fits spread over the worker pool gives what the
 * plain sequential loop gives: the first strictly best (kernel, C) in enumeration order on the
 * validation split, then each fold's warm-started path up to that C, and the summed statistics.
 * The reference below is that loop written out with svmCostPath and predictPath.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import type { UciDataset } from '../../src/data/uci.ts';
import {
  fullyConnectedNtkFamily,
  predictPath,
  runProtocol,
  svmCostPath,
  type KernelCandidate,
} from '../../src/uci-benchmark/index.ts';

/** A random three-class dataset of n rows with a 50/50 split and four folds (shuffled indices). */
function randomDataset(seed: number, n: number): UciDataset {
  const random = new Random(seed);
  const dimension = 4;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  const features = Float64Array.from(
    { length: n * dimension },
    (_, e) => random.normal() + 0.8 * labels[Math.floor(e / dimension)] * (e % 2),
  );
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const half = Math.floor(n / 2);
  const folds = [0, 1, 2, 3].map((f) => ({
    trainIndices: Int32Array.from(order.filter((_, i) => i % 4 !== f)),
    testIndices: Int32Array.from(order.filter((_, i) => i % 4 === f)),
  }));
  return {
    name: `random-${seed}`,
    features,
    labels,
    count: n,
    dimension,
    classes: 3,
    trainIndices: Int32Array.from(order.slice(0, half)),
    validationIndices: Int32Array.from(order.slice(half)),
    folds,
  };
}

function sub(kernel: Float64Array, n: number, rows: Int32Array, cols: Int32Array): Float64Array {
  return Float64Array.from(
    { length: rows.length * cols.length },
    (_, e) => kernel[rows[Math.floor(e / cols.length)] * n + cols[e % cols.length]],
  );
}

/** The protocol as one sequential loop: accuracies per C for one split. */
function pathAccuracies(kernel: Float64Array, data: UciDataset, train: Int32Array, test: Int32Array, costs: number[]) {
  const n = data.count;
  const trainLabels = Array.from(train, (i) => data.labels[i]);
  const models = svmCostPath(sub(kernel, n, train, train), trainLabels, costs);
  return models.map((model) => {
    const predicted = predictPath(model, sub(kernel, n, test, train), train.length);
    return predicted.filter((label, r) => label === data.labels[test[r]]).length / test.length;
  });
}

describe('runProtocol', () => {
  it('chooses and scores as the sequential loop does, with the fits on the worker pool', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        const data = randomDataset(seed, 90);
        const family = fullyConnectedNtkFamily(data.features, data.count, data.dimension, 3);
        const candidates: KernelCandidate<string>[] = [];
        for (let dep = 0; dep < 3; dep++)
          for (let fix = 0; fix <= dep; fix++)
            candidates.push({ label: `${dep},${fix}`, matrix: () => family.kernel(dep, fix) });
        const costs = [0.1, 1, 10, 100];
        const result = runProtocol(data, candidates, costs);
        let best = { label: '', cost: 0, accuracy: -1 };
        for (const candidate of candidates) {
          const accuracies = pathAccuracies(candidate.matrix(), data, data.trainIndices, data.validationIndices, costs);
          accuracies.forEach((accuracy, c) => {
            if (accuracy > best.accuracy) best = { label: candidate.label, cost: costs[c], accuracy };
          });
        }
        expect([result.label, result.cost, result.validationAccuracy]).toEqual([best.label, best.cost, best.accuracy]);
        const chosen = candidates.find((candidate) => candidate.label === best.label)!.matrix();
        const path = costs.filter((cost) => cost <= best.cost);
        const folds = data.folds.map((fold) =>
          pathAccuracies(chosen, data, fold.trainIndices, fold.testIndices, path).at(-1)!,
        );
        expect(result.folds).toEqual(folds);
        expect(result.converged).toBe(true);
        // 6 kernels × 4 C × 3 pairs on the validation split, then 4 folds × |path| × 3 pairs
        expect(result.fits).toBe(6 * 4 * 3 + 4 * path.length * 3);
      }),
      { numRuns: 8 },
    );
  });
});
