/**
 * deep-matrix-factorization — Arora, Cohen, Hu & Luo, "Implicit Regularization in Deep
 * Matrix Factorization", NeurIPS 2019 (arXiv 1905.13655), rebuilt on theorygrad
 * (PAPERS.md §7). Gradient descent on W_e = W_N ⋯ W_1 for matrix completion in the
 * authors' setting (n = 100, rank 5, ‖W*‖_F = n, init scale 1e-3, stop at train loss 1e-6)
 * against the minimum nuclear norm solution; singular value dynamics and Theorem 3; matrix
 * sensing at a smaller size; the time per GD step. Prints the claims table and writes
 * results/deep-matrix-factorization/ (summary.md, results.json, SVG figures).
 *
 *   npx tsx papers/deep-matrix-factorization.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/deep-matrix-factorization.ts --quick    # seconds, to results/quick/
 */
import { fileURLToPath } from 'node:url';
import * as ad from '../autodiff/index.ts';
import { claimsTable, formatTable, parseCommonFlags, progress, resultsWriter, type Claim, type CommonFlags } from '../src/report/index.ts';
import { completionClaims, sensingClaims, timingClaim } from './deep-matrix-factorization/claims.ts';
import { defaultConfig, quickConfig } from './deep-matrix-factorization/config.ts';
import { familyUnits, runCompletion, runSensing, timeGradientStep } from './deep-matrix-factorization/experiments.ts';
import { completionFigures, sensingFigures } from './deep-matrix-factorization/figures.ts';
import { summary } from './deep-matrix-factorization/summary.ts';

const captions: Record<string, string> = {
  'completion-error.svg': 'Completion: reconstruction error against the number of observed entries, per depth and for the minimum nuclear norm solution (the paper\'s Figure 1).',
  'completion-effective-rank.svg': 'Completion: effective rank of the solutions; deeper factorizations find lower effective rank with few observations.',
  'completion-nuclear-norm.svg': 'Completion: nuclear norm of the solutions; the minimum nuclear norm solution is the lowest by construction, yet not the most accurate with few observations (the paper\'s Figure 2 argument).',
  'theorem3-singular-value-steps.svg': 'Theorem 3 on single GD steps: predicted against measured change of the leading singular values.',
  'sensing-error.svg': 'Sensing with Gaussian measurements at a smaller size: reconstruction error against the number of measurements.',
};

function caption(file: string): string {
  const depth = /^singular-values-depth-(\d+)\.svg$/.exec(file)?.[1];
  return depth !== undefined ? `Singular values of W_e during gradient descent, depth ${depth} (the paper's Figure 3).` : captions[file];
}

/** Runs every experiment, prints the claims table and writes the results; returns where and what. */
export function main(flags: CommonFlags): { directory: string; claims: Claim[] } {
  const config = flags.quick ? quickConfig : defaultConfig;
  console.log(`backend: ${ad.currentBackend().describe()}`);
  const start = performance.now();
  const units = 1 + familyUnits(config.completion, config.completion.observations) + familyUnits(config.sensing, config.sensing.measurements);
  const bar = progress('deep matrix factorization', units, { quiet: flags.quiet });
  const millisecondsPerStep = timeGradientStep(config.timing, flags.seed);
  bar.tick();
  const completion = runCompletion(config.completion, flags.seed, bar);
  const sensing = runSensing(config.sensing, flags.seed, bar);
  bar.done();
  const runtimeSeconds = (performance.now() - start) / 1000;

  const claims = [
    ...completionClaims(completion, config.completion),
    ...sensingClaims(sensing, config.sensing),
    timingClaim(millisecondsPerStep, config.timing.size, config.timing.depth),
  ];
  console.log(formatTable(claimsTable(claims)));

  const writer = resultsWriter({ slug: 'deep-matrix-factorization', quick: flags.quick, out: flags.out });
  const svgs = {
    ...completionFigures(completion, config.completion),
    ...sensingFigures(sensing, config.sensing),
  };
  for (const [file, svg] of Object.entries(svgs)) writer.writeFigure(file, svg);
  const figures = Object.keys(svgs).map((file) => ({ file, caption: caption(file) }));
  writer.writeJson({
    paper: 'Arora, Cohen, Hu & Luo, Implicit Regularization in Deep Matrix Factorization, NeurIPS 2019 (arXiv 1905.13655)',
    backend: ad.currentBackend().describe(),
    flags: { quick: flags.quick, seed: flags.seed },
    config,
    runtimeSeconds,
    millisecondsPerStep,
    claims,
    completion,
    sensing,
  });
  writer.writeSummary(summary(config, flags, claims, completion, sensing, figures, { millisecondsPerStep, runtimeSeconds }));
  console.log(`results: ${writer.directory} (${runtimeSeconds.toFixed(1)} s)`);
  return { directory: writer.directory, claims };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main(parseCommonFlags());
