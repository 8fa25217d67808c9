/**
 * A training loop with nothing but callbacks, so it knows no tensors, models or
 * optimizers: `fit` runs `trainStep` for every batch of every epoch under a progress bar,
 * then the optional `evaluate`, and returns the history (batch losses, mean loss,
 * metrics and seconds per epoch). `evaluate` averages metrics over evaluation batches.
 */
import { progress, type ProgressOptions } from './progress.ts';

/** Metrics by name, such as `{ accuracy: 0.93 }`. */
export type Metrics = Record<string, number>;

/** What `fit` runs. Epoch and batch indices passed to the callbacks start at 0. */
export interface FitOptions<EpochMetrics extends Metrics = Metrics> {
  epochs: number;
  batchesPerEpoch: number;
  /** One optimisation step on batch `batchIndex`; returns that batch's loss. */
  trainStep(batchIndex: number, epoch: number): number;
  /** Metrics after each epoch (test accuracy, say), recorded with the epoch. */
  evaluate?(epoch: number): EpochMetrics;
  /** Progress bar label (default "epoch"), shown as "<label> 3/10". */
  label?: string;
  progress?: ProgressOptions;
}

/** One epoch of the history. */
export interface EpochRecord<EpochMetrics extends Metrics = Metrics> {
  epoch: number;
  /** Mean of the batch losses. */
  loss: number;
  batchLosses: number[];
  /** The evaluate callback's result, if there is one. */
  metrics?: EpochMetrics;
  /** Wall-clock seconds of training and evaluation in this epoch. */
  seconds: number;
}

/** The result of `fit`. */
export interface FitHistory<EpochMetrics extends Metrics = Metrics> {
  epochs: EpochRecord<EpochMetrics>[];
  /** Wall-clock seconds of the whole fit. */
  seconds: number;
}

function checkCount(functionName: string, name: string, value: number, minimum: number): void {
  if (!Number.isInteger(value) || value < minimum)
    throw new Error(`${functionName}: ${name} must be an integer ≥ ${minimum}, got ${value}`);
}

/**
 * Runs the training loop and records the history.
 * @example fit({ epochs: 2, batchesPerEpoch: 3, trainStep: (batch) => 1 / (batch + 1) }).epochs[0].loss; // 0.6111…
 */
export function fit<EpochMetrics extends Metrics = Metrics>(
  options: FitOptions<EpochMetrics>,
): FitHistory<EpochMetrics> {
  checkCount('fit', 'epochs', options.epochs, 0);
  checkCount('fit', 'batchesPerEpoch', options.batchesPerEpoch, 1);
  const start = performance.now();
  const epochs: EpochRecord<EpochMetrics>[] = [];
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const epochStart = performance.now();
    const bar = progress(
      `${options.label ?? 'epoch'} ${epoch + 1}/${options.epochs}`,
      options.batchesPerEpoch,
      options.progress,
    );
    const batchLosses: number[] = [];
    for (let batch = 0; batch < options.batchesPerEpoch; batch++) {
      batchLosses.push(options.trainStep(batch, epoch));
      bar.tick();
    }
    bar.done();
    const metrics = options.evaluate?.(epoch);
    const loss = batchLosses.reduce((total, value) => total + value, 0) / batchLosses.length;
    epochs.push({
      epoch,
      loss,
      batchLosses,
      ...(metrics === undefined ? {} : { metrics }),
      seconds: (performance.now() - epochStart) / 1000,
    });
  }
  return { epochs, seconds: (performance.now() - start) / 1000 };
}

/** What `evaluate` runs. */
export interface EvaluateOptions {
  batches: number;
  /** The metrics of one batch, each a mean over the batch's examples. */
  evaluateBatch(batchIndex: number): Metrics;
  /** Examples in a batch (default 1 for every batch), so a short last batch weighs less. */
  batchSize?(batchIndex: number): number;
}

/**
 * Averages each metric over the batches, weighted by batch size.
 * @example evaluate({ batches: 2, evaluateBatch: (batch) => ({ accuracy: batch === 0 ? 1 : 0.5 }), batchSize: (batch) => (batch === 0 ? 3 : 1) }); // { accuracy: 0.875 }
 */
export function evaluate(options: EvaluateOptions): Metrics {
  checkCount('evaluate', 'batches', options.batches, 1);
  const sums: Metrics = {};
  let totalWeight = 0;
  for (let batch = 0; batch < options.batches; batch++) {
    const weight = options.batchSize?.(batch) ?? 1;
    const metrics = options.evaluateBatch(batch);
    if (batch > 0 && Object.keys(metrics).join() !== Object.keys(sums).join()) {
      throw new Error(
        `evaluate: batch ${batch} returned metrics [${Object.keys(metrics).join(', ')}], expected [${Object.keys(sums).join(', ')}]`,
      );
    }
    for (const [name, value] of Object.entries(metrics)) sums[name] = (sums[name] ?? 0) + weight * value;
    totalWeight += weight;
  }
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / totalWeight]));
}
