/** The contrastive script end to end at --quick scale: printed table, files, and consistent numbers. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDataset } from '../../../src/data/index.ts';

interface Measurement {
  tau: number;
  unsupervised: number;
  supervised: number;
  bound: number;
}
interface Checkpoint {
  step: number;
  test: Measurement;
  train: Measurement;
}
interface Scores {
  name: string;
  meanAccuracy: number;
  meanTopTwo: number;
  meanAveragePair: number;
  fewShotMean: number;
  linearAccuracy: number;
}
interface Results {
  backend: string;
  claims: { claim: string; paper: string; ours: string; holds: boolean | string }[];
  text?: { representations: Scores[]; checkpoints: Checkpoint[]; sweep: { negatives: number }[] };
  images: { dataset: string; representations: Scores[]; checkpoints: Checkpoint[] }[];
}

const withText = hasDataset('ag-news');
const withCifar = hasDataset('cifar10');
const directory = mkdtempSync(join(tmpdir(), 'theorygrad-contrastive-'));
let stdout = '';
let results: Results;

beforeAll(() => {
  stdout = execFileSync('npx', ['tsx', 'papers/contrastive.ts', '--quick', '--quiet', '--out', directory], {
    encoding: 'utf8',
  });
  results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
}, 120_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('papers/contrastive.ts --quick', () => {
  it('prints the backend first, then the claims table', () => {
    expect(stdout.split('\n')[0]).toMatch(/^contrastive: backend cpu/);
    expect(stdout).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
  });

  it('writes the summary, results.json and every figure', () => {
    const files = ['summary.md', 'results.json', 'bound-mnist.svg'];
    if (withText) files.push('bound-text.svg', 'negatives-text.svg');
    if (withCifar) files.push('bound-cifar10.svg');
    for (const file of files) expect(existsSync(join(directory, file)), file).toBe(true);
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    expect(summary).toContain('## Claims');
    expect(summary).toContain("## The paper's reported figures (recalled)");
    expect(summary).toContain('## Where it does not reproduce');
  });

  it('reports every claim with a verdict and no NaN', () => {
    expect(results.claims.length).toBe((withText ? 7 : 0) + 4 * (withCifar ? 2 : 1));
    for (const claim of results.claims) {
      expect(claim.ours).not.toMatch(/NaN|undefined/);
      expect([true, false, 'not resolved']).toContain(claim.holds);
    }
  });

  it('measures Lemma 4.3 at every checkpoint: the bound covers L^μ_sup on the same data, τ is Σρ²', () => {
    const runs = [...results.images, ...(results.text ? [results.text] : [])];
    for (const run of runs) {
      expect(run.checkpoints.length).toBeGreaterThan(1);
      expect(run.checkpoints[0].step).toBe(0);
      for (const { test, train } of run.checkpoints)
        for (const m of [test, train]) {
          expect(m.supervised).toBeLessThanOrEqual(m.bound + 1e-9);
          expect(m.bound).toBeCloseTo((m.unsupervised - m.tau) / (1 - m.tau), 12);
          expect(m.tau).toBeGreaterThan(0);
        }
    }
  });

  it('gives accuracies in range, with top-2 ≥ top-1', () => {
    const all = [...results.images.flatMap((r) => r.representations), ...(results.text?.representations ?? [])];
    for (const scores of all) {
      for (const value of [scores.meanAccuracy, scores.meanTopTwo, scores.fewShotMean, scores.linearAccuracy]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(1);
      }
      expect(scores.meanTopTwo).toBeGreaterThanOrEqual(scores.meanAccuracy);
      expect(scores.meanAveragePair).toBeGreaterThanOrEqual(0);
      expect(scores.meanAveragePair).toBeLessThanOrEqual(1);
    }
  });
});
