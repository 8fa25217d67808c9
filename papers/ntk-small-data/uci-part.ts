/**
 * The UCI part of the rebuild (Arora et al. 2020, §4): the datasets of this run's share of the
 * 90, each through the authors' protocol for the NTK family and the Gaussian SVM (uci.ts,
 * cached per dataset), and what the report makes of them: claims, the paper's table, the
 * scatter figure, the summary's description and sections.
 */
import { progress, type PaperOutput } from '../../src/report/index.ts';
import { uciClaims } from './claims.ts';
import type { Config } from './config.ts';
import { readUciEntries } from './data.ts';
import { figures } from './figures.ts';
import { describeRun, paperTable } from './text.ts';
import { candidatesPerDataset, runUci } from './uci.ts';

/**
 * Runs the UCI datasets of this run (all 90, or config.only's) and reports them.
 * @example runUciPart(config, dataDirectory(), 'results/cache/ntk-small-data', true, () => 0).claims.length
 */
export function runUciPart(
  config: Config,
  directory: string,
  cacheDirectory: string,
  quiet: boolean,
  elapsedSeconds: () => number,
): PaperOutput & { tables: NonNullable<PaperOutput['tables']> } {
  // The 90 datasets of §4 (≤ 5,000 rows, no separate test file); this run's share of them.
  const entries = readUciEntries(directory);
  const chosen = entries.filter((e) => (config.only ? config.only.includes(e.name) : true));
  const notRun = entries.filter((e) => !chosen.includes(e));
  // Per dataset: 15 NTK kernels and the Gaussian kernels, each through the authors' protocol (cached).
  const started = elapsedSeconds();
  const units = candidatesPerDataset(config);
  const bar = progress(`UCI, ${chosen.length} datasets`, chosen.length * (units.ntk + units.gaussian), { quiet });
  const results = runUci(chosen, config, directory, cacheDirectory, bar);
  bar.done();

  const claims = uciClaims(results, notRun.length === 0);
  const cachedDatasets = results.filter((r) => r.ntk.cached && r.gaussian.cached).length;
  const seconds = { total: elapsedSeconds() - started, computed: 0, cachedDatasets };
  return {
    claims,
    tables: [paperTable(results)],
    figures: figures(results),
    results: { uciDatasets: results, uciNotRun: notRun.map((e) => e.name) },
    summary: describeRun(config, results, notRun, claims, seconds),
  };
}
