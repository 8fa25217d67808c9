/**
 * cntk-exact — Arora, Du, Hu, Li, Salakhutdinov, Wang, "On Exact Computation with an
 * Infinitely Wide Neural Net", NeurIPS 2019 (arXiv 1904.11955; PAPERS.md §8), rebuilt on
 * theorygrad: (i) exact CNTK-V (32×32, 2,000 images) and CNTK-GAP against CNTK-V on the same
 * 16×16 images, by kernel regression, depths 3–6 in one pass, beside finite CNNs of the same
 * depths and the paper's Table 1; (ii) the
 * empirical NTK of width-w CNNs against the exact CNTK; (iii) a wide net trained by GD
 * against the kernel-regression predictor. Kernels are cached under results/cache/cntk-exact/.
 *
 *   THEORYGRAD_DATA=… npx tsx papers/cntk-exact.ts            # default scale, about 10 minutes on 2 idle cores
 *   THEORYGRAD_DATA=… npx tsx papers/cntk-exact.ts --quick    # seconds, to results/quick/
 */
import { runPaper, UsageError } from '../src/report/index.ts';
import { accuracyTable, depthRows, tableSizes } from './cntk-exact/accuracy.ts';
import { empiricalClaims, kernelClaims, wideNetClaims } from './cntk-exact/claims.ts';
import { configuration } from './cntk-exact/config.ts';
import { prepareCifar } from './cntk-exact/data.ts';
import { runEmpiricalStudy } from './cntk-exact/empirical.ts';
import { figures } from './cntk-exact/figures.ts';
import { trainCnnColumns } from './cntk-exact/finite.ts';
import { defaultCacheDirectory, kernelRuns } from './cntk-exact/kernels.ts';
import { describeRun } from './cntk-exact/text.ts';
import { runWideNetStudy } from './cntk-exact/wide-net.ts';

export const main = runPaper(import.meta.url, {
  slug: 'cntk-exact',
  title: 'On Exact Computation with an Infinitely Wide Neural Net (Arora et al., NeurIPS 2019)',
  citation:
    'Arora, Du, Hu, Li, Salakhutdinov, Wang, On Exact Computation with an Infinitely Wide Neural Net, NeurIPS 2019 (arXiv 1904.11955)',
  runTime: 'about 10 minutes on 2 idle cores (about 3 with cached kernels)',
  configuration,
  flags: {
    cache: { kind: 'string', description: 'the kernel cache (default results/cache/cntk-exact/)', valueName: 'DIR' },
  },
  run({ config, flags, seed, quick, quiet, backend, elapsedSeconds, hasDataset, onCpu }) {
    if (!hasDataset('cifar10', 'every experiment')) throw new UsageError('nothing to run without CIFAR-10');
    const { depths, cnnDepths } = config;
    // CIFAR-10 subsets: CNTK-V's at full size (the paper's 2K column); the first of them, pooled, for GAP against V.
    const data = prepareCifar(config, seed);
    // Finite CNNs of the same architectures, trained by SGD on the small set until they fit it (or stall).
    const cnn = trainCnnColumns({ train: data.gap.train, test: data.gap.test, depths: cnnDepths, quick, seed, quiet });
    // (ii) The empirical NTK of width-w CNNs against the exact CNTK, and kernel regression with it.
    // The exact kernels there are float64, so on cpu; the finite nets' empirical NTKs run on the chosen backend.
    const empirical = runEmpiricalStudy({ quick, seed, quiet, train: data.gap.train, test: data.gap.test, onCpu });
    // (iii) Wide nets trained by GD against the NTK kernel-regression predictor, in float64 throughout (on cpu):
    // the distances shrink towards the kernel-GD floor, which float32 rounding would hide.
    const wideNet = onCpu('the wide-net GD study (float64 throughout)', () => runWideNetStudy({ quick, seed, quiet }));
    // (i) Exact CNTK-V and CNTK-GAP, every depth in one pass per kernel and set, from the cache when computed before
    // (last, so that a second process can fill the cache while the networks train).
    const runs = kernelRuns(config, data, { backend, cacheDirectory: flags.cache ?? defaultCacheDirectory, quiet });
    // Kernel regression with every depth's kernels, paired with the other readout and the CNNs on the same test images:
    // solved by Cholesky in float64 (regression.ts), on cpu.
    const solves = 'the kernel-regression solves (float64 Cholesky)';
    const { rows, vanillaSpread } = onCpu(solves, () => depthRows(runs, data, cnn, depths));
    const sizes = tableSizes(config);

    const kernelRows = kernelClaims(rows, vanillaSpread, sizes);
    const studyClaims = [...empiricalClaims(empirical), ...wideNetClaims(wideNet)];
    const seconds = elapsedSeconds();
    return {
      claims: [...kernelRows, ...studyClaims],
      figures: figures(rows, sizes, empirical, wideNet),
      results: { rows, vanillaSpread, kernels: runs.map(({ kernels: _matrices, ...run }) => run), empirical, wideNet },
      summary: describeRun({
        config,
        sizes,
        rows,
        runs,
        backend,
        seconds,
        cacheFlag: flags.cache,
        kernelClaims: kernelRows,
        studyClaims,
      }),
      tables: [accuracyTable(rows, sizes)],
      runs, // with the kernel matrices, for callers of main (results.json leaves them out)
    };
  },
});
