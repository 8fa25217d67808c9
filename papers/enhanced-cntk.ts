/**
 * enhanced-cntk — Li, Wang, Yu, Du, Hu, Salakhutdinov, Arora, "Enhanced Convolutional Neural
 * Tangent Kernels" (arXiv 1911.00809; PAPERS.md §3), rebuilt on theorygrad: the CNN-GP and the
 * CNTK with local average pooling LAP(c) for every window c, with and without flip averaging,
 * on CIFAR-10 (plain, and through Coates et al.'s random-patch layer) and Fashion-MNIST, by
 * kernel regression on the same test images; and GAP / LAP as translation augmentation,
 * measured. Kernels are cached under results/cache/enhanced-cntk/.
 *
 *   THEORYGRAD_DATA=… npx tsx papers/enhanced-cntk.ts            # default scale, about 10 minutes on an idle machine
 *   THEORYGRAD_DATA=… npx tsx papers/enhanced-cntk.ts --quick    # seconds, to results/quick/
 */
import { join } from 'node:path';
import { imagesOf } from '../src/data/index.ts';
import { defaultResultsRoot, runPaper, UsageError } from '../src/report/index.ts';
import { augmentationGaps } from './enhanced-cntk/augmentation.ts';
import { comparisonsOf } from './enhanced-cntk/claims.ts';
import { configuration } from './enhanced-cntk/config.ts';
import { prepareCifar, prepareFashion } from './enhanced-cntk/data.ts';
import { figures } from './enhanced-cntk/figures.ts';
import { runSweep, serializable } from './enhanced-cntk/sweep.ts';
import { describeRun, paperTable } from './enhanced-cntk/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'enhanced-cntk',
  title: 'Enhanced Convolutional Neural Tangent Kernels (Li, Wang, Yu, Du, Hu, Salakhutdinov & Arora, 2019)',
  citation:
    'Li, Wang, Yu, Du, Hu, Salakhutdinov, Arora, Enhanced Convolutional Neural Tangent Kernels, 2019 (arXiv 1911.00809)',
  runTime: 'about 10 minutes idle (seconds with cached kernels; needs THEORYGRAD_DATA)',
  configuration,
  flags: {
    cache: { kind: 'string', description: 'the kernel cache (default results/cache/enhanced-cntk/)', valueName: 'DIR' },
  },
  run({ config, flags, seed, quiet, backend, elapsedSeconds, hasDataset, onCpu }) {
    const datasets = hasDataset('cifar10', 'every experiment') && hasDataset('fashion-mnist', 'every experiment');
    if (!datasets) throw new UsageError('nothing to run without CIFAR-10 and Fashion-MNIST');
    const cacheDirectory = flags.cache ?? join(defaultResultsRoot, 'cache', 'enhanced-cntk');
    // CIFAR-10 subsets, pooled to the sweep's size; the same images through the random-patch layer.
    const cifar = prepareCifar(config, seed);
    const fashion = prepareFashion(config, seed);
    // The LAP sweep of each set: every c in one pass, plain and flipped; kernel regression on each variant.
    const common = { depth: config.depth, backend, cacheDirectory, quiet, onCpu };
    const sweeps = {
      cifar: runSweep({ split: cifar.plain, windows: config.cifar.windows, ...common }),
      patches: runSweep({ split: cifar.patches, windows: config.cifar.windows, ...common }),
      fashion: runSweep({ split: fashion, windows: config.fashion.windows, ...common }),
    };
    // GAP ≡ full and LAP ≡ local translation augmentation (§4): exact with circular padding; the zero-padding gap.
    const probe = imagesOf(cifar.plain.test, 0, 4);
    const gaps = onCpu('the augmentation identities (float64)', () =>
      augmentationGaps(probe, { depth: config.depth, windows: [1, 2], dtype: 'float64' }),
    );
    const comparisons = comparisonsOf(sweeps, { cifar: config.cifar.claimWindow, fashion: config.fashion.claimWindow });
    const claims = comparisons.map((comparison) => comparison.claim);
    const cacheLocation = flags.cache ?? 'results/cache/enhanced-cntk/';
    return {
      claims,
      figures: figures(sweeps, cifar.full, config),
      results: {
        sweeps: Object.fromEntries(Object.entries(sweeps).map(([name, sweep]) => [name, serializable(sweep)])),
        augmentation: gaps,
      },
      summary: describeRun({
        config,
        sweeps,
        comparisons,
        gaps,
        augmentationImages: probe.shape[0],
        seconds: elapsedSeconds(),
        cacheLocation,
      }),
      tables: [paperTable(sweeps, config.cifar.claimWindow)],
    };
  },
});
