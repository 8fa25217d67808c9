/**
 * `theorygrad reproduce --quick` end to end on the two fastest papers, in a temporary
 * results folder: a first run runs both and writes the report, a second skips both as up to
 * date, `--force` reruns the paper named, and an interrupted run leaves the report as it was (no half-written
 * file, no temporary file). The data directory is an empty folder, so the papers run the
 * parts that need no download, whatever the machine has.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../src/report/index.ts';

const papers = ['deep-matrix-factorization', 'fine-grained'];
let root: string;
let environment: NodeJS.ProcessEnv;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-reproduce-'));
  mkdirSync(join(root, 'data'));
  const { THEORYGRAD_REQUIRE_DATA: _required, ...rest } = process.env;
  environment = { ...rest, THEORYGRAD_DATA: join(root, 'data'), CI: '1' };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const bin = join(repositoryRoot, 'bin', 'theorygrad.js');
const results = (): string => join(root, 'results');
const reproduce = (argv: string[], slugs: readonly string[] = papers) =>
  spawnSync(process.execPath, [bin, 'reproduce', ...slugs, '--quick', '--results', results(), ...argv], {
    encoding: 'utf8',
    env: environment,
    cwd: repositoryRoot,
  });
const modified = (slug: string): number => statSync(join(results(), 'quick', slug, 'results.json')).mtimeMs;

describe('theorygrad reproduce', () => {
  it('runs both papers, then skips them as up to date, and --force reruns', () => {
    const first = reproduce(['--jobs', '2']);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    for (const slug of papers) expect(first.stdout).toContain(`  ${slug}: to run (no results yet)`);
    const folder = join(results(), 'quick');
    expect(readdirSync(folder).sort()).toEqual(expect.arrayContaining(['REPORT.md', 'index.html', ...papers]));
    const report = readFileSync(join(folder, 'REPORT.md'), 'utf8');
    for (const slug of papers) expect(report).toMatch(new RegExp(`\\| \\[${slug}\\]\\(#${slug}\\) \\| [1-9]`));
    expect(readFileSync(join(folder, 'index.html'), 'utf8')).toContain('<img src="deep-matrix-factorization/');
    const json = JSON.parse(readFileSync(join(folder, 'fine-grained', 'results.json'), 'utf8'));
    expect(json.versions.code).toMatch(/^sha256:[0-9a-f]{64}$/);

    const before = papers.map(modified);
    const second = reproduce([]);
    expect(second.status, second.stderr).toBe(0);
    for (const slug of papers) expect(second.stdout).toContain(`  ${slug}: up to date`);
    expect(papers.map(modified)).toEqual(before);

    // --force on one paper (the faster) reruns it and leaves the other alone.
    const third = reproduce(['--force'], [papers[0]]);
    expect(third.status, third.stderr).toBe(0);
    expect(third.stdout).toContain(`  ${papers[0]}: to run (forced)`);
    const after = papers.map(modified);
    expect([after[0] > before[0], after[1] === before[1]]).toEqual([true, true]);
  }, 600_000);

  it('leaves the report as it was when interrupted', async () => {
    const folder = join(results(), 'quick');
    const report = readFileSync(join(folder, 'REPORT.md'), 'utf8');
    const html = readFileSync(join(folder, 'index.html'), 'utf8');
    const child = spawn(process.execPath, [bin, 'reproduce', papers[0], '--quick', '--force', '--results', results()], {
      env: environment,
      cwd: repositoryRoot,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    // Interrupted while the first paper runs (its line printed, a second later).
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (stdout.includes('to run (forced)')) {
          clearInterval(poll);
          setTimeout(resolve, 1500);
        }
      }, 100);
    });
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, stdout).toBe(130);
    expect(stdout).toContain('reproduce: interrupted');
    expect(readFileSync(join(folder, 'REPORT.md'), 'utf8')).toBe(report);
    expect(readFileSync(join(folder, 'index.html'), 'utf8')).toBe(html);
    expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    for (const slug of papers) JSON.parse(readFileSync(join(folder, slug, 'results.json'), 'utf8'));
  });
});
