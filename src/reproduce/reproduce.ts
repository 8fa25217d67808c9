/**
 * `theorygrad reproduce [slug…] [--quick] [--jobs N] [--force]`: runs every paper (or the
 * ones named) through its script, skips those whose results are up to date (papers.ts),
 * then writes REPORT.md and index.html over every paper's folder (src/report/gallery.ts).
 * Default-scale results go to results/<slug>/ and the report to results/; `--quick` runs
 * go to results/quick/<slug>/ with their own report in results/quick/, so a quick run never
 * touches the committed results or their report.
 */
import { join, resolve } from 'node:path';
import {
  defaultResultsRoot,
  formatDuration,
  parseFlags,
  resultsDirectory,
  UsageError,
  verdictCounts,
  writeReport,
  type FlagSpecs,
} from '../report/index.ts';
import { splitNames } from './arguments.ts';
import { discoverPapers, previousSeconds, staleReason } from './papers.ts';
import { runPapers, type PaperJob, type PaperOutcome } from './runner.ts';

export const reproduceFlags = {
  quick: {
    kind: 'boolean',
    description: 'the --quick run of every paper (seconds to a minute each), in <results>/quick/',
  },
  force: { kind: 'boolean', description: 'rerun papers whose results are up to date too' },
  jobs: { kind: 'integer', description: 'papers run at once', default: 1, minimum: 1, maximum: 64 },
  seed: {
    kind: 'integer',
    description: 'the seed passed to every paper',
    default: 0,
    minimum: 0,
    maximum: 2 ** 31 - 1,
  },
  results: { kind: 'string', description: 'the results folder (default results/ of the repository)', valueName: 'DIR' },
  quiet: { kind: 'boolean', description: 'no progress display' },
} as const satisfies FlagSpecs;

export const reproduceUsage = {
  program: 'theorygrad reproduce',
  command: 'npx theorygrad reproduce [slug…] [flags]   (npm start = every paper at default scale)',
  about: [
    'Runs every paper script (or the ones named), skipping those whose results are up to date',
    '(same code version, scale and seed), then writes REPORT.md and index.html in the results folder.',
  ],
};

/** Handlers that stop the children on Ctrl-C or a kill, and tell whether that happened. */
function onInterrupt(stop: () => void): { interrupted: () => boolean; release: () => void } {
  let interrupted = false;
  const handler = (): void => {
    interrupted = true;
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    interrupted: () => interrupted,
    release: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

const outcomeText = (outcome: PaperOutcome): string =>
  outcome.exitCode === 0
    ? `done in ${formatDuration(outcome.seconds)}`
    : `failed (${outcome.signal ?? `exit code ${outcome.exitCode}`}) after ${formatDuration(outcome.seconds)}; log: ${outcome.log}`;

/**
 * The reproduce command; returns the exit code (0 all went well, 1 a paper failed, 130 interrupted).
 * @example await reproduce(['deep-matrix-factorization', '--quick', '--results', '/tmp/results']);
 */
export async function reproduce(argv: readonly string[]): Promise<number> {
  const { names, flags: flagArguments } = splitNames(argv, reproduceFlags);
  const flags = parseFlags(flagArguments, reproduceFlags, reproduceUsage);
  const papers = discoverPapers();
  const unknown = names.filter((name) => !papers.some((paper) => paper.slug === name));
  if (unknown.length > 0)
    throw new UsageError(`no paper ${unknown.join(', ')} (papers: ${papers.map((paper) => paper.slug).join(', ')})`);
  const selected = names.length === 0 ? papers : papers.filter((paper) => names.includes(paper.slug));
  const root = resolve(flags.results ?? defaultResultsRoot);
  const reportFolder = flags.quick ? join(root, 'quick') : root;
  const scale = flags.quick ? 'quick scale (--quick)' : 'default scale';
  const request = { quick: flags.quick, seed: flags.seed };

  console.log(
    `reproduce: ${selected.length} of ${papers.length} papers at ${scale}, seed ${flags.seed}, in ${reportFolder}`,
  );
  const jobs: PaperJob[] = [];
  for (const paper of selected) {
    const directory = resultsDirectory({ slug: paper.slug, quick: flags.quick, root });
    const reason = flags.force ? 'forced' : staleReason(paper, directory, request);
    console.log(`  ${paper.slug}: ${reason === null ? 'up to date' : `to run (${reason})`}`);
    if (reason !== null) jobs.push({ ...paper, directory, estimateSeconds: previousSeconds(directory) });
  }

  const notes = new Map<string, string>();
  let failed = 0;
  if (jobs.length > 0) {
    const running = runPapers(jobs, {
      jobs: flags.jobs,
      quick: flags.quick,
      seed: flags.seed,
      logs: join(reportFolder, 'logs'),
      quiet: flags.quiet,
      onDone: (outcome, index, total) =>
        console.log(`[${index + 1}/${total}] ${outcome.slug}: ${outcomeText(outcome)}`),
    });
    const interrupt = onInterrupt(running.stop);
    const outcomes = await running.done;
    interrupt.release();
    if (interrupt.interrupted()) {
      console.log(
        'reproduce: interrupted; the papers that finished kept their results, REPORT.md and index.html are as they were',
      );
      return 130;
    }
    for (const outcome of outcomes.filter(({ exitCode }) => exitCode !== 0)) {
      failed++;
      notes.set(outcome.slug, `the last run failed (log: ${outcome.log}); the results shown, if any, are older`);
    }
  }

  const entries = writeReport(
    reportFolder,
    papers.map((paper) => paper.slug),
    scale,
    notes,
  );
  for (const entry of entries) {
    const { yes, no, other } = verdictCounts(entry.claims);
    const verdicts = entry.claims.length > 0 ? `${yes} yes, ${no} no, ${other} other` : (entry.note ?? '');
    console.log(`  ${entry.slug}: ${verdicts}`);
  }
  console.log(`reproduce: ${join(reportFolder, 'REPORT.md')} and ${join(reportFolder, 'index.html')} written`);
  return failed > 0 ? 1 : 0;
}
