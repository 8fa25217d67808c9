/**
 * deep-matrix-factorization — Arora, Cohen, Hu & Luo, "Implicit Regularization in Deep
 * Matrix Factorization", NeurIPS 2019 (arXiv 1905.13655; PAPERS.md §7), rebuilt on
 * theorygrad. Gradient descent on W_e = W_N ⋯ W_1 for matrix completion in the authors'
 * setting (n = 100, rank 5, ‖W*‖_F = n, init scale 1e-3, stop at train loss 1e-6) against
 * the minimum nuclear norm solution; the init-scale sweep of Figure 2 (does GD approach the
 * minimum nuclear norm as init → 0?); singular value dynamics and Theorem 3; matrix sensing
 * at a smaller size; the time per GD step.
 *
 *   npx tsx papers/deep-matrix-factorization.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/deep-matrix-factorization.ts --quick    # seconds, to results/quick/
 */
import { progress, runPaper } from '../src/report/index.ts';
import { completionClaims, sensingClaims } from './deep-matrix-factorization/claims.ts';
import { configuration } from './deep-matrix-factorization/config.ts';
import { familyUnits, runCompletion, runSensing, timeGradientStep } from './deep-matrix-factorization/experiments.ts';
import { figures } from './deep-matrix-factorization/figures.ts';
import { initScaleClaims } from './deep-matrix-factorization/init-scale-claims.ts';
import { runInitScaleSweep, sweepUnits } from './deep-matrix-factorization/init-scale.ts';
import { describeRun } from './deep-matrix-factorization/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'deep-matrix-factorization',
  title: 'Implicit Regularization in Deep Matrix Factorization (Arora, Cohen, Hu & Luo, NeurIPS 2019)',
  citation:
    'Arora, Cohen, Hu & Luo, Implicit Regularization in Deep Matrix Factorization, NeurIPS 2019 (arXiv 1905.13655)',
  runTime: 'about 9 minutes',
  float64: 'GD runs to a training loss of 1e-6 and reconstruction errors near 1e-5 are compared',
  configuration,
  run({ config, seed, quiet, elapsedSeconds }) {
    const units =
      1 +
      familyUnits(config.completion, config.completion.observations) +
      sweepUnits(config.initScales) +
      familyUnits(config.sensing, config.sensing.measurements);
    const bar = progress('deep matrix factorization', units, { quiet });
    // The time of one GD step (end-to-end product, loss, backward, update) at the timing size.
    const millisecondsPerStep = timeGradientStep(config.timing, seed);
    bar.tick();
    // Completion in the authors' setting, then sensing at a smaller size: every depth and the nuclear norm.
    const completion = runCompletion(config.completion, seed, bar);
    // Figure 2, at a smaller size: the same problems and init directions, the init scale shrunk towards 0.
    const initScales = runInitScaleSweep(config.initScales, seed, bar);
    const sensing = runSensing(config.sensing, seed, bar);
    bar.done();

    const claims = [
      ...completionClaims(completion, config.completion),
      ...initScaleClaims(initScales, config.initScales),
      ...sensingClaims(sensing, config.sensing),
    ];
    return {
      claims,
      figures: figures(completion, initScales, sensing, config),
      results: { millisecondsPerStep, completion, initScales, sensing },
      summary: describeRun(config, claims, completion, initScales, sensing, {
        millisecondsPerStep,
        runtimeSeconds: elapsedSeconds(),
      }),
    };
  },
});
