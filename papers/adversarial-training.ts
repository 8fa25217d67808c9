/**
 * adversarial-training — Zhang, Plevrakis, Du, Li, Song & Arora, "Over-parameterized Adversarial
 * Training: An Analysis Overcoming the Curse of Dimensionality", NeurIPS 2020 (arXiv 2002.06668;
 * PAPERS.md §10), rebuilt on theorygrad. The paper has no experiments; we measure its statements:
 *   (i)  §4's lemma: ReLU nets near initialization approximate a step function outside a margin band;
 *   (ii) §3's theorem: adversarial training (Algorithm 1: PGD, then a gradient step) drives the robust
 *        training loss L*(W) down as width grows, with the weights moving relatively less, while
 *        standard training leaves a high robust loss — on random-label sphere data and MNIST 3 vs 5.
 *
 *   npx tsx papers/adversarial-training.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/adversarial-training.ts --quick    # seconds, to results/quick/
 */
import { progress, runPaper } from '../src/report/index.ts';
import { approximationClaims, trainingClaims } from './adversarial-training/claims.ts';
import { configuration } from './adversarial-training/config.ts';
import { mnistData, oppositeLabelDistance, sphereData } from './adversarial-training/data.ts';
import { approximationSweep, sweepUnits, widthSweep } from './adversarial-training/experiments.ts';
import { figures } from './adversarial-training/figures.ts';
import { describeRun } from './adversarial-training/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'adversarial-training',
  title:
    'Over-parameterized Adversarial Training: An Analysis Overcoming the Curse of Dimensionality (Zhang, Plevrakis, Du, Li, Song & Arora, NeurIPS 2020)',
  citation:
    'Zhang, Plevrakis, Du, Li, Song & Arora, Over-parameterized Adversarial Training: An Analysis Overcoming the Curse of Dimensionality, NeurIPS 2020 (arXiv 2002.06668)',
  runTime: 'about 8 minutes',
  float64: 'its nets, the kernel fit of §4 and PGD are written in float64',
  configuration,
  run({ config, seed, quiet, elapsedSeconds }) {
    const { approximation, sphere, mnist } = config;
    const units = approximation.widths.length * approximation.seeds + sweepUnits(sphere) + sweepUnits(mnist);
    const bar = progress('adversarial training', units, { quiet });
    // §4: the step function sign(⟨x, u⟩ − τ) fitted near initialization, error outside the band vs width.
    const approximationRuns = approximationSweep(approximation, seed, bar);
    // §3: adversarial vs standard training on (ρ, δ)-separable random-label points of the sphere…
    const sphereSweep = widthSweep(
      sphere,
      (s) => {
        const set = sphereData(sphere, s);
        return {
          set,
          radius: sphere.radius,
          separation: oppositeLabelDistance(set.inputs.data as Float64Array, set.labels, sphere.dimension),
        };
      },
      seed,
      bar,
    );
    // …and on two MNIST classes, ρ set below half the smallest opposite-class distance.
    const mnistSweep = widthSweep(mnist, (s) => mnistData(mnist, s), seed, bar);
    bar.done();

    const sweeps = [sphereSweep, mnistSweep];
    const claims = [...approximationClaims(approximationRuns), ...sweeps.flatMap(trainingClaims)];
    return {
      claims,
      figures: figures(approximationRuns, sweeps),
      results: { approximation: approximationRuns, sphere: sphereSweep, mnist: mnistSweep },
      summary: describeRun(config, claims, approximationRuns, sweeps, elapsedSeconds()),
    };
  },
});
