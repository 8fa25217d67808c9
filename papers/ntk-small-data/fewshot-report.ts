/**
 * The few-shot CIFAR-10 part of the report (Arora et al. 2020, §5): per n the mean ± standard
 * error over subsets of each classifier beside the paper's figures (recalled, [U] in
 * PAPERS.md §4, never deciding), the claims, the accuracy-vs-n figure and the summary section.
 *
 * Noise: the three classifiers see the same subsets and the same test images, so CNTK − ResNet
 * is taken per subset and its spread over the subsets of one n gives that n's standard error
 * (it carries both the subset draw and the training noise of the ResNet). Over the sweep the
 * sizes count equally: the mean of the per-n differences, SE = √(Σ SE_n²)/#sizes.
 */
import {
  formatNumber,
  markdownTable,
  markdownTemplate,
  type Claim,
  type PaperFigure,
  type TableData,
} from '../../src/report/index.ts';
import { linePlot } from '../../src/report/plot/index.ts';
import type { FewShotConfig } from './config.ts';
import type { PoolKernel } from './fewshot-kernels.ts';
import type { SubsetResult } from './fewshot.ts';

/** The paper's few-shot table (CNTK vs ResNet-34, %), recalled [U]. */
export const paperFewShot: Record<number, { cntk: number; resnet: number }> = {
  10: { cntk: 15.33, resnet: 14.59 },
  20: { cntk: 18.79, resnet: 17.5 },
  40: { cntk: 21.34, resnet: 19.52 },
  80: { cntk: 25.48, resnet: 23.32 },
  160: { cntk: 30.48, resnet: 28.3 },
  320: { cntk: 36.57, resnet: 33.15 },
  640: { cntk: 42.63, resnet: 41.66 },
  1280: { cntk: 48.86, resnet: 49.14 },
};

/** A mean and its standard error (NaN with fewer than two values). */
export interface Estimate {
  mean: number;
  standardError: number;
}

/**
 * Mean and standard error (sample deviation / √k) of k values.
 * @example estimate([1, 3]) // { mean: 2, standardError: 1 }
 */
export function estimate(values: readonly number[]): Estimate {
  const k = values.length;
  if (k === 0) throw new Error('estimate: no values');
  const mean = values.reduce((a, b) => a + b, 0) / k;
  const variance = k < 2 ? NaN : values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (k - 1);
  return { mean, standardError: Math.sqrt(variance / k) };
}

type Method = 'cntkVanilla' | 'cntkGap' | 'resnet';

/** Per n: each method's estimate, the paired CNTK − ResNet differences, the ResNet's worst fit. */
export interface SizeSummary {
  n: number;
  subsets: number;
  methods: Record<Method, Estimate>;
  vanillaMinusResnet: Estimate;
  gapMinusResnet: Estimate;
  worstResnetTrain: number;
  /** The fewest and most epochs a ResNet of this n trained, and the cap (resnetEpochCap). */
  resnetEpochs: { fewest: number; most: number; cap: number };
}

/**
 * Per n, the estimates of the subsets' results, all scored on the same `testCount` test images.
 * @example summarizeSizes(results, 300)[0].methods.cntkVanilla.mean
 */
export function summarizeSizes(results: readonly SubsetResult[], testCount: number): SizeSummary[] {
  if (!Number.isInteger(testCount) || testCount < 1)
    throw new Error(`summarizeSizes: testCount must be a positive integer, got ${testCount}`);
  // Every accuracy counts right answers over the same test images, and so does a paired
  // difference: taken as a whole number of images, equal ones are equal and spread 0, not ±1e-15.
  const images = (percent: number) => (100 * Math.round((percent * testCount) / 100)) / testCount;
  const sizes = [...new Set(results.map((r) => r.n))].sort((a, b) => a - b);
  return sizes.map((n) => {
    const rows = results.filter((r) => r.n === n);
    const of = (method: Method) => estimate(rows.map((r) => images(r[method])));
    return {
      n,
      subsets: rows.length,
      methods: { cntkVanilla: of('cntkVanilla'), cntkGap: of('cntkGap'), resnet: of('resnet') },
      vanillaMinusResnet: estimate(rows.map((r) => images(r.cntkVanilla - r.resnet))),
      gapMinusResnet: estimate(rows.map((r) => images(r.cntkGap - r.resnet))),
      worstResnetTrain: Math.min(...rows.map((r) => r.resnetTrain)),
      resnetEpochs: {
        fewest: Math.min(...rows.map((r) => r.resnetEpochs)),
        most: Math.max(...rows.map((r) => r.resnetEpochs)),
        cap: Math.max(...rows.map((r) => r.resnetEpochCap)),
      },
    };
  });
}

