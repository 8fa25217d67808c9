/**
 * ntk-small-data — Arora, Du, Li, Salakhutdinov, Wang & Yu, "Harnessing the Power of Infinitely
 * Wide Deep Nets on Small-data Tasks", ICLR 2020 (arXiv 1910.01663; PAPERS.md §4), rebuilt on
 * theorygrad: the UCI experiment (§4) with the authors' protocol — the FC NTK family, an SVM
 * for each C, selection on the fixed validation split, 4-fold accuracy — against the Gaussian
 * SVM and the published random forest; then few-shot CIFAR-10 (§5): CNTK-V and CNTK-GAP against
 * a small trained ResNet on the same random class-balanced subsets of n = 10 … 1,280 images.
 *
 *   npx tsx papers/ntk-small-data.ts                  # all 90 UCI datasets and few-shot n = 10 … 1,280
 *   npx tsx papers/ntk-small-data.ts --few-shot-full  # few-shot with more subsets and test images (hours)
 *   npx tsx papers/ntk-small-data.ts --quick          # six small datasets and n ≤ 20, seconds, to results/quick/
 */
import { join } from 'node:path';
import { dataDirectory } from '../src/data/dir.ts';
import { progress, runPaper } from '../src/report/index.ts';
import { fewShotFull, configuration } from './ntk-small-data/config.ts';
import { prepareFewShot } from './ntk-small-data/fewshot-data.ts';
import { fewShotKernels } from './ntk-small-data/fewshot-kernels.ts';
import { fewShotClaims, fewShotFigure, fewShotSection, summarizeSizes } from './ntk-small-data/fewshot-report.ts';
import { runFewShot } from './ntk-small-data/fewshot.ts';
import { resnetThreads } from './ntk-small-data/resnet-threads.ts';
import { runUciPart } from './ntk-small-data/uci-part.ts';

export const main = runPaper(import.meta.url, {
  slug: 'ntk-small-data',
  title: 'Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks (Arora et al., ICLR 2020)',
  citation:
    'Arora, Du, Li, Salakhutdinov, Wang & Yu, Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks, ICLR 2020 (arXiv 1910.01663)',
  runTime: 'about 55 minutes (UCI, all 90 datasets, ≈ 11; few-shot CIFAR-10 ≈ 45)',
  configuration,
  flags: {
    fewShotOnly: { kind: 'boolean', description: 'skip the UCI part: few-shot CIFAR-10 only' },
    fewShotFull: {
      kind: 'boolean',
      description: 'few-shot with more subsets per n, 1,000 test images and a wider ResNet (hours on two cores)',
    },
  },
  async run({ config, flags, quiet, seed, backend, elapsedSeconds, hasDataset }) {
    const directory = dataDirectory();
    const cache = join('results', 'cache', 'ntk-small-data');
    // §4: the 90 UCI datasets through the authors' protocol (uci-part.ts), unless --few-shot-only.
    const uci = flags.fewShotOnly ? undefined : runUciPart(config, directory, cache, quiet, elapsedSeconds);

    // §5: few-shot CIFAR-10. One pool of candidates and one test set; both CNTKs over them, once.
    const fewShot = flags.fewShotFull ? fewShotFull : config.fewShot;
    const [started, cpu] = [elapsedSeconds(), process.cpuUsage()];
    const present = hasDataset('cifar10', 'few-shot CIFAR-10');
    const data = present ? prepareFewShot(fewShot, seed, directory) : undefined;
    const kernels = data && fewShotKernels(fewShot, data, backend, cache, quiet);
    // Every subset through kernel regression on both kernels and a freshly trained ResNet, one ResNet per core.
    const subsetCount = fewShot.subsets.reduce((a, b) => a + b, 0);
    const bar = progress(`few-shot CIFAR-10, ${subsetCount} subsets`, data ? subsetCount : 0, { quiet });
    const threads = resnetThreads();
    const subsets = data && kernels ? await runFewShot(fewShot, data, kernels, seed, bar, threads) : [];
    bar.done();
    const sizes = summarizeSizes(subsets);
    const claims = kernels ? fewShotClaims(sizes, fewShot) : [];
    const { user, system } = process.cpuUsage(cpu);
    const seconds = { wall: elapsedSeconds() - started, cpu: (user + system) / 1e6 };
    const section = kernels
      ? fewShotSection(
          fewShot,
          sizes,
          subsets,
          [kernels.vanilla, kernels.gap],
          claims,
          seconds,
          threads,
          flags.fewShotFull,
        )
      : 'Not run: the CIFAR-10 binary batches are not under the data directory.';

    return {
      claims: [...(uci?.claims ?? []), ...claims],
      tables: uci?.tables ?? [],
      figures: [...(uci?.figures ?? []), ...(kernels ? [fewShotFigure(sizes, fewShot)] : [])],
      results: {
        ...uci?.results,
        fewShotCifar10: { configuration: fewShot, seconds, resnetThreads: threads, subsets, sizes },
      },
      summary: {
        description: uci?.summary.description ?? 'The UCI part was skipped (`--few-shot-only`).',
        sections: [...(uci?.summary.sections ?? []), { heading: 'Few-shot CIFAR-10 (§5)', body: section }],
      },
    };
  },
});
