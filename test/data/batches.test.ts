import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchCount, batches, epochOrder, type Batch } from '../../src/data/batches.ts';
import { createDataset, type Dataset } from '../../src/data/dataset.ts';

/** n examples of shape [2] holding [i, i + 0.5], labelled i mod 5, so each row names its index. */
function indexed(n: number): Dataset {
  const images = Float32Array.from({ length: 2 * n }, (_, k) => Math.floor(k / 2) + (k % 2) * 0.5);
  return createDataset({
    images,
    labels: Int32Array.from({ length: n }, (_, i) => i % 5),
    shape: [2],
    classes: 5,
    name: 'indexed',
  });
}

const indicesOf = (batch: Batch): number[] => Array.from({ length: batch.count }, (_, i) => batch.images[2 * i]);

describe('batches', () => {
  it('covers every index exactly once per epoch, keeping images and labels together', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        fc.nat(20),
        (n, batchSize, seed, epoch) => {
          const all = [...batches(indexed(n), { batchSize, seed, epoch })];
          expect(all).toHaveLength(batchCount(n, { batchSize, seed }));
          const seen = all.flatMap((batch) => {
            expect(batch.shape).toEqual([2]);
            indicesOf(batch).forEach((index, i) => {
              expect(batch.labels[i]).toBe(index % 5);
              expect(batch.images[2 * i + 1]).toBe(index + 0.5);
            });
            return indicesOf(batch);
          });
          expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
          all.slice(0, -1).forEach((batch) => expect(batch.count).toBe(batchSize));
        },
      ),
    );
  });

  it('dropLast yields only full batches of distinct indices', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (n, batchSize, seed) => {
        const all = [...batches(indexed(n), { batchSize, seed, dropLast: true })];
        expect(all).toHaveLength(Math.floor(n / batchSize));
        const seen = all.flatMap(indicesOf);
        expect(new Set(seen).size).toBe(all.length * batchSize);
        all.forEach((batch) => expect(batch.count).toBe(batchSize));
      }),
    );
  });

  it('is reproducible from (seed, epoch) and reshuffles between epochs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 100 }), fc.nat(), fc.nat(50), (n, seed, epoch) => {
        const run = (e: number): number[][] =>
          [...batches(indexed(n), { batchSize: 7, seed, epoch: e })].map(indicesOf);
        expect(run(epoch)).toEqual(run(epoch));
        // Two orders of ≥ 20 items coincide with probability ≤ 1/20!.
        expect(run(epoch + 1)).not.toEqual(run(epoch));
        expect(Array.from(epochOrder(n, { batchSize: 7, seed, epoch }))).toEqual(run(epoch).flat());
      }),
    );
  });

  it('without shuffling yields the dataset order', () => {
    const all = [...batches(indexed(5), { batchSize: 2, seed: 0, shuffle: false })].map(indicesOf);
    expect(all).toEqual([[0, 1], [2, 3], [4]]);
  });

  it('counts batches and rejects a bad batch size', () => {
    expect(batchCount(10, { batchSize: 4, seed: 0 })).toBe(3);
    expect(batchCount(10, { batchSize: 4, seed: 0, dropLast: true })).toBe(2);
    expect(() => [...batches(indexed(3), { batchSize: 0, seed: 0 })]).toThrow(
      /batches: batchSize must be a positive integer, got 0/,
    );
  });
});
