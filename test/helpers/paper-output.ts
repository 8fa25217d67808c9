/**
 * What every paper script's --quick run must leave in its output directory (PAPERS.md, top):
 * each figure as an SVG, summary.md with the claims table and what did not reproduce, and a
 * results.json of the quick run holding every claim.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, vi } from 'vitest';

/** The keys every results.json starts with, in order: the paper harness's envelope (src/report/paper.ts). */
export const envelopeKeys: readonly string[] = [
  'paper',
  'slug',
  'backend',
  'quick',
  'seed',
  'seconds',
  'versions',
  'flags',
  'configuration',
  'claims',
  'datasets',
];

/**
 * Checks the files of a run in `directory` that returned `run`; `figures` are names without `.svg`.
 * @example expectPaperOutputs(directory, run, ['mnist-loss'], results)
 */
export function expectPaperOutputs(
  directory: string,
  run: { directory: string; claims: readonly unknown[] },
  figures: readonly string[],
  results: { quick: boolean; claims: readonly unknown[] },
): void {
  expect(run.directory).toBe(directory);
  for (const name of figures)
    expect(readFileSync(join(directory, `${name}.svg`), 'utf8')).toMatch(
      /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
  const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
  expect(summary).toContain('| claim');
  expect(summary).toContain('What does not reproduce');
  expect(results.quick).toBe(true);
  expect(results.claims.length).toBe(run.claims.length);
}

/**
 * Runs a paper's `main(argv)` with console.log captured (the claims table would flood the
 * test output): its return value and the lines it printed.
 * @example const { run, printed } = await quietRun(main, ['--quick', '--quiet', '--out', directory]);
 */
export async function quietRun<Run>(
  main: (argv: readonly string[]) => Promise<Run>,
  argv: readonly string[],
): Promise<{ run: Run; printed: string[] }> {
  const printed: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    printed.push(parts.join(' '));
  });
  try {
    return { run: await main(argv), printed };
  } finally {
    log.mockRestore();
  }
}
