/**
 * fine-grained — Arora, Du, Hu, Li & Wang, "Fine-Grained Analysis of Optimization and
 * Generalization for Overparameterized Two-Layer Neural Networks", ICML 2019 (arXiv 1901.08584;
 * PAPERS.md §1), rebuilt on theorygrad: a wide two-layer ReLU net trained by GD on its first layer,
 * to convergence, on two classes of MNIST and CIFAR-10 with label corruption 0, 0.5, 1:
 *   (i)   the training loss against the eigen-formula √(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) from H∞ (Thm 4.1),
 *         and true labels converging faster than random ones;
 *   (ii)  ‖W(K) − W(0)‖_F against √(yᵀ(H∞)⁻¹y), and the bound √(2yᵀ(H∞)⁻¹y/n) against the test error (Thm 5.1);
 *   (iii) Theorem 6.1: √(yᵀ(H∞)⁻¹y) over n for (βᵀx)^p and cos(βᵀx) (bounded) and random labels (≈ √n).
 * CIFAR-10 is read from THEORYGRAD_DATA; without it that part is skipped and said so.
 *
 *   npx tsx papers/fine-grained.ts            # default scale, about 3 minutes on 2 idle cores
 *   npx tsx papers/fine-grained.ts --quick    # seconds, to results/quick/
 */
import { runPaper } from '../src/report/index.ts';
import { datasetClaims, growthClaims } from './fine-grained/claims.ts';
import { configuration } from './fine-grained/config.ts';
import { cifarTask, mnistTask } from './fine-grained/data.ts';
import { datasetRecord, runDataset } from './fine-grained/experiment.ts';
import { figures } from './fine-grained/figures.ts';
import { runGrowth } from './fine-grained/growth.ts';
import { datasetStatistics, growthStatistics } from './fine-grained/statistics.ts';
import { describeRun } from './fine-grained/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'fine-grained',
  title:
    'Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks (Arora, Du, Hu, Li & Wang, ICML 2019)',
  citation:
    'Arora, Du, Hu, Li & Wang, Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks, ICML 2019 (arXiv 1901.08584)',
  runTime: 'about 3 minutes on 2 idle cores',
  float64: 'the losses are compared with the eigen-formula of H∞ to 1e-2 of ‖y‖ over thousands of steps',
  configuration,
  run({ config, seed, quiet, backend, elapsedSeconds, hasDataset }) {
    // MNIST 0 vs 1: H∞ and its eigenpairs, then GD to convergence from one W(0) at every corruption level.
    const results = [runDataset(mnistTask(config, seed), config, { seed, quiet })];
    // CIFAR-10 airplane vs automobile, the same, when its data are there.
    const cifar = hasDataset('cifar10', 'the CIFAR-10 part');
    if (cifar) results.push(runDataset(cifarTask(config, seed), config, { seed, quiet }));
    // Theorem 6.1: the complexity of (βᵀx)^p, cos(βᵀx) and random labels as n grows.
    const growth = runGrowth(config.growth, seed);
    // The claims: speed, the eigen-formula, distance from init, complexity and test error, the bound; Thm 6.1.
    const claims = [...results.flatMap(datasetClaims), ...growthClaims(growth)];
    return {
      claims,
      figures: figures(results, growth),
      results: {
        cifar,
        statistics: results.map(datasetStatistics),
        growthStatistics: growthStatistics(growth),
        experiments: results.map(datasetRecord),
        growth,
      },
      summary: describeRun({ config, results, growth, withCifar: cifar, seconds: elapsedSeconds(), backend }),
    };
  },
});
