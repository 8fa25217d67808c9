/**
 * fine-grained — Arora, Du, Hu, Li & Wang, "Fine-Grained Analysis of Optimization and
 * Generalization for Overparameterized Two-Layer Neural Networks", ICML 2019 (arXiv 1901.08584;
 * PAPERS.md §1), rebuilt on theorygrad: a wide two-layer ReLU net trained by GD on its first layer
 * on two classes of MNIST and CIFAR-10, with label corruption 0, 0.2, …, 1:
 *   (i)   the training loss against the eigen-formula √(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) from H∞ (Thm 4.1);
 *   (ii)  true labels converge faster than random ones;
 *   (iii) ‖W(k) − W(0)‖_F against √(yᵀ(H∞)⁻¹y);
 *   (iv)  the bound √(2yᵀ(H∞)⁻¹y/n) and the test error, both growing with corruption (Thm 5.1).
 * CIFAR-10 is read from THEORYGRAD_DATA; without it that part is skipped and said so.
 *
 *   npx tsx papers/fine-grained.ts            # default scale, about 5 minutes on 2 cores
 *   npx tsx papers/fine-grained.ts --quick    # seconds, to results/quick/
 */
import { runPaper } from '../src/report/index.ts';
import { buildClaims } from './fine-grained/claims.ts';
import { configuration } from './fine-grained/config.ts';
import { cifarTask, mnistTask } from './fine-grained/data.ts';
import { datasetRecord, runDataset } from './fine-grained/experiment.ts';
import { figures } from './fine-grained/figures.ts';
import { datasetStatistics } from './fine-grained/statistics.ts';
import { describeRun } from './fine-grained/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'fine-grained',
  title:
    'fine-grained: Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks (Arora, Du, Hu, Li & Wang, ICML 2019)',
  citation:
    'Arora, Du, Hu, Li & Wang, Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks, ICML 2019 (arXiv 1901.08584)',
  runTime: 'about 5 minutes',
  configuration,
  run({ config, seed, quiet, backend, elapsedSeconds, hasDataset }) {
    // MNIST 0 vs 1: H∞ and its eigenpairs, then GD from one W(0) at every label-corruption level.
    const results = [runDataset(mnistTask(config, seed), config, { seed, quiet })];
    // CIFAR-10 airplane vs automobile, the same, when its data are there.
    const cifar = hasDataset('cifar10', 'the CIFAR-10 part');
    if (cifar) results.push(runDataset(cifarTask(config, seed), config, { seed, quiet }));
    // The claims: the eigen-formula, true vs random labels, distance from init, bound and test error.
    const claims = buildClaims(results);
    return {
      claims,
      figures: figures(results),
      results: { cifar, statistics: results.map(datasetStatistics), datasets: results.map(datasetRecord) },
      summary: describeRun({ config, results, withCifar: cifar, seconds: elapsedSeconds(), backend }),
    };
  },
});
