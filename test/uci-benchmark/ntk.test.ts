/**
 * The authors' FC NTK family (arXiv 1910.01663, §4; PAPERS.md §4): every K[dep][fix] against the
 * float64 reference of src/infinite/reference.ts and against the authors' loop written out
 * literally (record H after adding S, before the ReLU step; S added only when fix ≤ dep).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { referenceFullyConnected } from '../../src/infinite/reference.ts';
import { fullyConnectedNtkFamily, gaussianKernel, squaredDistances } from '../../src/uci-benchmark/index.ts';
import { expectClose } from '../helpers/close.ts';

/** The authors' loop for one fix, as PAPERS.md §4 states it: returns K[dep] for dep < maxDepth. */
function authorsLoop(x: number[], n: number, d: number, maxDepth: number, fix: number): Float64Array[] {
  let s = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) for (let c = 0; c < d; c++) s[a * n + b] += x[a * d + c] * x[b * d + c];
  let h = new Float64Array(n * n);
  const recorded: Float64Array[] = [];
  for (let dep = 0; dep < maxDepth; dep++) {
    if (fix <= dep) h = h.map((value, e) => value + s[e]);
    recorded.push(h.slice());
    const nextS = new Float64Array(n * n);
    const nextH = new Float64Array(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        const p = Math.max(Math.sqrt(s[a * n + a] * s[b * n + b]), 1e-9);
        const lambda = Math.min(1, Math.max(-1, s[a * n + b] / p));
        nextS[a * n + b] =
          ((lambda * (Math.PI - Math.acos(lambda)) + Math.sqrt(1 - lambda * lambda)) * p) / 2 / Math.PI;
        nextH[a * n + b] = (h[a * n + b] * (Math.PI - Math.acos(lambda))) / 2 / Math.PI;
      }
    }
    s = nextS;
    h = nextH;
  }
  return recorded;
}

const inputArb = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    d: fc.integer({ min: 1, max: 5 }),
    maxDepth: fc.integer({ min: 1, max: 5 }),
  })
  .chain(({ n, d, maxDepth }) =>
    fc.record({
      n: fc.constant(n),
      d: fc.constant(d),
      maxDepth: fc.constant(maxDepth),
      x: fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: n * d, maxLength: n * d }),
    }),
  );

describe('fullyConnectedNtkFamily', () => {
  it('equals the authors’ loop for every dep and fix ≤ dep', () => {
    fc.assert(
      fc.property(inputArb, ({ n, d, maxDepth, x }) => {
        const family = fullyConnectedNtkFamily(Float64Array.from(x), n, d, maxDepth);
        for (let fix = 0; fix < maxDepth; fix++) {
          const expected = authorsLoop(x, n, d, maxDepth, fix);
          for (let dep = fix; dep < maxDepth; dep++) expectClose(family.kernel(dep, fix), expected[dep], 1e-9, 1e-9);
          // fix > dep: the authors record H = 0 there, a kernel the protocol never asks for
          for (let dep = 0; dep < fix; dep++) expect(expected[dep].every((value) => value === 0)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('equals the authors’ loop on 80 points, where each depth step is split over the worker pool', () => {
    const n = 80;
    const d = 3;
    const x = Array.from({ length: n * d }, (_, e) => Math.sin(1.7 * e + 0.3) * 2);
    const family = fullyConnectedNtkFamily(Float64Array.from(x), n, d, 5);
    for (let fix = 0; fix < 5; fix++) {
      const expected = authorsLoop(x, n, d, 5, fix);
      for (let dep = fix; dep < 5; dep++) expectClose(family.kernel(dep, fix), expected[dep], 1e-9, 1e-9);
    }
  });

  it('equals the float64 reference (authors’ normalization) with depth = dep + 1 and fixedLayers = fix', () => {
    fc.assert(
      fc.property(inputArb, ({ n, d, maxDepth, x: raw }) => {
        // rows away from zero: where a row is zero the authors' clip max(√(ab), 1e-9) leaves a
        // nonzero S of order 1e-9 that later steps amplify, where the reference keeps 0
        const x = raw.map((value, e) => (e % d === 0 ? 0.5 + Math.abs(value) : value));
        const family = fullyConnectedNtkFamily(Float64Array.from(x), n, d, maxDepth);
        for (let dep = 0; dep < maxDepth; dep++) {
          for (let fix = 0; fix <= dep; fix++) {
            const reference = referenceFullyConnected(Float64Array.from(x), n, d, {
              depth: dep + 1,
              normalization: 'authors',
              fixedLayers: fix,
            });
            expectClose(family.kernel(dep, fix), reference.ntk, 1e-9, 1e-9);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('is symmetric and finite with a zero row (the 1e-9 clip)', () => {
    const family = fullyConnectedNtkFamily(Float64Array.from([0, 0, 1, 2, -1, 0.5]), 3, 2, 5);
    const k = family.kernel(4, 2);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) expect(k[a * 3 + b]).toBeCloseTo(k[b * 3 + a], 12);
    expect(k.every(Number.isFinite)).toBe(true);
  });

  it('names the function and the values in its errors', () => {
    expect(() => fullyConnectedNtkFamily(new Float64Array(5), 2, 3, 5)).toThrow(
      /fullyConnectedNtkFamily: x has 5 values/,
    );
    expect(() => fullyConnectedNtkFamily(new Float64Array(6), 2, 3, 5).kernel(1, 2)).toThrow(/dep 1, fix 2/);
  });
});

describe('gaussianKernel', () => {
  it('is exp(−γ‖x − y‖²)', () => {
    expectClose(gaussianKernel(squaredDistances(Float64Array.from([0, 0, 1, 2]), 2, 2), 0.5), [
      1,
      Math.exp(-2.5),
      Math.exp(-2.5),
      1,
    ]);
    expect(() => squaredDistances(new Float64Array(3), 2, 2)).toThrow(/squaredDistances: x has 3 values/);
    expect(() => gaussianKernel(new Float64Array(4), 0)).toThrow(/gaussianKernel: gamma must be > 0, got 0/);
  });
});
