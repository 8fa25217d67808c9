/**
 * The UCI protocol of Arora et al. (ICLR 2020, arXiv 1910.01663, §4; the authors' UCI script):
 * for every kernel of a family and every C, train an SVM on the training side of the fixed
 * split (conxuntos.dat) and score it on the validation side; keep the first strictly best
 * (kernel, C) in enumeration order; report that choice's mean accuracy over the four folds of
 * conxuntos_kfold.dat. Kernels are n×n over all rows of the dataset, row-major.
 */
import type { UciDataset } from '../data/uci.ts';
import { predictPath, svmCostPath } from './cost-path.ts';

/** One candidate kernel: a label for reports and the n×n matrix (built when asked). */
export interface KernelCandidate<Label> {
  label: Label;
  matrix: () => Float64Array;
}

/** The outcome of the protocol for one dataset and one kernel family. */
export interface ProtocolResult<Label> {
  label: Label;
  cost: number;
  /** Accuracy (0…1) of the chosen (kernel, C) on the validation side of conxuntos.dat. */
  validationAccuracy: number;
  /** Mean accuracy (0…1) over the four folds of conxuntos_kfold.dat, and per fold. */
  foldAccuracy: number;
  folds: number[];
  /** SMO iterations over every fit (all pairs of classes), and whether every fit converged. */
  iterations: number;
  maxIterations: number;
  fits: number;
  converged: boolean;
}

function accuracyOf(predictions: Int32Array, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / predictions.length;
}

function gather(labels: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (index) => labels[index]);
}

type Stats = { iterations: number; maxIterations: number; fits: number; converged: boolean };

/** The `rows`×`cols` block of an n×n kernel. */
function block(kernel: Float64Array, n: number, rows: Int32Array, cols: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r] * n;
    for (let c = 0; c < cols.length; c++) out[r * cols.length + c] = kernel[offset + cols[c]];
  }
  return out;
}

/**
 * Trains on `train` for each C of `costs` (one warm-started path), scores on `test`; accuracy
 * 0…1 per C. A training side with a single class predicts that class (the SVM needs two).
 */
function fitAndScore(
  kernel: Float64Array,
  n: number,
  labels: Int32Array,
  train: Int32Array,
  test: Int32Array,
  costs: readonly number[],
  tolerance: number,
  stats: Stats,
): number[] {
  const trainLabels = gather(labels, train);
  const testLabels = gather(labels, test);
  if (new Set(trainLabels).size < 2)
    return costs.map(() => accuracyOf(new Int32Array(test.length).fill(trainLabels[0]), testLabels));
  const models = svmCostPath(block(kernel, n, train, train), trainLabels, costs, { tolerance });
  const evaluation = block(kernel, n, test, train);
  return models.map((model) => {
    stats.iterations += model.iterations;
    stats.maxIterations = Math.max(stats.maxIterations, model.maxIterations);
    stats.fits += model.pairs.length;
    stats.converged &&= model.converged;
    return accuracyOf(predictPath(model, evaluation, train.length), testLabels);
  });
}

/**
 * Runs the protocol on one dataset for the candidates (in the authors' enumeration order)
 * and the C grid; `onFit` is called after each candidate's C path (for progress).
 * @example
 *   const result = runProtocol(loadUci('iris'), [{ label: 'linear', matrix: () => linearKernel }], [0.01, 1, 100]);
 *   result.foldAccuracy; // mean 4-fold accuracy of the chosen C
 */
export function runProtocol<Label>(
  dataset: UciDataset,
  candidates: readonly KernelCandidate<Label>[],
  costs: readonly number[],
  options: { tolerance?: number; onFit?: () => void } = {},
): ProtocolResult<Label> {
  const { tolerance = 1e-3, onFit } = options;
  if (candidates.length === 0 || costs.length === 0)
    throw new Error(
      `runProtocol: ${dataset.name}: need candidates and costs, got ${candidates.length} and ${costs.length}`,
    );
  const n = dataset.count;
  const stats: Stats = { iterations: 0, maxIterations: 0, fits: 0, converged: true };
  let best: { candidate: KernelCandidate<Label>; cost: number; accuracy: number; values: Float64Array } | undefined;
  for (const candidate of candidates) {
    const values = candidate.matrix();
    if (values.length !== n * n)
      throw new Error(`runProtocol: ${dataset.name}: kernel has ${values.length} entries, expected ${n}×${n}`);
    const { labels, trainIndices, validationIndices } = dataset;
    const accuracies = fitAndScore(values, n, labels, trainIndices, validationIndices, costs, tolerance, stats);
    accuracies.forEach((accuracy, c) => {
      // strictly better only: ties keep the earlier (kernel, C), as the authors' `acc > best_acc`
      if (best === undefined || accuracy > best.accuracy) best = { candidate, cost: costs[c], accuracy, values };
    });
    onFit?.();
  }
  const chosen = best!;
  // each fold walks the C grid up to the chosen C (warm starts), keeping the last model's accuracy
  const path = costs.filter((cost) => cost <= chosen.cost);
  const folds = dataset.folds.map((fold) =>
    fitAndScore(chosen.values, n, dataset.labels, fold.trainIndices, fold.testIndices, path, tolerance, stats).at(-1)!,
  );
  return {
    label: chosen.candidate.label,
    cost: chosen.cost,
    validationAccuracy: chosen.accuracy,
    foldAccuracy: folds.reduce((sum, value) => sum + value, 0) / folds.length,
    folds,
    ...stats,
  };
}
