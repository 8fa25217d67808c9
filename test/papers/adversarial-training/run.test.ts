/**
 * adversarial-training (PAPERS.md §10) end to end: `main(['--quick', …])` runs the approximation
 * lemma and both training sweeps at seconds scale, writes results.json, summary.md and the figures,
 * and its numbers are sane: robust losses at least the clean ones, movements positive, verdicts given.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../papers/adversarial-training.ts';
import type { ApproximationRun } from '../../../papers/adversarial-training/approximation.ts';
import type { WidthSweep } from '../../../papers/adversarial-training/experiments.ts';
import { expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';

interface ResultsJson {
  slug: string;
  quick: boolean;
  claims: { claim: string; ours: string; holds: boolean | string }[];
  approximation: ApproximationRun[];
  sphere: WidthSweep;
  mnist: WidthSweep;
}

describe('papers/adversarial-training.ts --quick', () => {
  const directory = mkdtempSync(join(tmpdir(), 'adversarial-training-'));
  let run: Awaited<ReturnType<typeof main>>;
  let results: ResultsJson;
  let printed: string[] = [];

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory]));
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
  }, 240_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the backend, then the claims table; writes the summary, results.json and every figure', () => {
    expect(printed[0]).toMatch(/^adversarial-training: backend cpu/);
    expect(printed.join('\n')).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
    const figures = ['step-approximation-error', 'step-approximation-movement'];
    for (const prefix of ['sphere', 'mnist'])
      figures.push(`${prefix}-robust-loss`, `${prefix}-movement`, `${prefix}-training-curves`);
    expectPaperOutputs(directory, run, figures, results);
    expect(results.slug).toBe('adversarial-training');
  });

  it('gives every claim a verdict and finite figures', () => {
    expect(results.claims.length).toBe(11);
    for (const claim of results.claims) {
      expect(claim.ours).not.toMatch(/NaN|undefined|Infinity/);
      expect([true, false, 'not resolved']).toContain(claim.holds);
    }
  });

  it('measures sane quantities: robust ≥ clean loss, disjoint balls, positive movement, errors in range', () => {
    for (const sweep of [results.sphere, results.mnist]) {
      sweep.separations.forEach((separation, i) => expect(separation).toBeGreaterThan(2 * sweep.radii[i]));
      for (const training of sweep.runs) {
        expect(training.robustLoss).toBeGreaterThanOrEqual(training.cleanLoss);
        expect(training.robustError).toBeGreaterThanOrEqual(training.cleanError);
        expect(training.relativeMovement).toBeGreaterThan(0);
        expect(training.curve.steps.length).toBe(training.curve.loss.length);
      }
    }
    for (const approximation of results.approximation) {
      expect(approximation.signError).toBeGreaterThanOrEqual(0);
      expect(approximation.signError).toBeLessThanOrEqual(1);
      expect(approximation.meanError).toBeLessThanOrEqual(approximation.error95 * 2 + 1);
    }
  });
});
