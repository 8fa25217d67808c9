/**
 * Which results count as up to date (src/reproduce/papers.ts), and the runner's isolation
 * of papers (src/reproduce/runner.ts): a crashing script ends alone, with its log, while the
 * others finish.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { splitNames } from '../../src/reproduce/arguments.ts';
import { discoverPapers, flagDefaults, previousSeconds, staleReason } from '../../src/reproduce/papers.ts';
import { runPapers } from '../../src/reproduce/runner.ts';
import { codeVersion } from '../../src/report/index.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-papers-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const paper = discoverPapers().find((candidate) => candidate.slug === 'deep-matrix-factorization')!;
const request = { quick: true, seed: 0 };
const writeResults = (contents: unknown): void =>
  writeFileSync(join(root, 'results.json'), typeof contents === 'string' ? contents : JSON.stringify(contents));

describe('papers', () => {
  it('discovers every papers/<slug>.ts and splits names from flags', () => {
    const slugs = discoverPapers().map((candidate) => candidate.slug);
    expect(slugs).toContain('deep-matrix-factorization');
    expect(slugs).toEqual([...slugs].sort());
    const specs = {
      jobs: { kind: 'integer', description: 'jobs' },
      quick: { kind: 'boolean', description: 'q' },
    } as const;
    expect(splitNames(['a', '--jobs', '2', '--quick', 'b', '--jobs=3'], specs)).toEqual({
      names: ['a', 'b'],
      flags: ['--jobs', '2', '--quick', '--jobs=3'],
    });
  });

  it('is up to date only for the same code version, scale, seed and default flags; anything unreadable is a rerun', () => {
    const code = codeVersion(paper.script);
    const good = { quick: true, seed: 0, seconds: 12, versions: { code }, flags: {}, claims: [] };
    expect(staleReason(paper, root, request)).toBe('no results yet');
    for (const broken of ['{"quick": tru', '[1, 2]', 'null', '']) {
      writeResults(broken);
      expect(staleReason(paper, root, request), broken).toBe('unreadable results.json');
    }
    writeResults(good);
    expect(staleReason(paper, root, request)).toBeNull();
    expect(previousSeconds(root)).toBe(12);
    expect(staleReason(paper, root, { quick: false, seed: 0 })).toBe('results are a quick run');
    expect(staleReason(paper, root, { quick: true, seed: 4 })).toBe('seed 0, not 4');
    writeResults({ ...good, versions: { code: 'sha256:0' } });
    expect(staleReason(paper, root, request)).toBe('code changed');
    writeResults({ ...good, versions: {} });
    expect(staleReason(paper, root, request)).toBe('results.json has no code version');
    const defaults = () => new Map([['--matrix-size', '100']]);
    writeResults({ ...good, flags: { matrixSize: 100 } });
    expect(staleReason(paper, root, request, defaults)).toBeNull();
    writeResults({ ...good, flags: { matrixSize: 50 } });
    expect(staleReason(paper, root, request, defaults)).toBe('made with --matrix-size 50');
    writeResults({ ...good, flags: { quickKernels: false } });
    expect(staleReason(paper, root, request, defaults)).toBeNull(); // a boolean flag left off is its default
  });

  it('is stale when a dataset it ran without is there now, and not when one it used is gone', () => {
    const data = join(root, 'data');
    const previous = process.env.THEORYGRAD_DATA;
    process.env.THEORYGRAD_DATA = data;
    try {
      const code = codeVersion(paper.script);
      writeResults({ quick: true, seed: 0, versions: { code }, flags: {}, datasets: { cifar10: false, uci: true } });
      expect(staleReason(paper, root, request)).toBeNull();
      mkdirSync(join(data, 'cifar-10-batches-bin'), { recursive: true });
      expect(staleReason(paper, root, request)).toBe('made without cifar10, which is there now');
    } finally {
      if (previous === undefined) delete process.env.THEORYGRAD_DATA;
      else process.env.THEORYGRAD_DATA = previous;
    }
  });

  it("reads a paper's flag defaults from its --help", () => {
    const script = join(root, 'demo.ts');
    writeFileSync(
      script,
      "console.log(['usage: demo', '', 'flags:', '  --seed N     the seed (default 0)', '  --cache DIR  a folder', '  --help       print'].join('\\n'));\n",
    );
    expect(flagDefaults(script)).toEqual(new Map([['--seed', '0']]));
  });

  it('runs scripts side by side; a crash ends that one alone, with its output in its log', async () => {
    mkdirSync(join(root, 'scripts'));
    const crash = join(root, 'scripts', 'crash.ts');
    const fine = join(root, 'scripts', 'fine.ts');
    writeFileSync(crash, "console.log('about to fail');\nthrow new Error('crash: on purpose');\n");
    writeFileSync(
      fine,
      "import { writeFileSync } from 'node:fs';\nconst out = process.argv[process.argv.indexOf('--out') + 1];\n" +
        "writeFileSync(out, process.argv.slice(2).join(' '));\nconsole.log('fine: done');\n",
    );
    const logs = join(root, 'logs');
    const seen: string[] = [];
    const run = runPapers(
      [
        { slug: 'crash', script: crash, directory: join(root, 'crash-out') },
        { slug: 'fine', script: fine, directory: join(root, 'fine-out') },
      ],
      { jobs: 2, quick: true, seed: 3, logs, quiet: true, onDone: (outcome) => seen.push(outcome.slug) },
    );
    const [crashed, finished] = await run.done;
    expect(seen.sort()).toEqual(['crash', 'fine']);
    expect(crashed.exitCode).not.toBe(0);
    expect(readFileSync(crashed.log, 'utf8')).toMatch(/about to fail[\s\S]*crash: on purpose/);
    expect(finished.exitCode).toBe(0);
    expect(readFileSync(join(root, 'fine-out'), 'utf8')).toBe(
      `--out ${join(root, 'fine-out')} --seed 3 --quick --quiet`,
    );
    expect(readFileSync(join(logs, 'fine.log'), 'utf8')).toBe('fine: done\n');
  });
});
