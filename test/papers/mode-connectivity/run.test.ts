/** The mode-connectivity script end to end at --quick scale: printed table, files, and consistent numbers. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasDataset } from '../../../src/data/index.ts';

interface Profile {
  position: number[];
  loss: number[];
}
interface Pair {
  keep: number;
  epsilon: number;
  spread: number;
  vertexBarrier: number;
  path: { segments: string[]; train: Profile; test: Profile; barrier: number };
  line: { train: Profile; barrier: number };
}
interface Results {
  quick: boolean;
  claims: { claim: string; holds: boolean | string }[];
  families: { name: string; pairs: Pair[] }[];
}

const directory = mkdtempSync(join(tmpdir(), 'theorygrad-mode-connectivity-'));
let stdout = '';
let results: Results;
const fashion = hasDataset('fashion-mnist');

beforeAll(() => {
  stdout = execFileSync('npx', ['tsx', 'papers/mode-connectivity.ts', '--quick', '--quiet', '--out', directory], {
    encoding: 'utf8',
  });
  results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
}, 180_000);

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('papers/mode-connectivity.ts --quick', () => {
  it('prints the backend first, then the claims table', () => {
    expect(stdout.split('\n')[0]).toMatch(/^mode-connectivity: backend /);
    expect(stdout).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
  });

  it('writes the summary, results and one path figure per family plus the barrier figure', () => {
    expect(results.quick).toBe(true);
    const names = results.families.map((family) => family.name);
    expect(names).toEqual(fashion ? ['MNIST MLP', 'Fashion-MNIST MLP', 'MNIST CNN'] : ['MNIST MLP', 'MNIST CNN']);
    for (const file of [
      'summary.md',
      'results.json',
      'barrier-vs-epsilon.svg',
      'path-loss-mnist-mlp.svg',
      'path-loss-mnist-cnn.svg',
    ])
      expect(existsSync(join(directory, file)), file).toBe(true);
    expect(results.claims).toHaveLength(4 * names.length + 1);
    for (const claim of results.claims) expect([true, false, 'not resolved']).toContain(claim.holds);
  });

  it('evaluates both paths from A to B: same end losses, 2H + 3 segments, barriers at least the vertices’', () => {
    for (const family of results.families) {
      for (const pair of family.pairs) {
        const { train } = pair.path;
        expect(train.loss[0]).toBeCloseTo(pair.line.train.loss[0], 5);
        expect(train.loss.at(-1)!).toBeCloseTo(pair.line.train.loss.at(-1)!, 5);
        expect(train.position.at(-1)).toBe(pair.path.segments.length);
        expect(pair.path.segments.length).toBe(family.name.includes('CNN') ? 9 : 7);
        expect(pair.path.barrier).toBeGreaterThanOrEqual(pair.vertexBarrier - 1e-9);
        expect(Number.isFinite(pair.epsilon) && pair.spread >= 0).toBe(true);
      }
    }
  });
});
