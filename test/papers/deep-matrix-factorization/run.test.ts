/** The deep-matrix-factorization script end to end at --quick scale: printed table, files, and plausible numbers. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Solution {
  error: number;
  nuclearNorm: number;
  effectiveRank: number;
  topSingularValues: number[];
}
interface Run extends Solution {
  depth: number;
  steps: number;
  trainLoss: number;
  converged: boolean;
  millisecondsPerStep: number;
}
interface Cell {
  count: number;
  seed: number;
  targetNuclearNorm: number;
  nuclearNorm: Solution & { converged: boolean };
  runs: Run[];
}
interface Trajectory {
  steps: number[];
  singularValues: number[][];
  theorem3: { predicted: number[]; measured: number[] };
}
interface SweepRun extends Run {
  initScale: number;
  count: number;
  seed: number;
}
interface Results {
  backend: string;
  millisecondsPerStep: number;
  claims: { claim: string; paper: string; ours: string; holds: boolean | string }[];
  configuration: {
    completion: { size: number; depths: number[]; observations: number[] };
    initScales: { scales: number[]; observations: number[]; depths: number[]; seeds: number };
  };
  completion: { cells: Cell[]; trajectories: Record<string, Trajectory> };
  initScales: { runs: SweepRun[]; baselines: (Solution & { count: number; targetNuclearNorm: number })[] };
  sensing: { cells: Cell[] };
}

const directory = mkdtempSync(join(tmpdir(), 'theorygrad-dmf-'));
let stdout = '';
let results: Results;

beforeAll(() => {
  stdout = execFileSync(
    'npx',
    ['tsx', 'papers/deep-matrix-factorization.ts', '--quick', '--quiet', '--out', directory],
    { encoding: 'utf8' },
  );
  results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('papers/deep-matrix-factorization.ts --quick', () => {
  it('prints the backend first, then the claims table', () => {
    expect(stdout.split('\n')[0]).toMatch(/^deep-matrix-factorization: backend cpu/);
    expect(stdout).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
    expect(stdout).toContain('Theorem 3');
  });

  it('writes the summary, results.json and every figure', () => {
    const files = [
      'summary.md',
      'results.json',
      'completion-error.svg',
      'completion-effective-rank.svg',
      'completion-nuclear-norm.svg',
      'sensing-error.svg',
      'singular-values-depth-1.svg',
      'singular-values-depth-2.svg',
      'singular-values-depth-3.svg',
      'theorem3-singular-value-steps.svg',
      ...results.configuration.initScales.observations.flatMap((count) => [
        `init-scale-${count}-error.svg`,
        `init-scale-${count}-nuclear-norm.svg`,
      ]),
    ];
    for (const file of files) expect(existsSync(join(directory, file)), file).toBe(true);
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    expect(summary).toContain('## Claims');
    expect(summary).toContain('| claim');
    expect(summary).toContain('## Where it does not reproduce');
    expect(readFileSync(join(directory, 'completion-error.svg'), 'utf8')).toMatch(/<svg[\s\S]*<\/svg>\s*$/);
  });

  it('reports every claim with a verdict, and the time per step', () => {
    expect(results.claims.length).toBe(10);
    for (const claim of results.claims) {
      expect(claim.ours).not.toMatch(/NaN|undefined/);
      expect([true, false, 'not resolved', 'not converged']).toContain(claim.holds);
    }
    expect(results.claims.filter((claim) => claim.claim.startsWith('Fig. 2')).length).toBe(3);
    expect(results.millisecondsPerStep).toBeGreaterThan(0);
    expect(results.millisecondsPerStep).toBeLessThan(10_000);
  });

  it('gives plausible numbers: depth 1 only fits what it sees, depth 3 recovers, solutions are feasible', () => {
    const { size, observations } = results.configuration.completion;
    for (const cell of results.completion.cells) {
      const unobserved = 1 - cell.count / size ** 2;
      const depthOne = cell.runs.find((run) => run.depth === 1)!;
      // GD on W itself leaves the unseen entries at their init: error ≈ the unseen share of ‖W*‖²_F/n².
      expect(depthOne.error).toBeGreaterThan(0.5 * unobserved);
      expect(depthOne.error).toBeLessThan(1.5 * unobserved);
      for (const run of cell.runs) {
        expect(Number.isFinite(run.error) && run.error >= 0).toBe(true);
        expect(run.effectiveRank).toBeGreaterThanOrEqual(1);
        expect(run.effectiveRank).toBeLessThanOrEqual(size);
        expect(run.trainLoss).toBeLessThan(1e-3);
      }
      expect(cell.nuclearNorm.nuclearNorm).toBeLessThanOrEqual(cell.targetNuclearNorm * (1 + 1e-6));
    }
    const most = Math.max(...observations);
    const atMost = results.completion.cells.find((cell) => cell.count === most)!;
    expect(atMost.runs.find((run) => run.depth === 3)!.error).toBeLessThan(1e-3);
    expect(atMost.nuclearNorm.error).toBeLessThan(1e-3);
  });

  it('runs the init-scale sweep: every depth at every scale and count, against a feasible minimum', () => {
    const { scales, observations, depths, seeds } = results.configuration.initScales;
    expect(results.initScales.runs.length).toBe(scales.length * observations.length * depths.length * seeds);
    for (const baseline of results.initScales.baselines)
      expect(baseline.nuclearNorm).toBeLessThanOrEqual(baseline.targetNuclearNorm * (1 + 1e-6));
    for (const run of results.initScales.runs) {
      expect(scales).toContain(run.initScale);
      expect(run.trainLoss).toBeLessThan(1e-3);
    }
  });

  it('records singular value trajectories for each depth', () => {
    for (const depth of results.configuration.completion.depths) {
      const trajectory = results.completion.trajectories[depth];
      expect(trajectory.steps.length).toBeGreaterThan(2);
      for (const values of trajectory.singularValues) expect(values.length).toBe(trajectory.steps.length);
      expect(trajectory.theorem3.predicted.length).toBe(trajectory.theorem3.measured.length);
    }
  });
});