/** The sweep's difference: sizes weighted equally. @example pooledDifference([{ mean: 1, standardError: 0.5 }]) */
export function pooledDifference(perSize: readonly Estimate[]): Estimate {
  const s = perSize.length;
  return {
    mean: perSize.reduce((sum, e) => sum + e.mean, 0) / s,
    standardError: Math.sqrt(perSize.reduce((sum, e) => sum + e.standardError ** 2, 0)) / s,
  };
}

/** "yes" above +2 SE, "no" below −2 SE, else "not resolved" (also when the SE is unknown). */
export function verdict(difference: Estimate): boolean | string {
  if (!Number.isFinite(difference.standardError)) return 'not resolved';
  if (difference.mean > 2 * difference.standardError) return true;
  if (difference.mean < -2 * difference.standardError) return false;
  return 'not resolved';
}

const pp = (e: Estimate) =>
  `${e.mean >= 0 ? '+' : ''}${formatNumber(e.mean, 3)} ± ${Number.isFinite(e.standardError) ? formatNumber(e.standardError, 2) : '?'} pp`;
const percent = (e: Estimate) =>
  `${formatNumber(e.mean, 3)} ± ${Number.isFinite(e.standardError) ? formatNumber(e.standardError, 2) : '?'}`;

/** The paper's recalled CNTK − ResNet-34 gap over the sizes run. */
function paperGap(sizes: readonly number[]): string {
  const gaps = sizes.filter((n) => paperFewShot[n]).map((n) => paperFewShot[n].cntk - paperFewShot[n].resnet);
  if (gaps.length === 0) return 'no recalled figure at these n';
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  return `CNTK ahead by ${formatNumber(mean, 2)} pp on average (recalled [U])`;
}

/**
 * The epoch caps per n in words, equal caps of neighbouring sizes grouped.
 * @example epochCapsText({ sizes: [10, 20, 40], resnet: { epochCaps: [200, 200, 400] } }) // '200 at n = 10–20, 400 at n = 40'
 */
export function epochCapsText(config: { sizes: readonly number[]; resnet: { epochCaps: readonly number[] } }): string {
  const groups: { cap: number; sizes: number[] }[] = [];
  config.sizes.forEach((n, i) => {
    const cap = config.resnet.epochCaps[i];
    const last = groups.at(-1);
    if (last && last.cap === cap) last.sizes.push(n);
    else groups.push({ cap, sizes: [n] });
  });
  const range = (sizes: number[]) => (sizes.length === 1 ? `${sizes[0]}` : `${sizes[0]}–${sizes.at(-1)}`);
  return groups.map((g) => `${g.cap} at n = ${range(g.sizes)}`).join(', ');
}

/** Whether every subset of a size had its ResNet fit (every un-augmented training image classified correctly). */
export const resnetFits = (summary: SizeSummary): boolean => summary.worstResnetTrain >= 100;

/**
 * The claims of the few-shot part. CNTK against the ResNet is judged only at the sizes where
 * every ResNet fit its subset (the paper trains ResNet-34 to fit; an underfitted baseline would
 * flatter the CNTK); the difference over all sizes is shown beside it.
 * @example fewShotClaims(summaries, config)
 */
