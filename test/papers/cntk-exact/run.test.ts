/**
 * cntk-exact (PAPERS.md §8) end to end: `main(['--quick', …])` computes the exact CNTKs on
 * tiny CIFAR-10 subsets (8×8 and 4×4 images), regresses, runs the finite-net studies, and
 * writes results.json (the harness's envelope, then the paper's fields), summary.md and the
 * figures; the kernels go to the --cache folder, outside the results folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { envelopeKeys, quietRun } from '../../helpers/paper-output.ts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../../papers/cntk-exact.ts';
import { configuration } from '../../../papers/cntk-exact/config.ts';
import { HelpRequested } from '../../../src/report/index.ts';
import { describeWithData } from '../../data/requireData.ts';

describeWithData('papers/cntk-exact.ts --quick', 'cifar10', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cntk-exact-'));
  const cache = mkdtempSync(join(tmpdir(), 'cntk-exact-cache-'));
  let run: Awaited<ReturnType<typeof main>>;
  let printed: string[] = [];

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory, '--cache', cache]));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('prints the backend line first', () => {
    expect(printed[0]).toMatch(/^cntk-exact: backend cpu/);
  });

  it('writes results.json, summary.md and the figures', () => {
    expect(run.directory).toBe(directory);
    for (const figure of ['accuracy-cntk-v-8x8.svg', 'accuracy-4x4.svg', 'gap-minus-vanilla.svg'])
      expect(readFileSync(join(directory, figure), 'utf8')).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    for (const text of ['| claim', 'Accuracy by depth', 'CNTK-GAP paper', 'What does not reproduce'])
      expect(summary).toContain(text);
    const results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.claims.length).toBe(run.claims.length);
    expect(results.rows.map((row: { depth: number }) => row.depth)).toEqual(configuration(true).depths);
  });

  it("puts the harness's envelope first in results.json, the --cache flag among the flags", () => {
    const results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
    expect(Object.keys(results)).toEqual([...envelopeKeys, 'rows', 'vanillaSpread', 'kernels', 'empirical', 'wideNet']);
    expect(results.slug).toBe('cntk-exact');
    expect(results.flags).toEqual({ cache });
    expect(results.datasets).toEqual({ cifar10: true });
    expect(results.configuration).toEqual(configuration(true));
    for (const kernels of results.kernels) expect(kernels.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('caches the kernels in the --cache folder, not in the results folder', () => {
    expect(existsSync(join(directory, 'cache'))).toBe(false);
    const files = readdirSync(cache);
    expect(files.filter((file) => file.endsWith('.json'))).toHaveLength(3);
    expect(files.filter((file) => file.endsWith('.f32'))).toHaveLength(3 * 2 * configuration(true).depths.length);
  });

  it('regresses every depth and readout to an accuracy, with the kernels computed once per readout and set', () => {
    for (const row of run.results.rows) {
      for (const result of [row.vanilla, row.smallVanilla, row.gap]) {
        expect(result.accuracy).toBeGreaterThanOrEqual(0);
        expect(result.accuracy).toBeLessThanOrEqual(1);
      }
    }
    expect(run.runs.map((kernels) => [kernels.readout, kernels.fix])).toEqual([
      ['vanilla', false],
      ['vanilla', false],
      ['gap', true],
    ]);
    expect(
      run.runs.every((kernels) => !kernels.cached && kernels.kernels.length === configuration(true).depths.length),
    ).toBe(true);
  });
});

it('--help names the --cache flag', async () => {
  const help = await main(['--help']).catch((error: unknown) => error);
  expect(help).toBeInstanceOf(HelpRequested);
  expect((help as HelpRequested).text).toMatch(/--cache DIR\s+the kernel cache/);
});
