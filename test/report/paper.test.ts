/**
 * The paper harness (src/report/paper.ts) on a small paper of the test's own: flags reach the
 * experiment, the output folder is checked before it runs, results.json carries the one
 * envelope, summary.md the claims and figures, a failed run leaves the earlier results alone;
 * and every script in papers/ answers --help with exit code 0 and a mistake with one line and
 * exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { currentBackend, withBackendAsync } from '../../autodiff/index.ts';
import { HelpRequested, UsageError } from '../../src/report/cli.ts';
import { runPaper, type PaperContext } from '../../src/report/paper.ts';
import { envelopeKeys } from '../helpers/paper-output.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-paper-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const flags = { width: { kind: 'integer', description: 'hidden width', default: 8, minimum: 1 } } as const;
type Context = PaperContext<{ steps: number }, typeof flags>;
let seen: Context | undefined;

const main = runPaper('file:///not-the-entry-point.ts', {
  slug: 'demo-paper',
  title: 'A demo paper (Someone 2019)',
  citation: 'Someone, A Demo Paper, 2019 (arXiv 0000.00000)',
  runTime: 'a moment',
  configuration: (quick) => ({ steps: quick ? 2 : 20 }),
  flags,
  run(context) {
    seen = context;
    if (context.flags.width === 13) throw new Error('demo-paper: an unlucky width');
    return {
      claims: [
        { claim: 'the width is positive', paper: '> 0', ours: context.flags.width, holds: context.flags.width > 0 },
      ],
      figures: [{ name: 'curve.svg', caption: 'A curve.', svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' }],
      // Width 14 returns a field named like an envelope key, which the harness must refuse.
      results: context.flags.width === 14 ? { seed: 1 } : { steps: context.config.steps },
      summary: { description: 'What was run.', sections: [{ heading: 'What does not reproduce', body: 'Nothing.' }] },
    };
  },
});

describe('runPaper', () => {
  it('passes the flags and sizes to the experiment and writes the envelope, summary and figures', async () => {
    const out = join(root, 'out');
    const run = await main(['--quick', '--seed', '5', '--width=3', '--quiet', '--out', out]);
    expect(seen?.config).toEqual({ steps: 2 });
    expect([seen?.seed, seen?.quick, seen?.quiet, seen?.flags.width]).toEqual([5, true, true, 3]);
    expect(run.directory).toBe(out);
    expect(readdirSync(out).sort()).toEqual(['curve.svg', 'results.json', 'summary.md']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(Object.keys(results)).toEqual([...envelopeKeys, 'steps']);
    expect(results).toMatchObject({
      slug: 'demo-paper',
      quick: true,
      seed: 5,
      flags: { width: 3 },
      configuration: { steps: 2 },
      steps: 2,
    });
    expect(results.versions.node).toBe(process.versions.node);
    expect(results.backend).toMatch(/^cpu/);
    const summary = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(
      summary.startsWith(
        `# A demo paper (Someone 2019)\n\nRun: quick (\`--quick\`), seed 5; backend ${results.backend}.\n\nWhat was run.`,
      ),
    ).toBe(true);
    expect(summary).toMatch(/\| the width is positive \| > 0 +\| +3 \| yes +\|/);
    expect(summary).toContain('![A curve.](curve.svg)');
  });

  it('rejects a mistake on the command line or an unusable output folder before the experiment runs', async () => {
    seen = undefined;
    await expect(main(['--width', '0'])).rejects.toThrow(UsageError);
    await expect(main(['--help'])).rejects.toThrow(HelpRequested);
    writeFileSync(join(root, 'a-file'), '');
    await expect(main(['--out', join(root, 'a-file')])).rejects.toThrow(
      `output folder: ${join(root, 'a-file')} exists and is not a folder`,
    );
    expect(seen).toBeUndefined();
  });

  it('leaves the earlier results as they were, and nothing else, when the experiment fails', async () => {
    const out = join(root, 'out');
    await main(['--out', out, '--quiet']);
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    await expect(main(['--out', out, '--width', '13'])).rejects.toThrow('an unlucky width');
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(before);
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('refuses results fields that would overwrite the envelope, keeping the earlier results', async () => {
    const out = join(root, 'out');
    await main(['--out', out, '--quiet']);
    const before = readFileSync(join(out, 'results.json'), 'utf8');
    await expect(main(['--out', out, '--quiet', '--width', '14'])).rejects.toThrow(
      /^runPaper\(demo-paper\): run\(\) returned results keys "seed" that the results.json envelope already uses/,
    );
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toBe(before);
  });

  it('tells the experiment whether a dataset is there', async () => {
    const previous = process.env.THEORYGRAD_DATA;
    const required = process.env.THEORYGRAD_REQUIRE_DATA;
    try {
      process.env.THEORYGRAD_DATA = root;
      delete process.env.THEORYGRAD_REQUIRE_DATA;
      await main(['--out', join(root, 'out'), '--quiet']);
      expect(seen?.hasDataset('cifar10', 'the CIFAR-10 part')).toBe(false);
      mkdirSync(join(root, 'cifar-10-batches-bin'));
      expect(seen?.hasDataset('cifar10', 'the CIFAR-10 part')).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.THEORYGRAD_DATA;
      else process.env.THEORYGRAD_DATA = previous;
      if (required !== undefined) process.env.THEORYGRAD_REQUIRE_DATA = required;
    }
  });
});

describe('runPaper on a float32-only backend', () => {
  const backendPaper = (float64: string | undefined) =>
    runPaper('file:///not-the-entry-point.ts', {
      slug: 'backend-paper',
      title: 'Backends',
      citation: 'Someone 2020',
      runTime: 'a moment',
      configuration: () => ({}),
      float64,
      run: (context) => ({
        claims: [],
        figures: [],
        results: {
          ranOn: currentBackend().name,
          solvedOn: context.onCpu('the kernel solve', () => currentBackend().name),
        },
        summary: {},
      }),
    });
  const readResults = (out: string) => JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));

  it('runs the parts that need float64 on cpu and names them in the backend line', async () => {
    const out = join(root, 'parts');
    await withBackendAsync('gpujs', () => backendPaper(undefined)(['--quiet', '--out', out]));
    const results = readResults(out);
    expect([results.ranOn, results.solvedOn]).toEqual(['gpujs', 'cpu']);
    expect(results.backend).toMatch(/^gpujs .*; float64 parts on cpu: the kernel solve$/);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('float64 parts on cpu: the kernel solve.');
  });

  it('runs a paper that is float64 throughout on cpu, saying why, and names no parts on cpu', async () => {
    const out = join(root, 'pinned');
    const logged: string[] = [];
    const log = console.log;
    console.log = (line: string) => void logged.push(line);
    try {
      await withBackendAsync('gpujs', () => backendPaper('H∞ needs it')(['--quiet', '--out', out]));
    } finally {
      console.log = log;
    }
    const results = readResults(out);
    expect([results.ranOn, results.solvedOn]).toEqual(['cpu', 'cpu']);
    expect(results.backend).toMatch(/^cpu/);
    expect(results.backend).not.toContain('float64 parts');
    expect(logged).toContain('backend-paper: float64 throughout (H∞ needs it), so on cpu, not gpujs');
    expect(currentBackend().name).toBe('cpu');
  });
});

describe('every paper script', () => {
  const scripts = readdirSync('papers').filter((name) => name.endsWith('.ts'));
  // tsx's CLI run by this Node, as npx would but without npx's start-up.
  const tsx = (args: string[]) =>
    spawnSync(process.execPath, [join('node_modules', 'tsx', 'dist', 'cli.mjs'), ...args], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true' },
    });

  it.each(scripts)('%s: --help prints the paper and its flags (exit 0)', (script) => {
    const help = tsx([join('papers', script), '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`usage: npx tsx papers/${script} [flags]`);
    expect(help.stdout).toMatch(/Default run: .+ on 2 cores/);
    for (const flag of ['--quick', '--seed N', '--out DIR', '--quiet']) expect(help.stdout).toContain(flag);
  });

  // The harness answers a mistake the same way for every paper: shown once, on the fastest to load.
  it('a mistake is one line naming the flag (exit 2), before any computing or locking', () => {
    const wrong = tsx([join('papers', 'deep-matrix-factorization.ts'), '--sed', '1']);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^deep-matrix-factorization: unknown flag --sed \(flags: /),
    ]);
    expect(existsSync(join('results', 'quick', '.deep-matrix-factorization.lock'))).toBe(false);
  });
});