export function fewShotClaims(summaries: readonly SizeSummary[], config: FewShotConfig): Claim[] {
  const fitted = summaries.filter(resnetFits);
  const span = (list: readonly SizeSummary[]) => list.map((s) => s.n).join(', ');
  const gapSide = `${config.gapSize}×${config.gapSize}`;
  const compare = (name: string, pick: (s: SizeSummary) => Estimate): Claim => {
    const all = pooledDifference(summaries.map(pick));
    const judged = fitted.length > 0 ? pooledDifference(fitted.map(pick)) : undefined;
    return {
      claim:
        `few-shot CIFAR-10: ${name} beats the small ResNet on the same subsets, mean over the n where every ResNet ` +
        'fit its subset; no if behind by more than 2 SE',
      paper: paperGap(fitted.map((s) => s.n)),
      ours:
        (judged ? `${pp(judged)} at n = ${span(fitted)}` : 'no n where every ResNet fit') +
        `; all n (${span(summaries)}): ${pp(all)}`,
      holds: judged ? verdict(judged) : 'n/a (ResNet not fitted)',
    };
  };
  const unfit = summaries.filter((s) => !resnetFits(s));
  return [
    compare(`CNTK-V (32×32, depth ${config.depth})`, (s) => s.vanillaMinusResnet),
    compare(`CNTK-GAP (${gapSide}, depth ${config.depth})`, (s) => s.gapMinusResnet),
    {
      claim:
        `the ResNet baseline fits every subset within its epoch cap (${epochCapsText(config)}; ` +
        `100% on its un-augmented training images); no if one does not`,
      paper: 'ResNet-34 trained to fit',
      ours:
        unfit.length === 0
          ? 'every subset fit'
          : `not fitted at n = ${span(unfit)} (lowest training accuracy ${formatNumber(Math.min(...unfit.map((s) => s.worstResnetTrain)), 3)}%)`,
      holds: unfit.length === 0,
    },
  ];
}

/** Per n: the three classifiers, the paired differences, the ResNet's fit and the paper's figures. */
export function fewShotTable(summaries: readonly SizeSummary[], config: FewShotConfig): TableData {
  const recalled = (n: number) =>
    paperFewShot[n] ? `${paperFewShot[n].cntk} vs ${paperFewShot[n].resnet} (recalled)` : '—';
  return {
    columns: [
      'n',
      'subsets',
      'CNTK-V 32×32 %',
      `CNTK-GAP ${config.gapSize}×${config.gapSize} %`,
      'ResNet %',
      'CNTK-V − ResNet',
      'CNTK-GAP − ResNet',
      'ResNet train % (lowest)',
      'ResNet epochs (cap)',
      'paper: CNTK vs ResNet-34 %',
    ],
    rows: summaries.map((s) => [
      s.n,
      s.subsets,
      percent(s.methods.cntkVanilla),
      percent(s.methods.cntkGap),
      percent(s.methods.resnet),
      pp(s.vanillaMinusResnet),
      pp(s.gapMinusResnet),
      formatNumber(s.worstResnetTrain, 3),
      `${s.resnetEpochs.fewest === s.resnetEpochs.most ? s.resnetEpochs.most : `${s.resnetEpochs.fewest}–${s.resnetEpochs.most}`} (${s.resnetEpochs.cap})`,
      recalled(s.n),
    ]),
  };
}

