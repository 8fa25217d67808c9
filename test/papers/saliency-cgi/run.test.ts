/**
 * saliency-cgi (PAPERS.md §6) end to end: `main(['--quick', …])` trains the small CNNs, computes every
 * method's maps under cascading randomization and for the random-label model, writes results.json,
 * summary.md and the figures, and its numbers are sane: similarities in [−1, 1], each map identical to
 * itself on the trained model, verdicts given. CIFAR-10's half needs THEORYGRAD_DATA.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../papers/saliency-cgi.ts';
import type { DatasetResult } from '../../../papers/saliency-cgi/experiments.ts';
import { hasDataset } from '../../../src/data/index.ts';
import { expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';

interface ResultsJson {
  slug: string;
  quick: boolean;
  claims: { claim: string; ours: string; holds: boolean | string }[];
  mnist: DatasetResult;
  cifar?: DatasetResult;
}

describe('papers/saliency-cgi.ts --quick', () => {
  const directory = mkdtempSync(join(tmpdir(), 'saliency-cgi-'));
  const withCifar = hasDataset('cifar10');
  let run: Awaited<ReturnType<typeof main>>;
  let results: ResultsJson;
  let printed: string[] = [];

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory]));
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
  }, 240_000);

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the backend, then the claims table; writes the summary, results.json and every figure', () => {
    expect(printed[0]).toMatch(/^saliency-cgi: backend cpu/);
    expect(printed.join('\n')).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
    const figures = ['inputs', 'maps', 'cascade', 'similarity-spearman', 'similarity-ssim', 'input-correlation'];
    const names = withCifar ? ['mnist', 'cifar'] : ['mnist'];
    expectPaperOutputs(
      directory,
      run,
      names.flatMap((name) => figures.map((figure) => `${name}-${figure}`)),
      results,
    );
    expect(results.slug).toBe('saliency-cgi');
    expect(results.cifar === undefined).toBe(!withCifar);
  });

  it('gives every claim a verdict and a finite figure', () => {
    expect(results.claims.length).toBe(withCifar ? 12 : 6);
    for (const claim of results.claims) {
      expect(claim.ours).not.toMatch(/NaN|undefined|Infinity/);
      expect([true, false, 'not resolved']).toContain(claim.holds);
    }
  });

  it('measures sane similarities: in [−1, 1], 1 for the trained model with itself, CGI sparser than the map it masks', () => {
    for (const result of [results.mnist, results.cifar].filter((r): r is DatasetResult => r !== undefined)) {
      expect(result.steps.length).toBe(5);
      for (const method of ['gradient', 'gradientTimesInput', 'cgi', 'integratedGradients'] as const) {
        const steps = result.cascade[method];
        expect(steps.length).toBe(result.steps.length);
        for (const value of steps[0].spearmanSigned) expect(value).toBeCloseTo(1, 9);
        for (const step of steps)
          for (const value of [...step.spearmanAbsolute, ...step.spearmanSigned, ...step.ssim]) {
            expect(value).toBeGreaterThanOrEqual(-1 - 1e-9);
            expect(value).toBeLessThanOrEqual(1 + 1e-9);
          }
      }
      for (const fraction of result.cgiKept) {
        expect(fraction).toBeGreaterThanOrEqual(0);
        expect(fraction).toBeLessThan(1);
      }
      for (const accuracy of Object.values(result.accuracy)) expect(accuracy).toBeGreaterThanOrEqual(0);
    }
  });
});
