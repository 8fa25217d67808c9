import { describe, expect, it } from 'vitest';
import { evaluate, fit } from '../../src/report/fit.ts';
import type { ProgressStream } from '../../src/report/progress.ts';

describe('fit', () => {
  it('runs every batch of every epoch, then evaluate, and records the history', () => {
    const calls: string[] = [];
    const history = fit({
      epochs: 2,
      batchesPerEpoch: 3,
      trainStep: (batch, epoch) => {
        calls.push(`train ${epoch}.${batch}`);
        return epoch * 10 + batch;
      },
      evaluate: (epoch) => {
        calls.push(`evaluate ${epoch}`);
        return { accuracy: 0.5 + epoch / 4 };
      },
      progress: { stream: { write: () => true, isTTY: false } },
    });
    expect(calls).toEqual([
      'train 0.0',
      'train 0.1',
      'train 0.2',
      'evaluate 0',
      'train 1.0',
      'train 1.1',
      'train 1.2',
      'evaluate 1',
    ]);
    expect(history.epochs.map((record) => [record.epoch, record.loss, record.batchLosses, record.metrics])).toEqual([
      [0, 1, [0, 1, 2], { accuracy: 0.5 }],
      [1, 11, [10, 11, 12], { accuracy: 0.75 }],
    ]);
    for (const record of history.epochs) expect(record.seconds).toBeGreaterThanOrEqual(0);
    expect(history.seconds).toBeGreaterThanOrEqual(history.epochs[0].seconds);
  });

  it('leaves metrics out without evaluate and draws a bar per epoch on a terminal', () => {
    const chunks: string[] = [];
    const stream: ProgressStream = { write: (chunk: string) => chunks.push(chunk), isTTY: true, columns: 80 };
    const history = fit({
      epochs: 2,
      batchesPerEpoch: 2,
      trainStep: () => 1,
      label: 'train',
      progress: { stream, environment: {}, quiet: false },
    });
    expect('metrics' in history.epochs[0]).toBe(false);
    expect(chunks.filter((chunk) => chunk.endsWith('\n')).map((chunk) => chunk.slice(1, 10))).toEqual([
      'train 1/2',
      'train 2/2',
    ]);
  });

  it('rejects bad counts, naming the argument', () => {
    expect(() => fit({ epochs: 1, batchesPerEpoch: 0, trainStep: () => 0 })).toThrow(
      'fit: batchesPerEpoch must be an integer ≥ 1, got 0',
    );
    expect(() => fit({ epochs: 1.5, batchesPerEpoch: 1, trainStep: () => 0 })).toThrow(/^fit: epochs/);
  });
});

describe('evaluate', () => {
  it('averages metrics over batches, weighted by batch size', () => {
    const metrics = evaluate({
      batches: 2,
      evaluateBatch: (batch) => (batch === 0 ? { accuracy: 1, loss: 0.2 } : { accuracy: 0.5, loss: 0.6 }),
      batchSize: (batch) => (batch === 0 ? 3 : 1),
    });
    expect(metrics.accuracy).toBeCloseTo(0.875, 12);
    expect(metrics.loss).toBeCloseTo(0.3, 12);
    expect(evaluate({ batches: 2, evaluateBatch: (batch) => ({ accuracy: batch }) })).toEqual({ accuracy: 0.5 });
  });

  it('rejects batches that return different metrics', () => {
    expect(() =>
      evaluate({ batches: 2, evaluateBatch: (batch): Record<string, number> => (batch === 0 ? { a: 1 } : { b: 1 }) }),
    ).toThrow('evaluate: batch 1 returned metrics [b], expected [a]');
    expect(() => evaluate({ batches: 0, evaluateBatch: () => ({}) })).toThrow(/^evaluate: batches/);
  });
});