/** Accuracy vs n (log x), mean ± SE bars, the paper's recalled figures dashed. */
export function fewShotFigure(summaries: readonly SizeSummary[], config: FewShotConfig): PaperFigure {
  const x = summaries.map((s) => s.n);
  const line = (name: string, method: Method) => ({
    name,
    x,
    y: summaries.map((s) => s.methods[method].mean),
    markers: true,
    error: {
      style: 'bars' as const,
      lower: summaries.map((s) => s.methods[method].mean - (s.methods[method].standardError || 0)),
      upper: summaries.map((s) => s.methods[method].mean + (s.methods[method].standardError || 0)),
    },
  });
  const recalledSizes = x.filter((n) => paperFewShot[n]);
  const svg = linePlot({
    title: `Few-shot CIFAR-10: test accuracy vs training-set size (${config.testCount} test images)`,
    xLabel: 'training images n (log scale)',
    yLabel: 'test accuracy (%)',
    logX: true,
    series: [
      line(`CNTK-V 32×32, depth ${config.depth}`, 'cntkVanilla'),
      line(`CNTK-GAP ${config.gapSize}×${config.gapSize}, depth ${config.depth}`, 'cntkGap'),
      line(`small ResNet (width ${config.resnet.width})`, 'resnet'),
      {
        name: 'paper CNTK (recalled)',
        x: recalledSizes,
        y: recalledSizes.map((n) => paperFewShot[n].cntk),
        dashed: true,
      },
      {
        name: 'paper ResNet-34 (recalled)',
        x: recalledSizes,
        y: recalledSizes.map((n) => paperFewShot[n].resnet),
        dashed: true,
      },
    ],
  });
  return {
    name: 'fewshot-cifar10-accuracy.svg',
    caption:
      'Few-shot CIFAR-10: mean test accuracy over random class-balanced subsets (bars: ± one standard error over ' +
      "subsets) of kernel regression on CNTK-V and CNTK-GAP and of the small ResNet, against the paper's recalled " +
      'CNTK and ResNet-34 figures (dashed).',
    svg,
  };
}

/** The summary's few-shot section: what ran (`outcome`) and how long it took (`run`). */
export function fewShotSection(
  config: FewShotConfig,
  outcome: {
    sizes: readonly SizeSummary[];
    subsets: readonly SubsetResult[];
    kernels: readonly PoolKernel[];
    claims: readonly Claim[];
  },
  run: { seconds: { wall: number; cpu: number }; threads: number; full: boolean },
): string {
  const { sizes: summaries, subsets: results, kernels, claims } = outcome;
  const { seconds, full } = run;
  const kernelText = kernels
    .map(
      (k) => `${k.label}: ${k.pairs} pairs, ${formatNumber(k.seconds, 3)} s${k.cached ? ' (read from the cache)' : ''}`,
    )
    .join('; ');
  const resnetSeconds = results.reduce((sum, r) => sum + r.resnetSeconds, 0);
  const cached = results.filter((r) => r.resnetCached).length;
  const notResolved = claims.filter((c) => c.holds !== true);
  return markdownTemplate(import.meta.url, 'text/fewshot.md', {
    sizes: config.sizes.join(', '),
    subsets: config.subsets.join(', '),
    pool: 10 * config.poolPerClass,
    poolPerClass: config.poolPerClass,
    testCount: config.testCount,
    depth: config.depth,
    gapSize: config.gapSize,
    width: config.resnet.width,
    batchSize: config.resnet.batchSize,
    caps: epochCapsText(config),
    checkEvery: config.resnet.checkEvery,
    epochs: `${Math.min(...results.map((r) => r.resnetEpochs))}–${Math.max(...results.map((r) => r.resnetEpochs))}`,
    learningRate: config.resnet.learningRate,
    weightDecay: config.resnet.weightDecay,
    scope: full
      ? "the paper's sizes, `--few-shot-full`"
      : '`--few-shot-full` runs more subsets per n, 1,000 test images and a wider ResNet, hours on two cores; not run for these results',
    table: markdownTable(fewShotTable(summaries, config)),
    kernels: kernelText,
    resnetSeconds: formatNumber(resnetSeconds, 3),
    resnetThreads: run.threads,
    resnetCache:
      cached === 0
        ? 'none read from the cache'
        : `${cached} of ${results.length} read from the cache, with the seconds of the run that trained them`,
    seconds: formatNumber(seconds.wall, 3),
    cpuSeconds: formatNumber(seconds.cpu, 3),
    largestJitter: formatNumber(Math.max(...results.map((r) => r.relativeJitter)), 2),
    reproduce:
      notResolved.length === 0
        ? 'Every few-shot claim holds at this scale.'
        : notResolved
            .map((c) => `- **${c.holds === false ? 'No' : c.holds}:** ${c.claim} — ours: ${c.ours}.`)
            .join('\n'),
  });
}
