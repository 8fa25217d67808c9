/**
 * ntk-small-data — Arora, Du, Li, Salakhutdinov, Wang & Yu, "Harnessing the Power of Infinitely
 * Wide Deep Nets on Small-data Tasks", ICLR 2020 (arXiv 1910.01663; PAPERS.md §4), rebuilt on
 * theorygrad: the UCI experiment (§4) with the authors' protocol — the FC NTK family, an SVM
 * for each C, selection on the fixed validation split, 4-fold accuracy — against the Gaussian
 * SVM and the published random forest. Few-shot CIFAR-10 is not built (see the summary).
 *
 *   npx tsx papers/ntk-small-data.ts            # datasets with n ≤ 1000, under ten minutes on 2 cores
 *   npx tsx papers/ntk-small-data.ts --all      # all 90 datasets (long)
 *   npx tsx papers/ntk-small-data.ts --quick    # six small datasets, seconds, to results/quick/
 */
import { join } from 'node:path';
import { dataDirectory } from '../src/data/dir.ts';
import { progress, runPaper } from '../src/report/index.ts';
import { uciClaims } from './ntk-small-data/claims.ts';
import { configuration } from './ntk-small-data/config.ts';
import { readUciEntries } from './ntk-small-data/data.ts';
import { figures } from './ntk-small-data/figures.ts';
import { describeRun, paperTable } from './ntk-small-data/text.ts';
import { candidatesPerDataset, runUci } from './ntk-small-data/uci.ts';

export const main = runPaper(import.meta.url, {
  slug: 'ntk-small-data',
  title: 'Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks (Arora et al., ICLR 2020)',
  citation:
    'Arora, Du, Li, Salakhutdinov, Wang & Yu, Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks, ICLR 2020 (arXiv 1910.01663)',
  runTime: 'about 5 minutes',
  configuration,
  flags: { all: { kind: 'boolean', description: 'run all 90 UCI datasets (up to n = 5,000; long)' } },
  run({ config, flags, quiet, elapsedSeconds }) {
    const directory = dataDirectory();
    // The 90 datasets of §4 (≤ 5,000 rows, no separate test file); this run's share of them.
    const entries = readUciEntries(directory);
    const limit = flags.all ? Infinity : config.maxSamples;
    const chosen = entries.filter((e) => (config.only ? config.only.includes(e.name) : true) && e.count <= limit);
    const notRun = entries.filter((e) => !chosen.includes(e));
    // Per dataset: 15 NTK kernels and the Gaussian kernels, each through the authors' protocol (cached).
    const units = candidatesPerDataset(config);
    const bar = progress(`UCI, ${chosen.length} datasets`, chosen.length * (units.ntk + units.gaussian), { quiet });
    const results = runUci(chosen, config, directory, join('results', 'cache', 'ntk-small-data'), bar);
    bar.done();

    const claims = uciClaims(results, notRun.length === 0);
    const cachedDatasets = results.filter((r) => r.ntk.cached && r.gaussian.cached).length;
    return {
      claims,
      tables: [paperTable(results)],
      figures: figures(results),
      results: { datasets: results, notRun: notRun.map((e) => e.name), few_shot_cifar10: 'not built' },
      summary: describeRun(config, results, notRun, claims, { total: elapsedSeconds(), computed: 0, cachedDatasets }),
    };
  },
});
