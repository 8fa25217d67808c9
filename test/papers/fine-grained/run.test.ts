/**
 * fine-grained (PAPERS.md §1) end to end: `main(['--quick', …])` trains the two-layer net at
 * seconds scale on MNIST (and CIFAR-10 when its data are there), writes results.json, summary.md
 * and the figures, and its numbers show the paper's claims at that scale: H∞ is positive definite,
 * the training loss follows the eigen-formula for true labels, true labels train faster than
 * random ones, and the bound and the test error grow with label corruption.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDataset } from '../../../src/data/index.ts';
import { expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';
import { main } from '../../../papers/fine-grained.ts';
import type { DatasetStatistics } from '../../../papers/fine-grained/statistics.ts';

/** The parts of results.json the test reads. */
interface ResultsJson {
  slug: string;
  quick: boolean;
  cifar: boolean;
  claims: unknown[];
  statistics: DatasetStatistics[];
}

describe('papers/fine-grained.ts --quick', () => {
  const directory = mkdtempSync(join(tmpdir(), 'fine-grained-'));
  let run: Awaited<ReturnType<typeof main>>;
  let results: ResultsJson;
  let printed: string[] = [];

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory]));
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
  }, 180_000);
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('prints the backend first and the claims table; results.json carries the harness envelope', () => {
    expect(printed[0]).toMatch(/^fine-grained: backend \S/);
    expect(printed.join('\n')).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
    expect(results.slug).toBe('fine-grained');
  });

  it('writes results.json, summary.md and every figure', () => {
    const prefixes = run.results.cifar ? ['mnist', 'cifar'] : ['mnist'];
    const figures = [
      ...prefixes.flatMap((prefix) =>
        ['training', 'label-projections', 'residual-projections', 'generalization'].map((name) => `${prefix}-${name}`),
      ),
      'distance',
    ];
    expectPaperOutputs(directory, run, figures, results);
  });

  it('runs CIFAR-10 exactly when its data are there', () => {
    expect(run.results.cifar).toBe(hasDataset('cifar10'));
    expect(results.cifar).toBe(run.results.cifar);
    expect(results.statistics.length).toBe(run.results.cifar ? 2 : 1);
  });

  it('H∞ is positive definite and the loss of true labels follows the eigen-formula', () => {
    for (const s of results.statistics) {
      expect(s.lambdaMin).toBeGreaterThan(0);
      expect(s.formulaGap[0]).toBeLessThan(0.25);
      expect(s.initialGramGap).toBeLessThan(0.1);
    }
  });

  it('true labels converge faster than random ones; the complexity, the bound and the test error grow with corruption', () => {
    for (const s of results.statistics) {
      const last = s.relativeResidual.length - 1;
      expect(s.relativeResidual[0]).toBeLessThan(s.relativeResidual[last]);
      expect(s.limitOrder).toBeGreaterThan(0.9);
      expect(s.boundOrder).toBeGreaterThan(0.9);
      expect(s.testError[0]).toBeLessThan(s.testError[last]);
    }
  });
});
