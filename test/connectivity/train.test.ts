/** SGD with unit dropout, dropout stability ε and barriers (src/connectivity). */
import { describe, expect, it } from 'vitest';
import { barrier, dropoutStability, evaluateNet, initialWeights, trainNet } from '../../src/connectivity/index.ts';
import { mlpOf, randomSet } from './planted.ts';

describe('trainNet', () => {
  const architecture = mlpOf(4, [16, 16], 2);
  const set = randomSet(architecture, 64, 1);
  // A learnable rule: the label is the sign of the first coordinate.
  for (let i = 0; i < set.count; i++) set.labels[i] = set.images[i * 4] > 0 ? 1 : 0;

  it('lowers the training loss with and without dropout, the same for the same seed', () => {
    const before = evaluateNet(architecture, initialWeights(architecture, 3), set).loss;
    for (const keep of [1, 0.5]) {
      const options = { steps: 150, batch: 16, learningRate: 0.1, keep, seed: 3 };
      const trained = trainNet(architecture, set, options);
      expect(evaluateNet(architecture, trained, set).loss).toBeLessThan(before);
      expect(Array.from(trainNet(architecture, set, options)[0])).toEqual(Array.from(trained[0]));
    }
  });

  it('names the function and the value for a keep probability outside (0, 1]', () => {
    expect(() => trainNet(architecture, set, { steps: 1, batch: 4, learningRate: 0.1, keep: 0, seed: 0 })).toThrow(
      /trainNet: keep must be in \(0, 1\], got 0/,
    );
  });
});

describe('dropoutStability', () => {
  it('is the mean excess over the halves, with their spread; a barrier is the peak over the higher end', () => {
    const architecture = mlpOf(3, [8], 3);
    const set = randomSet(architecture, 20, 2);
    const result = dropoutStability(architecture, initialWeights(architecture, 1), set, 5, 0);
    expect(result.excess).toHaveLength(5);
    expect(result.epsilon).toBeCloseTo(result.excess.reduce((a, b) => a + b, 0) / 5, 10);
    expect(result.spread).toBeGreaterThanOrEqual(0);
    expect(barrier({ position: [0, 0.5, 1], loss: [0.1, 0.5, 0.2], accuracy: [1, 1, 1] })).toBeCloseTo(0.3, 12);
  });
});
