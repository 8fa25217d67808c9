/**
 * The few-shot CIFAR-10 part of the rebuild (Arora et al. 2020, §5): one pool of candidates and
 * one test set, both CNTKs over them once (cached), then every subset through kernel regression
 * on both kernels and a small ResNet trained one subset per core (cached per subset), and what
 * the report makes of them: claims, the accuracy-vs-n figure, the summary's section.
 */
import type { PaperFigure, PaperOutput } from '../../src/report/index.ts';
import { progress } from '../../src/report/index.ts';
import type { FewShotConfig } from './config.ts';
import { prepareFewShot } from './fewshot-data.ts';
import { fewShotKernels } from './fewshot-kernels.ts';
import { fewShotClaims, fewShotFigure, fewShotSection, summarizeSizes } from './fewshot-report.ts';
import { runFewShot } from './fewshot.ts';
import { resnetThreads } from './resnet-threads.ts';

/** What the paper's run hands the few-shot part. */
export interface FewShotRun {
  config: FewShotConfig;
  /** Whether the sizes are `--few-shot-full`'s. */
  full: boolean;
  seed: number;
  backend: string;
  dataDirectory: string;
  cacheFolder: string;
  quiet: boolean;
  /** Whether CIFAR-10 is there (the harness's hasDataset, which says so when it is not). */
  present: boolean;
  elapsedSeconds(): number;
}

/**
 * Runs the sweep and reports it; without CIFAR-10, no claims and a section that says why.
 * @example (await runFewShotPart({ config: fewShotDefault, full: false, seed: 0, … })).claims.length // 3
 */
export async function runFewShotPart(run: FewShotRun): Promise<{
  claims: NonNullable<PaperOutput['claims']>;
  figures: PaperFigure[];
  results: Record<string, unknown>;
  section: string;
}> {
  const { config, seed, quiet, elapsedSeconds } = run;
  const [started, cpu] = [elapsedSeconds(), process.cpuUsage()];
  const data = run.present ? prepareFewShot(config, seed, run.dataDirectory) : undefined;
  const kernels = data && fewShotKernels(config, data, run.backend, run.cacheFolder, quiet);
  const subsetCount = config.subsets.reduce((a, b) => a + b, 0);
  const bar = progress(`few-shot CIFAR-10, ${subsetCount} subsets`, data ? subsetCount : 0, { quiet });
  const threads = resnetThreads();
  const subsets =
    data && kernels
      ? await runFewShot(config, data, kernels, { seed, bar, threads, cacheFolder: run.cacheFolder })
      : [];
  bar.done();
  const sizes = summarizeSizes(subsets, config.testCount);
  const claims = kernels ? fewShotClaims(sizes, config) : [];
  const { user, system } = process.cpuUsage(cpu);
  const seconds = { wall: elapsedSeconds() - started, cpu: (user + system) / 1e6 };
  return {
    claims,
    figures: kernels ? [fewShotFigure(sizes, config)] : [],
    results: { fewShotCifar10: { configuration: config, seconds, resnetThreads: threads, subsets, sizes } },
    section: kernels
      ? fewShotSection(
          config,
          { sizes, subsets, kernels: [kernels.vanilla, kernels.gap], claims },
          {
            seconds,
            threads,
            full: run.full,
          },
        )
      : 'Not run: the CIFAR-10 binary batches are not under the data directory.',
  };
}
