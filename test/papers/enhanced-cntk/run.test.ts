/**
 * enhanced-cntk (PAPERS.md §3) end to end: `main(['--quick', …])` computes the LAP sweeps on
 * tiny CIFAR-10 and Fashion-MNIST subsets (4×4), regresses every variant, measures the
 * augmentation identities, and writes results.json (the harness's envelope first), summary.md
 * and the figures; the kernels go to the --cache folder, outside the results folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../../papers/enhanced-cntk.ts';
import { configuration } from '../../../papers/enhanced-cntk/config.ts';
import { describeWithData } from '../../data/requireData.ts';
import { envelopeKeys, expectPaperOutputs, quietRun } from '../../helpers/paper-output.ts';

describeWithData('papers/enhanced-cntk.ts --quick', 'cifar10', () => {
  const directory = mkdtempSync(join(tmpdir(), 'enhanced-cntk-'));
  const cache = mkdtempSync(join(tmpdir(), 'enhanced-cntk-cache-'));
  let run: Awaited<ReturnType<typeof main>>;
  let printed: string[] = [];
  let results: Record<string, unknown> & { quick: boolean; claims: unknown[] };

  beforeAll(async () => {
    ({ run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory, '--cache', cache]));
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
  });
  afterAll(() => {
    rmSync(directory, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  it('prints the backend line first, then the table beside the paper and the claims', () => {
    expect(printed[0]).toMatch(/^enhanced-cntk: backend cpu/);
    expect(printed.join('\n')).toMatch(/paper, full CIFAR-10/);
    expect(printed.join('\n')).toMatch(/claim\s+paper's figure\s+ours\s+holds\?/);
  });

  it('writes results.json, summary.md and the figures; the envelope first', () => {
    expectPaperOutputs(directory, run, ['cifar10-accuracy-vs-c', 'fashion-mnist-accuracy-vs-c', 'lap-shifts'], results);
    expect(Object.keys(results)).toEqual([...envelopeKeys, 'sweeps', 'augmentation']);
    expect(results.datasets).toEqual({ cifar10: true, 'fashion-mnist': true });
    expect(results.configuration).toEqual(configuration(true));
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    for (const text of ['CIFAR-10 beside the paper', '89 [V]', 'GAP and LAP as translation augmentation'])
      expect(summary).toContain(text);
  });

  it('regresses every variant at every c, and every claim has a verdict that can fail', () => {
    expect(run.claims).toHaveLength(11);
    for (const claim of run.claims) {
      expect(String(claim.ours)).not.toMatch(/NaN|undefined/);
      expect([true, false, 'not resolved']).toContain(claim.holds);
    }
    const sweeps = results.sweeps as Record<string, { windows: number[]; variants: { accuracies: number[] }[] }>;
    for (const sweep of Object.values(sweeps)) {
      expect(sweep.variants).toHaveLength(4);
      for (const variant of sweep.variants) {
        expect(variant.accuracies).toHaveLength(sweep.windows.length);
        for (const accuracy of variant.accuracies) expect(accuracy).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('measures LAP and GAP as augmentation: exact with circular padding, a gap with zero padding', () => {
    const gaps = results.augmentation as { padding: string; nngp: number; ntk: number }[];
    for (const gap of gaps.filter((entry) => entry.padding === 'circular'))
      expect(Math.max(gap.nngp, gap.ntk)).toBeLessThan(1e-10);
    expect(Math.max(...gaps.filter((entry) => entry.padding === 'zero').map((gap) => gap.ntk))).toBeGreaterThan(1e-3);
  });

  it('caches the kernels in the --cache folder, not in the results folder', () => {
    expect(existsSync(join(directory, 'cache'))).toBe(false);
    const files = readdirSync(cache);
    expect(files.filter((file) => file.endsWith('.json'))).toHaveLength(3);
  });
});
