/**
 * The ntk-small-data script end to end at --quick scale (six small UCI datasets, few-shot CIFAR-10 at
 * n = 10 and 20): tables, files, plausible numbers.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirectory } from '../../../src/data/dir.ts';

interface Method {
  foldAccuracy: number;
  validationAccuracy: number;
  folds: number[];
  cost: number;
  converged: boolean;
  iterations: number;
}
interface Results {
  claims: { claim: string; ours: string; holds: boolean | string }[];
  uciDatasets: { entry: { name: string }; ntk: Method & { label: { dep: number; fix: number } }; gaussian: Method }[];
  uciNotRun: string[];
  fewShotCifar10: {
    subsets: {
      n: number;
      cntkVanilla: number;
      cntkGap: number;
      resnet: number;
      resnetTrain: number;
      resnetEpochs: number;
      resnetEpochCap: number;
    }[];
    sizes: { n: number; subsets: number }[];
  };
}

const present =
  existsSync(join(dataDirectory(), 'uci', 'datasets.tsv')) &&
  existsSync(join(dataDirectory(), 'cifar-10-batches-bin', 'test_batch.bin'));
if (!present && process.env.THEORYGRAD_REQUIRE_DATA === '1')
  throw new Error('run.test: no uci/datasets.tsv or cifar-10-batches-bin/test_batch.bin under the data directory');

const directory = mkdtempSync(join(tmpdir(), 'theorygrad-ntk-small-data-'));
let stdout = '';
let results: Results;

beforeAll(() => {
  if (!present) return;
  stdout = execFileSync('npx', ['tsx', 'papers/ntk-small-data.ts', '--quick', '--quiet', '--out', directory], {
    encoding: 'utf8',
  });
  results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
}, 240_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!present)('papers/ntk-small-data.ts --quick', () => {
  it('prints the backend, the paper’s table and the claims table', () => {
    expect(stdout.split('\n')[0]).toMatch(/^ntk-small-data: backend cpu/);
    expect(stdout).toMatch(/Friedman rank/);
    expect(stdout).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
  });

  it('writes the summary, results.json and the scatter figure', () => {
    for (const file of ['summary.md', 'results.json', 'uci-ntk-vs-random-forest.svg', 'fewshot-cifar10-accuracy.svg'])
      expect(existsSync(join(directory, file)), file).toBe(true);
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    for (const heading of [
      '## Claims',
      '## Where the UCI part does not reproduce',
      '## Left out',
      '## Per dataset',
      '## Few-shot CIFAR-10',
    ])
      expect(summary).toContain(heading);
  });

  it('runs the six datasets through the protocol with converged SVMs and plausible accuracies', () => {
    expect(results.uciDatasets.map((d) => d.entry.name).sort()).toEqual(
      ['balloons', 'fertility', 'iris', 'seeds', 'trains', 'wine'].sort(),
    );
    expect(results.uciNotRun.length).toBe(84);
    for (const { entry, ntk, gaussian } of results.uciDatasets) {
      for (const method of [ntk, gaussian]) {
        expect(method.converged, entry.name).toBe(true);
        expect(method.folds.length).toBe(4);
        expect(method.foldAccuracy).toBeGreaterThanOrEqual(0);
        expect(method.foldAccuracy).toBeLessThanOrEqual(100);
        expect([1e-2, 1e-1, 1, 10, 100, 1e3, 1e4]).toContain(method.cost);
      }
      expect(ntk.label.fix).toBeLessThanOrEqual(ntk.label.dep);
      expect(ntk.label.dep).toBeLessThan(5);
    }
    const iris = results.uciDatasets.find((d) => d.entry.name === 'iris')!;
    expect(iris.ntk.foldAccuracy).toBeGreaterThan(90);
    for (const claim of results.claims) {
      expect(claim.ours).not.toMatch(/NaN|undefined/);
      expect(claim.holds === true || claim.holds === false || /^(n\/a|not resolved)/.test(String(claim.holds))).toBe(
        true,
      );
    }
  });

  it('runs every few-shot subset through CNTK-V, CNTK-GAP and the ResNet', () => {
    const { subsets, sizes } = results.fewShotCifar10;
    expect(sizes.map((size) => [size.n, size.subsets])).toEqual([
      [10, 2],
      [20, 2],
    ]);
    expect(subsets.length).toBe(4);
    for (const subset of subsets) {
      for (const value of [subset.cntkVanilla, subset.cntkGap, subset.resnet, subset.resnetTrain]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(100);
      }
      // --quick's epoch cap: ⌈40/n⌉ epochs, at most 2, so 2 at n = 10 and 20; training stops at a fit or at the cap
      expect(subset.resnetEpochCap).toBe(2);
      expect(subset.resnetEpochs).toBeGreaterThanOrEqual(1);
      expect(subset.resnetEpochs).toBeLessThanOrEqual(subset.resnetEpochCap);
    }
    expect(results.claims.filter((claim) => claim.claim.startsWith('few-shot')).length).toBe(2);
  });
});
