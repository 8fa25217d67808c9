/**
 * fine-grained (PAPERS.md §1) end to end: `main(['--quick', …])` trains the two-layer net to
 * convergence at seconds scale on MNIST (and CIFAR-10 when its data are there), runs Theorem 6.1's
 * curves over n, writes results.json, summary.md and the figures, and its numbers show the paper's
 * claims at that scale: H∞ is positive definite, true labels train faster than random ones on MNIST,
 * ‖W(K) − W(0)‖_F lands near √(yᵀ(H∞)⁻¹y), and random labels' complexity grows with n.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDataset } from '../../../src/data/index.ts';
import { expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';
import { main } from '../../../papers/fine-grained.ts';
import type { DatasetStatistics, GrowthStatistics } from '../../../papers/fine-grained/statistics.ts';

/** The parts of results.json the test reads. */
interface ResultsJson {
  slug: string;
  quick: boolean;
  cifar: boolean;
  claims: unknown[];
  statistics: DatasetStatistics[];
  growthStatistics: GrowthStatistics;
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
      'complexity-growth',
    ];
    expectPaperOutputs(directory, run, figures, results);
  });

  it('runs CIFAR-10 exactly when its data are there', () => {
    expect(run.results.cifar).toBe(hasDataset('cifar10'));
    expect(results.cifar).toBe(run.results.cifar);
    expect(results.statistics.length).toBe(run.results.cifar ? 2 : 1);
  });

  it('H∞ is positive definite; on MNIST true labels train faster and the net lands near √(yᵀ(H∞)⁻¹y)', () => {
    for (const s of results.statistics) {
      expect(s.lambdaMin).toBeGreaterThan(0);
      expect(s.initialGramGap).toBeLessThan(0.2);
    }
    const mnist = results.statistics[0];
    const last = mnist.stepsToFraction.length - 1;
    expect(mnist.stepsToFraction[0]).toBeLessThan(mnist.stepsToFraction[last]);
    mnist.distance.forEach((value, i) => expect(Math.abs(value / mnist.limitDistance[i] - 1)).toBeLessThan(0.15));
    expect(mnist.formulaGap[0]).toBeLessThan(0.05);
  });

  it('Theorem 6.1: random labels grow with n faster than (βᵀx)^1, which stays within its bound', () => {
    const random = results.growthStatistics[results.growthStatistics.length - 1];
    const linear = results.growthStatistics[0];
    expect(random.exponent.mean).toBeGreaterThan(0.4);
    expect(linear.lastExponent.mean).toBeLessThan(random.lastExponent.mean);
    expect(linear.boundRatio).toBeLessThanOrEqual(1);
  });
});
