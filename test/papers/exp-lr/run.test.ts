/**
 * exp-lr (PAPERS.md §2) end to end: `main(['--quick', …])` runs every experiment at
 * seconds scale, writes results.json, summary.md and the figures, and its numbers show
 * the paper's claims: the WD run and its exponential-LR twin agree to 1e-9 in float64
 * (through LR drops with TEXP), float32 stays at its rounding floor, step decay is compared
 * with the exponential schedules on one test set, and the toy converges with WD or BN alone
 * but not with both.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDataset } from '../../../src/data/index.ts';
import { envelopeKeys, expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';
import { main } from '../../../papers/exp-lr.ts';
import type {
  compareToStepDecay,
  PairSummary,
  summarizeSchedules,
  summarizeToy,
} from '../../../papers/exp-lr/summaries.ts';

/** The parts of results.json the test reads. */
interface ResultsJson {
  paper: string;
  slug: string;
  backend: string;
  quick: boolean;
  seed: number;
  configuration: { equivalenceSteps: number };
  cifar: boolean;
  alpha: number;
  claims: unknown[];
  pairs: PairSummary[];
  float32: PairSummary;
  texp: PairSummary;
  schedules: {
    network: string;
    arms: ReturnType<typeof summarizeSchedules>;
    differences: ReturnType<typeof compareToStepDecay>[];
  };
  toy: { runs: ReturnType<typeof summarizeToy> };
}

describe('papers/exp-lr.ts --quick', () => {
  const directory = mkdtempSync(join(tmpdir(), 'exp-lr-'));
  let run: Awaited<ReturnType<typeof main>>;
  let results: ResultsJson;
  let printed: string[];

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory]));
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
  }, 600_000); // seconds on an idle machine; minutes when the shared cores are loaded
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes results.json, summary.md and every figure', () => {
    const figures = [
      'mnist-loss',
      'mnist-lr',
      'mnist-weight-norms',
      'norm-ratio',
      'output-gap',
      'schedules-accuracy',
      'schedules-lr',
      'schedules-weight-norms',
      'toy-excess',
      'toy-weight-norm',
    ];
    if (run.results.cifar) figures.push('cifar-loss', 'cifar-lr', 'cifar-weight-norms');
    expectPaperOutputs(directory, run, figures, results);
  });

  it("prints the backend first, and results.json starts with the harness's envelope", () => {
    expect(printed[0]).toMatch(/^exp-lr: backend /);
    expect(Object.keys(results).slice(0, envelopeKeys.length)).toEqual(envelopeKeys);
    expect(results.slug).toBe('exp-lr');
    expect(results.paper).toContain('arXiv 1910.07454');
    expect(results.seed).toBe(0);
    expect(results.configuration.equivalenceSteps).toBe(100);
  });

  it('runs CIFAR-10 exactly when its data are there', () => {
    expect(run.results.cifar).toBe(hasDataset('cifar10'));
    expect(results.cifar).toBe(run.results.cifar);
    expect(results.pairs.length).toBe(run.results.cifar ? 2 : 1);
  });

  it("the WD run and its twin agree to 1e-9 in float64, and the twin's weights follow ‖w_t‖·α^−t", () => {
    for (const pair of results.pairs) {
      expect(pair.maxOutputGap).toBeLessThan(1e-9);
      expect(pair.maxWeightGap).toBeLessThan(1e-9);
      expect(pair.maxNormPredictionError).toBeLessThan(1e-9);
      expect(pair.twinAccuracy).toBe(pair.accuracy);
      expect(pair.twinNormGrowth / pair.normGrowth).toBeCloseTo(results.alpha ** -(pair.steps - 1), 9);
      expect(pair.runningAverageLogitGap).toBeGreaterThan(1e-6); // BN's running averages do not follow the scaling
    }
    expect(results.texp.maxOutputGap).toBeLessThan(1e-9);
    // up to the first ReLU sign flip (if any): a flip ends the floor for the twin and the ±1-ulp control alike,
    // and any change of rounding can move it (the claim reads 'until the flip' then)
    expect(results.float32.maxOutputGapBeforeFlip).toBeLessThan(100 * 2 ** -23);
    expect(results.float32.maxOutputGap).toBeGreaterThan(1e-9);
  });

  it('compares step decay with the two exponential schedules on the same test images, with a noise for each difference', () => {
    expect(results.schedules.network).toBe(run.results.cifar ? 'CIFAR-10 conv net' : 'MNIST MLP');
    const [step, texpAlone, cosine] = results.schedules.arms;
    expect([step.name, texpAlone.name, cosine.name]).toEqual([
      'step decay + WD',
      'TEXP schedule alone',
      'exponential cosine',
    ]);
    for (const arm of results.schedules.arms) expect(arm.finalAccuracy).toHaveLength(2);
    // TEXP ends above step decay's last LR by ∏α^−2 > 1; the exponential cosine schedule anneals towards 0
    expect(texpAlone.finalLr).toBeGreaterThan(step.finalLr);
    expect(cosine.finalLr).toBeLessThan(0.01); // below η/10 by the last step, even at --quick
    results.schedules.differences.forEach((difference, index) => {
      const arm = results.schedules.arms[index + 1];
      expect(difference.difference).toBeCloseTo(arm.mean - step.mean, 12);
      // paired over test images: zero exactly when both arms get the same images right (possible in
      // --quick's small MNIST run without the datasets), and positive whenever a seed's accuracies differ
      if (difference.differences.some((d) => d !== 0)) expect(difference.testStandardError).toBeGreaterThan(0);
      else expect(difference.testStandardError).toBeGreaterThanOrEqual(0);
      expect(difference.noise).toBeGreaterThanOrEqual(difference.testStandardError);
    });
    const accuracyClaims = run.claims.filter((claim) => /schedule/.test(claim.claim) && /2σ/.test(claim.claim));
    expect(accuracyClaims).toHaveLength(2);
  });

  it('the toy fails to converge only with BN + WD', () => {
    const [wd, bn, both] = results.toy.runs;
    expect(Math.abs(wd.finalExcess)).toBeLessThan(1e-8);
    expect(Math.abs(bn.finalExcess)).toBeLessThan(1e-6);
    expect(both.lateMaxExcess).toBeGreaterThan(1e-2);
    expect(both.spikes).toBeGreaterThanOrEqual(2);
    const toyClaims = run.claims.filter((claim) => claim.claim.startsWith('toy'));
    expect(toyClaims.map((claim) => claim.holds)).toEqual([true, true, true]);
  });
});
