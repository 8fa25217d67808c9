/**
 * cntk-exact — Arora, Du, Hu, Li, Salakhutdinov, Wang, "On Exact Computation with an
 * Infinitely Wide Neural Net", NeurIPS 2019 (arXiv 1904.11955; PAPERS.md §8), rebuilt on
 * theorygrad:
 *   (i)   exact CNTK-V and CNTK-GAP on CIFAR-10 subsets by kernel regression, depths 3–11 in
 *         one pass (src/infinite/depth-sweep.ts), beside finite CNNs of the same depths
 *         (papers/cntk-exact/finite.ts) and the paper's Table 1;
 *   (ii)  the empirical NTK of width-w CNNs against the exact CNTK (papers/cntk-exact/empirical.ts);
 *   (iii) a wide net trained by GD against the kernel-regression predictor (papers/cntk-exact/wide-net.ts).
 * Kernel matrices are cached under results/cntk-exact/cache/ (a re-run loads them).
 * Run: THEORYGRAD_DATA=… npx tsx papers/cntk-exact.ts [--quick] [--seed N] [--out DIR] [--quiet]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ad from '../autodiff/index.ts';
import {
  claimsTable,
  formatTable,
  parseCommonFlags,
  resultsWriter,
  summaryMarkdown,
  type CommonFlags,
} from '../src/report/index.ts';
import { configuration } from './cntk-exact/config.ts';
import { prepareCifar, type Split } from './cntk-exact/data.ts';
import { empiricalClaims, empiricalFigures, runEmpiricalStudy } from './cntk-exact/empirical.ts';
import { accuracyByDepthFigure, captioned } from './cntk-exact/figures.ts';
import { trainCnnColumns } from './cntk-exact/finite.ts';
import { cntkKernels, type KernelRun } from './cntk-exact/kernels.ts';
import { kernelRegression, pairedDifference, type RegressionResult } from './cntk-exact/regression.ts';
import { accuracyTable, kernelClaims, type DepthRow, type TableSizes } from './cntk-exact/summary.ts';
import { describeRun } from './cntk-exact/text.ts';
import { runWideNetStudy, wideNetClaims, wideNetFigures } from './cntk-exact/wide-net.ts';

/**
 * Runs every experiment, writes results.json, summary.md and the figures, prints the
 * accuracy table and the claims table, and returns the results.
 * @example main(['--quick', '--out', '/tmp/cntk-exact', '--quiet'])
 */
export function main(argv: readonly string[] = process.argv.slice(2)) {
  const flags: CommonFlags = parseCommonFlags(argv);
  if (flags.rest.length > 0) throw new Error(`cntk-exact: unknown arguments ${flags.rest.join(' ')}`);
  const backend = ad.currentBackend().describe();
  console.log(`cntk-exact: backend ${backend}`);
  const start = performance.now();
  const config = configuration(flags.quick);
  const { seed, quiet } = flags;
  const data = prepareCifar(config, seed);
  const results = resultsWriter({ slug: 'cntk-exact', quick: flags.quick, out: flags.out });
  const cacheDirectory = join(results.directory, 'cache');
  const { depths } = config;

  // (i) exact kernels (one pass per readout and data set) and kernel regression
  const kernels = (label: string, split: Split, readout: 'vanilla' | 'gap', fix: boolean) =>
    cntkKernels({ label, split, depths, readout, fix, cacheDirectory, quiet });
  const runs = [
    kernels(`CNTK-V ${config.vanilla.size}×${config.vanilla.size}`, data.vanilla, 'vanilla', false),
    kernels(`CNTK-V ${config.gap.size}×${config.gap.size}`, data.gap, 'vanilla', false),
    kernels(`CNTK-GAP ${config.gap.size}×${config.gap.size}`, data.gap, 'gap', true),
  ];
  const regress = (run: KernelRun, split: Split, i: number) =>
    kernelRegression(run.kernels[i].train, run.kernels[i].test, split.train, split.test);
  const cnn = trainCnnColumns({ train: data.gap.train, test: data.gap.test, depths, quick: flags.quick, seed, quiet });
  const rows: DepthRow[] = depths.map((depth, i) => {
    const [vanilla, smallVanilla, gap] = [
      regress(runs[0], data.vanilla, i),
      regress(runs[1], data.gap, i),
      regress(runs[2], data.gap, i),
    ];
    const summary = ({ accuracy, relativeJitter }: RegressionResult): RegressionResult => ({
      accuracy,
      relativeJitter,
    });
    return {
      depth,
      vanilla: summary(vanilla),
      smallVanilla: summary(smallVanilla),
      gap: summary(gap),
      gapOverVanilla: pairedDifference(gap, smallVanilla),
      cnnV: cnn.find((column) => column.depth === depth && column.readout === 'vanilla'),
      cnnGap: cnn.find((column) => column.depth === depth && column.readout === 'gap'),
    };
  });
  const sizes: TableSizes = {
    vanilla: config.vanilla,
    gap: config.gap,
    cnn: `${config.gap.size}×${config.gap.size}, ${config.gap.train} train`,
  };
  // (ii) empirical vs exact kernels, (iii) wide net vs kernel regression
  const empirical = runEmpiricalStudy({ quick: flags.quick, seed, quiet, train: data.gap.train, test: data.gap.test });
  const wideNet = runWideNetStudy({ quick: flags.quick, seed, quiet });

  const studyClaims = [...empiricalClaims(empirical), ...wideNetClaims(wideNet)];
  const claims = [...kernelClaims(rows, sizes), ...studyClaims];
  const seconds = (performance.now() - start) / 1000;
  const figures = [
    {
      name: 'accuracy-by-depth.svg',
      caption:
        "CIFAR-10 test accuracy of kernel regression with the exact CNTKs against depth (solid), the finite CNNs of the same depths, and the paper's full-data Table 1 (dashed).",
      svg: accuracyByDepthFigure(rows, sizes),
    },
    ...captioned({ ...empiricalFigures(empirical), ...wideNetFigures(wideNet) }),
  ];
  for (const figure of figures) results.writeFigure(figure.name, figure.svg);
  results.writeJson({
    paper:
      'Arora, Du, Hu, Li, Salakhutdinov, Wang, On Exact Computation with an Infinitely Wide Neural Net, NeurIPS 2019 (arXiv 1904.11955)',
    backend,
    quick: flags.quick,
    seed,
    seconds,
    configuration: config,
    claims,
    rows,
    cnn,
    kernels: runs.map(({ kernels: _matrices, ...run }) => run),
    empirical,
    wideNet,
  });
  results.writeSummary(
    summaryMarkdown({
      title: 'cntk-exact: On Exact Computation with an Infinitely Wide Neural Net (Arora et al., NeurIPS 2019)',
      flags,
      claims,
      figures: figures.map(({ name, caption }) => ({ file: name, caption })),
      ...describeRun({
        config,
        sizes,
        rows,
        runs,
        backend,
        seconds,
        studyShortfalls: studyClaims.filter((claim) => claim.holds !== true),
      }),
    }),
  );
  console.log(formatTable(accuracyTable(rows, sizes)));
  console.log(formatTable(claimsTable(claims)));
  console.log(`cntk-exact: ${seconds.toFixed(0)} s; results in ${results.directory}`);
  return { claims, rows, runs, seconds, directory: results.directory };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
