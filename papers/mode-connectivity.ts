/**
 * mode-connectivity — Kuditipudi, Wang, Lee, Zhang, Li, Hu, Ge & Arora, "Explaining Landscape
 * Connectivity of Low-cost Solutions for Multilayer Nets", NeurIPS 2019 (arXiv 1906.06247;
 * PAPERS.md §5), rebuilt on theorygrad. Nets trained with and without dropout on MNIST (an
 * MLP and the official code's small CNN) and Fashion-MNIST (an MLP); their dropout stability
 * ε; the paper's piecewise-linear path between two of them, constructed rather than trained,
 * beside the straight line, with the loss evaluated densely along both.
 *
 *   npx tsx papers/mode-connectivity.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/mode-connectivity.ts --quick    # seconds, to results/quick/
 */
import { progress, runPaper } from '../src/report/index.ts';
import { connectivityClaims } from './mode-connectivity/claims.ts';
import { configuration } from './mode-connectivity/config.ts';
import { loadFamilyData } from './mode-connectivity/data.ts';
import { runFamily, type FamilyResult } from './mode-connectivity/experiments.ts';
import { figures } from './mode-connectivity/figures.ts';
import { describeRun } from './mode-connectivity/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'mode-connectivity',
  title:
    'Explaining Landscape Connectivity of Low-cost Solutions for Multilayer Nets (Kuditipudi et al., NeurIPS 2019)',
  citation:
    'Kuditipudi, Wang, Lee, Zhang, Li, Hu, Ge & Arora, Explaining Landscape Connectivity of Low-cost Solutions for Multilayer Nets, NeurIPS 2019 (arXiv 1906.06247)',
  runTime: 'about 7 minutes',
  configuration,
  run({ config, seed, quiet, elapsedSeconds, hasDataset }) {
    const present = config.families.filter(
      (family) => family.dataset === 'mnist' || hasDataset('fashion-mnist', family.name),
    );
    const bar = progress(
      'mode connectivity',
      present.reduce((total, family) => total + family.keeps.length, 0),
      { quiet },
    );
    const families: FamilyResult[] = present.map((family, index) => {
      // Two nets per keep probability (§5), their ε (Definition 1), the constructed path (Theorem 1) and the line.
      const data = loadFamilyData(family.dataset, family.trainEvaluation, family.testEvaluation, seed + index);
      return runFamily(family, data, seed * 10 + index, () => bar.tick());
    });
    bar.done();

    const claims = connectivityClaims(families);
    return {
      claims,
      figures: figures(families),
      results: { families },
      summary: describeRun(config, claims, families, elapsedSeconds()),
    };
  },
});
