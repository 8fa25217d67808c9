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
import { runPaper } from '../src/report/index.ts';
import { fewShotFull, configuration } from './ntk-small-data/config.ts';
import { runFewShotPart } from './ntk-small-data/fewshot-part.ts';
import { runUciPart } from './ntk-small-data/uci-part.ts';

export const main = runPaper(import.meta.url, {
  slug: 'ntk-small-data',
  title: 'Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks (Arora et al., ICLR 2020)',
  citation:
    'Arora, Du, Li, Salakhutdinov, Wang & Yu, Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks, ICLR 2020 (arXiv 1910.01663)',
  runTime: 'about 70 minutes (UCI, all 90 datasets, ≈ 11; few-shot CIFAR-10 ≈ 60)',
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

    // §5: few-shot CIFAR-10 (fewshot-part.ts): both CNTKs and a trained ResNet on the same subsets.
    const fewShot = await runFewShotPart({
      config: flags.fewShotFull ? fewShotFull : config.fewShot,
      full: flags.fewShotFull,
      seed,
      backend,
      dataDirectory: directory,
      cacheFolder: cache,
      quiet,
      present: hasDataset('cifar10', 'few-shot CIFAR-10'),
      elapsedSeconds,
    });
    return {
      claims: [...(uci?.claims ?? []), ...fewShot.claims],
      tables: uci?.tables ?? [],
      figures: [...(uci?.figures ?? []), ...fewShot.figures],
      results: { ...uci?.results, ...fewShot.results },
      summary: {
        description: uci?.summary.description ?? 'The UCI part was skipped (`--few-shot-only`).',
        sections: [...(uci?.summary.sections ?? []), { heading: 'Few-shot CIFAR-10 (§5)', body: fewShot.section }],
      },
    };
  },
});
