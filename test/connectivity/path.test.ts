/**
 * The constructed path of Kuditipudi et al. 2019 (§3, Theorem 1): continuity and exact
 * endpoints, what each segment does to the network function, the dropout vertices against
 * dropout by unit scales, and the loss bound on planted dropout-stable nets.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import {
  constructPath,
  dropLayerColumns,
  evaluateNet,
  forward,
  hiddenWidths,
  initialWeights,
  interpolate,
  pathProfile,
  randomHalves,
  weightTensors,
  type Architecture,
  type Weights,
} from '../../src/connectivity/index.ts';
import { cnnOf, mlpOf, plantedWeights, randomSet } from './planted.ts';

/** Small MLPs (1–3 hidden layers of even width) and CNNs (1–2 convolutions). */
const architectures: fc.Arbitrary<Architecture> = fc.oneof(
  fc
    .record({
      input: fc.integer({ min: 2, max: 5 }),
      widths: fc.array(
        fc.integer({ min: 1, max: 4 }).map((half) => 2 * half),
        { minLength: 1, maxLength: 3 },
      ),
      classes: fc.integer({ min: 2, max: 4 }),
    })
    .map(({ input, widths, classes }) => mlpOf(input, widths, classes)),
  fc
    .record({
      channels: fc.array(
        fc.integer({ min: 1, max: 3 }).map((half) => 2 * half),
        { minLength: 1, maxLength: 2 },
      ),
      classes: fc.integer({ min: 2, max: 3 }),
    })
    .map(({ channels, classes }) => cnnOf(channels, classes)),
);

const seeds = fc.integer({ min: 0, max: 10_000 });

function logits(architecture: Architecture, weights: Weights, input: ad.Tensor): Float32Array {
  return forward(architecture, weightTensors(architecture, weights), input).data as Float32Array;
}

function inputOf(architecture: Architecture, seed: number): ad.Tensor {
  return ad.randomNormal([5, ...architecture.input], { seed });
}

describe('constructPath', () => {
  it('starts at A, ends at B (every parameter exactly), and is continuous: 2H + 3 segments meeting at vertices', () => {
    fc.assert(
      fc.property(architectures, seeds, (architecture, seed) => {
        const a = initialWeights(architecture, seed);
        const b = initialWeights(architecture, seed + 1);
        const path = constructPath(architecture, a, b, randomHalves(hiddenWidths(architecture), seed));
        const hidden = hiddenWidths(architecture).length;
        expect(path.segments.length).toBe(2 * hidden + 3);
        expect(path.vertices.length).toBe(path.segments.length + 1);
        path.vertices[0].forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(a[i])));
        path.vertices.at(-1)!.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
        // Each segment's ends are exactly its vertices, so consecutive segments meet.
        for (let k = 0; k + 1 < path.vertices.length; k++) {
          const [from, to] = [path.vertices[k], path.vertices[k + 1]];
          interpolate(from, to, 0).forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(from[i])));
          interpolate(from, to, 1).forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(to[i])));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('constant segments leave the function unchanged; output-linear segments move the output linearly', () => {
    fc.assert(
      fc.property(architectures, seeds, fc.double({ min: 0.05, max: 0.95, noNaN: true }), (architecture, seed, t) => {
        const a = initialWeights(architecture, seed);
        const b = initialWeights(architecture, seed + 1);
        const path = constructPath(architecture, a, b, randomHalves(hiddenWidths(architecture), seed));
        const input = inputOf(architecture, seed);
        path.segments.forEach(({ kind }, k) => {
          if (kind === 'inner-rescale') return;
          const start = logits(architecture, path.vertices[k], input);
          const end = logits(architecture, path.vertices[k + 1], input);
          const middle = logits(architecture, interpolate(path.vertices[k], path.vertices[k + 1], t), input);
          const bound = 1e-4 * (1 + Math.max(...start.map(Math.abs), ...end.map(Math.abs)));
          for (let i = 0; i < middle.length; i++) {
            const expected = kind === 'constant' ? start[i] : (1 - t) * start[i] + t * end[i];
            if (kind === 'constant') expect(Math.abs(end[i] - start[i])).toBeLessThanOrEqual(bound);
            expect(Math.abs(middle[i] - expected)).toBeLessThanOrEqual(bound);
          }
        });
      }),
      { numRuns: 40 },
    );
  });

  it("A's fully dropped vertex is the net with half of every layer dropped and the rest ×2 (what ε measures)", () => {
    fc.assert(
      fc.property(architectures, seeds, (architecture, seed) => {
        const a = initialWeights(architecture, seed);
        const halves = randomHalves(hiddenWidths(architecture), seed);
        let dropped = a;
        for (let l = halves.length - 1; l >= 0; l--) dropped = dropLayerColumns(architecture, dropped, l, halves[l]);
        const path = constructPath(architecture, a, initialWeights(architecture, seed + 1), halves);
        path.vertices[halves.length].forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(dropped[i])));
        const set = randomSet(architecture, 6, seed);
        const scales = halves.map((half) => Float32Array.from(half, (k) => 2 * k));
        const byScales = evaluateNet(architecture, a, set, scales).loss;
        expect(Math.abs(evaluateNet(architecture, dropped, set).loss - byScales)).toBeLessThanOrEqual(
          1e-4 * (1 + byScales),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('on planted dropout-stable nets the loss along the whole path stays within max(L_A, L_B) + ε (Theorem 1)', () => {
    fc.assert(
      fc.property(architectures, seeds, (architecture, seed) => {
        const halves = randomHalves(hiddenWidths(architecture), seed);
        const others = halves.map((half) => half.map((k) => 1 - k));
        const a = plantedWeights(architecture, halves, seed, 2);
        const b = plantedWeights(architecture, halves, seed + 1, 2);
        const set = randomSet(architecture, 8, seed + 2);
        const lossA = evaluateNet(architecture, a, set).loss;
        const lossB = evaluateNet(architecture, b, set).loss;
        // ε of the halves the path uses: A keeps `halves`, B keeps the others; planted twins make it ≈ 0.
        const scaled = (half: Uint8Array[]) => half.map((h) => Float32Array.from(h, (k) => 2 * k));
        const epsilonA = evaluateNet(architecture, a, set, scaled(halves)).loss - lossA;
        const epsilonB = evaluateNet(architecture, b, set, scaled(others)).loss - lossB;
        expect(Math.abs(epsilonA)).toBeLessThanOrEqual(1e-4 * (1 + lossA));
        const path = constructPath(architecture, a, b, halves);
        const profile = pathProfile(
          architecture,
          path.vertices,
          set,
          path.segments.map(() => 3),
        );
        const bound = Math.max(lossA, lossB) + Math.max(epsilonA, epsilonB, 0) + 1e-4 * (1 + Math.max(lossA, lossB));
        for (const loss of profile.loss) expect(loss).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 30 },
    );
  });

  it('names the function and the sizes when the halves do not fit the net', () => {
    const architecture = mlpOf(3, [4, 4], 2);
    const a = initialWeights(architecture, 0);
    expect(() => constructPath(architecture, a, a, randomHalves([4], 0))).toThrow(
      /constructPath: halves of sizes \[4\] for hidden widths \[4,4\]/,
    );
  });
});
