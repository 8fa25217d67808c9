/**
 * The cpu/gpujs claims comparison (test/backends/agreement.ts) can fail: a flipped verdict, a
 * number beyond the tolerance, another claim or a missing one is a disagreement; numbers
 * within the tolerance, verdict-only claims' numbers and cpu-only claims are not.
 * (Part of `npm test`: it runs no paper; the papers' runs are `npm run test:gpujs`.)
 */
import { describe, expect, it } from 'vitest';
import { disagreements, numbersOf, type ClaimRow } from './agreement.ts';

const tolerance = { relative: 1e-3, absolute: 1e-6, reason: 'a test' };
const row = (claim: string, ours: unknown, holds: boolean | string = true): ClaimRow => ({
  claim,
  paper: 'p',
  ours,
  holds,
});
const cpu = [row('gap over 100 steps', 8.5e-16), row('accuracy (20 test images)', '3: 10.0 ± 6.9, 4: 5.0 ± 5.0')];

describe('disagreements', () => {
  it('none for the same table, or numbers within the tolerance', () => {
    expect(disagreements(cpu, cpu, { tolerance }).lines).toEqual([]);
    // 10.0 → 10.1: one unit of the last printed digit (a rounding boundary crossed), not a disagreement
    const near = [row('gap over 100 steps', 8.5e-16 + 5e-7), row(cpu[1].claim, '3: 10.1 ± 6.9, 4: 5.0 ± 5.0')];
    expect(disagreements(cpu, near, { tolerance }).lines).toEqual([]);
  });

  it('a flipped verdict', () => {
    const flipped = [cpu[0], { ...cpu[1], holds: 'not resolved' }];
    expect(disagreements(cpu, flipped, { tolerance }).lines).toEqual([
      'claim 2 (accuracy (20 test images)): holds true on cpu, not resolved on gpujs',
    ]);
  });

  it('a number beyond the tolerance, in "ours" or in the claim text', () => {
    const far = [row('gap over 100 steps', 1e-4), row('accuracy (22 test images)', '3: 10.0 ± 6.9, 4: 5.2 ± 5.0')];
    const lines = disagreements(cpu, far, { tolerance }).lines;
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/claim 1 .*ours number 1 is 8\.5e-16 on cpu, 0\.0001 on gpujs/);
    expect(lines[1]).toMatch(/claim 2 .*claim number 1 is 20 on cpu, 22 on gpujs/);
    expect(lines[2]).toMatch(/claim 2 .*ours number 5 is 5 on cpu, 5\.2 on gpujs/);
  });

  it('other words, another count of numbers, a missing claim', () => {
    const other = [row('gap over 100 steps', 'n/a'), row(cpu[1].claim, '3: 10.0 ± 6.9')];
    expect(disagreements(cpu, other, { tolerance }).lines).toHaveLength(2);
    expect(disagreements(cpu, cpu.slice(0, 1), { tolerance }).lines).toEqual(['2 claims on cpu, 1 on gpujs']);
  });

  it('verdict-only claims compare verdicts, not numbers; cpu-only claims are skipped, with the reason', () => {
    const far = [row('gap over 100 steps', 1e-4, false), cpu[1]];
    const verdictOnly = [{ claim: /^gap/, reason: 'rounding' }];
    expect(disagreements(cpu, far, { tolerance, verdictOnly }).lines).toEqual([
      'claim 1 (gap over 100 steps): holds true on cpu, false on gpujs',
    ]);
    const cpuOnly = [{ claim: /^gap/, reason: 'float64' }];
    expect(disagreements(cpu, far, { tolerance, cpuOnly })).toEqual({
      lines: [],
      skipped: ['claim 1 (gap over 100 steps): cpu only (float64)'],
    });
  });
});

it('numbersOf reads signs, minus signs, separators and exponents, and the unit of the last printed digit', () => {
  const numbers = numbersOf('slope −0.62, 1,620 pairs, 3.1e-7 vs 2.4E-7; -5');
  expect(numbers.map(({ value }) => value)).toEqual([-0.62, 1620, 3.1e-7, 2.4e-7, -5]);
  numbers.forEach(({ unit }, i) => expect(unit).toBeCloseTo([0.01, 1, 1e-8, 1e-8, 1][i], 12));
  expect(numbersOf(0.25)).toEqual([{ value: 0.25, unit: 0 }]);
  expect(numbersOf(true)).toEqual([]);
});
