/**
 * fine-grained — Arora, Du, Hu, Li & Wang, "Fine-Grained Analysis of Optimization and
 * Generalization for Overparameterized Two-Layer Neural Networks", ICML 2019 (arXiv 1901.08584;
 * PAPERS.md §1), rebuilt on theorygrad: a wide two-layer ReLU net trained by GD on its first layer
 * on two classes of MNIST and CIFAR-10, with label corruption 0, 0.2, …, 1:
 *   (i)   the training loss against the eigen-formula √(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) from H∞ (Thm 4.1);
 *   (ii)  true labels converge faster than random ones;
 *   (iii) ‖W(k) − W(0)‖_F against √(yᵀ(H∞)⁻¹y);
 *   (iv)  the bound √(2yᵀ(H∞)⁻¹y/n) and the test error, both growing with corruption (Thm 5.1).
 * Run: npx tsx papers/fine-grained.ts [--quick] [--seed N] [--out DIR] [--quiet]
 * (CIFAR-10 from THEORYGRAD_DATA; without it that part is skipped and said so.)
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as ad from '../autodiff/index.ts';
import { dataPath, loadCifar10, loadMnist } from '../src/data/index.ts';
import {
  claimsTable,
  formatTable,
  parseCommonFlags,
  resultsWriter,
  summaryMarkdown,
  type CommonFlags,
} from '../src/report/index.ts';
import { configuration } from './fine-grained/config.ts';
import { binaryTask } from './fine-grained/data.ts';
import { runDataset, type DatasetResult } from './fine-grained/experiment.ts';
import { datasetFigures, distanceFigure } from './fine-grained/figures.ts';
import { buildClaims } from './fine-grained/claims.ts';
import { datasetStatistics } from './fine-grained/statistics.ts';
import { describeRun } from './fine-grained/text.ts';

/** CIFAR-10 if its directory exists; an error instead when THEORYGRAD_REQUIRE_DATA=1. */
function cifarAvailable(): boolean {
  if (existsSync(dataPath(['cifar-10-batches-bin']))) return true;
  if (process.env.THEORYGRAD_REQUIRE_DATA === '1')
    throw new Error(`fine-grained: ${dataPath(['cifar-10-batches-bin'])} not found and THEORYGRAD_REQUIRE_DATA=1`);
  return false;
}

/** Every k-th entry of a long per-step series (and the last), for results.json. */
function thin(values: readonly number[], maximum = 200): { step: number; value: number }[] {
  const stride = Math.max(1, Math.ceil(values.length / maximum));
  const steps = values.map((_, k) => k).filter((k) => k % stride === 0 || k === values.length - 1);
  return steps.map((step) => ({ step, value: values[step] }));
}

/**
 * Runs both datasets, writes results.json, summary.md and the figures, prints the claims
 * table, and returns the results.
 * @example main(['--quick', '--out', '/tmp/fine-grained', '--quiet'])
 */
export function main(argv: readonly string[] = process.argv.slice(2)) {
  const flags: CommonFlags = parseCommonFlags(argv);
  if (flags.rest.length > 0) throw new Error(`fine-grained: unknown arguments ${flags.rest.join(' ')}`);
  const backend = ad.currentBackend().describe();
  console.log(`fine-grained: backend ${backend}`);
  const start = performance.now();
  const config = configuration(flags.quick);
  const { seed, quiet } = flags;
  const sizes = { perClass: config.trainPerClass, testPerClass: config.testPerClass, seed };
  const results: DatasetResult[] = [
    runDataset(binaryTask('MNIST 0 vs 1', loadMnist('train'), loadMnist('test'), config.classes, sizes), config, {
      seed,
      quiet,
    }),
  ];
  const withCifar = cifarAvailable();
  if (withCifar) {
    const task = binaryTask(
      'CIFAR-10 airplane vs automobile',
      loadCifar10('train'),
      loadCifar10('test'),
      config.classes,
      sizes,
    );
    results.push(runDataset(task, config, { seed, quiet }));
  } else
    console.log(
      `fine-grained: CIFAR-10 not found at ${dataPath(['cifar-10-batches-bin'])}: its part is skipped (set THEORYGRAD_DATA)`,
    );
  const claims = buildClaims(results);
  const seconds = (performance.now() - start) / 1000;

  const writer = resultsWriter({ slug: 'fine-grained', quick: flags.quick, out: flags.out });
  const figures = [
    ...results.flatMap((result, index) => datasetFigures(result, index === 0 ? 'mnist' : 'cifar')),
    distanceFigure(results),
  ];
  for (const figure of figures) writer.writeFigure(figure.name, figure.svg);
  writer.writeJson({
    paper:
      'Arora, Du, Hu, Li & Wang, Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks, ICML 2019 (arXiv 1901.08584)',
    backend,
    quick: flags.quick,
    seed,
    seconds,
    configuration: config,
    cifar: withCifar,
    claims,
    statistics: results.map(datasetStatistics),
    datasets: results.map(({ runs, ...rest }) => ({
      ...rest,
      runs: runs.map(({ residual, predicted, predictedAtInit, labelProjections, residualProjections, ...run }) => ({
        ...run,
        residual: thin(residual),
        predicted: thin(predicted),
        predictedAtInit: thin(predictedAtInit),
      })),
    })),
  });
  writer.writeSummary(
    summaryMarkdown({
      title:
        'fine-grained: Fine-Grained Analysis of Optimization and Generalization for Overparameterized Two-Layer Neural Networks (Arora, Du, Hu, Li & Wang, ICML 2019)',
      flags,
      claims,
      figures: figures.map(({ name, caption }) => ({ file: name, caption })),
      ...describeRun({ config, results, withCifar, seconds, backend }),
    }),
  );
  console.log(formatTable(claimsTable(claims)));
  console.log(`fine-grained: ${seconds.toFixed(0)} s; results in ${writer.directory}`);
  return { claims, results, seconds, directory: writer.directory, cifar: withCifar };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
