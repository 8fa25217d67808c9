/**
 * cntk-exact's figures, captioned: test accuracy against depth (one setup per figure; the
 * paper's Table 1 is in the summary's table), the empirical NTK of width-w CNNs against the exact CNTK (error and regression
 * accuracy), and GD-trained wide nets against NTK kernel regression.
 */
import { linePlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { DepthRow, TableSizes } from './accuracy.ts';
import type { EmpiricalStudy } from './empirical.ts';
import type { CnnColumnResult } from './finite.ts';
import { mean } from './finite-training.ts';
import type { WideNetStudy } from './wide-net.ts';

/** ±1 binomial standard error (points) of accuracies (fractions) on `count` test images, as error bars. */
const binomialBars = (accuracies: number[], count: number) => {
  const half = accuracies.map((p) => 100 * Math.sqrt((p * (1 - p)) / count));
  return {
    lower: accuracies.map((p, i) => 100 * p - half[i]),
    upper: accuracies.map((p, i) => 100 * p + half[i]),
    style: 'bars' as const,
  };
};

/**
 * The accuracy-by-depth figures, one setup each: CNTK-V at full size (2K set); CNTK-V,
 * CNTK-GAP and the CNNs on the small set; and GAP − V there with its paired standard error.
 * @example Object.keys(accuracyFigures(rows, sizes)) // ['accuracy-cntk-v-32x32.svg', 'accuracy-16x16.svg', 'gap-minus-vanilla.svg']
 */
export function accuracyFigures(rows: readonly DepthRow[], sizes: TableSizes): Record<string, string> {
  const { vanilla, gap } = sizes;
  const depths = rows.map((row) => row.depth);
  const kernelSeries = (name: string, value: (row: DepthRow) => number, count: number, color: string): LineSeries => {
    const y = rows.map(value);
    return { name, x: depths, y: y.map((p) => 100 * p), markers: true, color, error: binomialBars(y, count) };
  };
  const cnnSeries = (name: string, pick: (row: DepthRow) => CnnColumnResult | undefined, color: string) => {
    const trained = rows.filter((row) => pick(row) !== undefined);
    if (trained.length === 0) return [];
    const converged = trained.every((row) => pick(row)!.converged);
    const series: LineSeries = {
      name: `${name}${converged ? '' : ' (not converged)'}`,
      x: trained.map((row) => row.depth),
      y: trained.map((row) => 100 * pick(row)!.accuracy),
      markers: true,
      dashed: !converged,
      color,
    };
    return [series];
  };
  const differences = rows.map((row) => row.gapOverVanilla);
  const depthLabel = 'depth (conv layers + 1)';
  return {
    [`accuracy-cntk-v-${vanilla.size}x${vanilla.size}.svg`]: linePlot({
      title: `CNTK-V, ${vanilla.size}×${vanilla.size}, ${vanilla.train} train, ${vanilla.test} test (±1 s.e.)`,
      xLabel: depthLabel,
      yLabel: 'test accuracy (%)',
      series: [kernelSeries('CNTK-V', (row) => row.vanilla.accuracy, vanilla.test, seriesColor(0))],
    }),
    [`accuracy-${gap.size}x${gap.size}.svg`]: linePlot({
      title: `${gap.size}×${gap.size}, ${gap.train} train, ${gap.test} test: kernels (±1 s.e.) and CNNs`,
      xLabel: depthLabel,
      yLabel: 'test accuracy (%)',
      series: [
        kernelSeries('CNTK-V', (row) => row.smallVanilla.accuracy, gap.test, seriesColor(0)),
        kernelSeries('CNTK-GAP (fix)', (row) => row.gap.accuracy, gap.test, seriesColor(1)),
        ...cnnSeries('CNN-V', (row) => row.cnnV, seriesColor(2)),
        ...cnnSeries('CNN-GAP', (row) => row.cnnGap, seriesColor(3)),
      ],
    }),
    'gap-minus-vanilla.svg': linePlot({
      title: `CNTK-GAP − CNTK-V, ${gap.size}×${gap.size}, the same ${gap.train} train / ${gap.test} test images`,
      xLabel: depthLabel,
      yLabel: 'GAP − V (points)',
      series: [
        {
          name: 'GAP − V (±2 paired s.e.)',
          x: depths,
          y: differences.map((d) => 100 * d.difference),
          markers: true,
          error: {
            lower: differences.map((d) => 100 * (d.difference - 2 * d.standardError)),
            upper: differences.map((d) => 100 * (d.difference + 2 * d.standardError)),
            style: 'bars',
          },
        },
        { name: 'no difference', x: [depths[0], depths.at(-1)!], y: [0, 0], dashed: true, color: '#888888' },
      ],
    }),
  };
}

/**
 * empirical-ntk-error.svg (log-log, with the w^−1/2 reference) and empirical-ntk-accuracy.svg.
 * @example for (const [file, svg] of Object.entries(empiricalFigures(study))) results.writeFigure(file, svg)
 */
export function empiricalFigures(study: EmpiricalStudy): Record<string, string> {
  const first = study.convergence[0];
  const reference = first.widths.map((width) => first.meanErrors[0] * Math.sqrt(first.widths[0] / width));
  const accuracySeries = [
    {
      name: `empirical NTK (mean of ${study.regression.accuracies[0].length})`,
      x: study.regression.widths,
      y: study.regression.accuracies.map(mean),
      markers: true,
      error: {
        lower: study.regression.accuracies.map((a) => Math.min(...a)),
        upper: study.regression.accuracies.map((a) => Math.max(...a)),
        style: 'bars' as const,
      },
    },
    {
      name: 'exact CNTK',
      x: [study.regression.widths[0], study.regression.widths.at(-1)!],
      y: [study.regression.exactAccuracy, study.regression.exactAccuracy],
      dashed: true,
      color: '#333333',
    },
  ];
  return {
    'empirical-ntk-error.svg': linePlot({
      title: `Empirical NTK of width-w CNNs vs the exact CNTK (depth ${study.depth}, ${study.images} images)`,
      xLabel: 'width w (channels)',
      yLabel: '‖Θ_w − Θ‖_F / ‖Θ‖_F',
      logX: true,
      logY: true,
      series: [
        ...study.convergence.map((curve, index) => ({
          name: `${curve.network} (slope ${curve.slope.toFixed(2)})`,
          x: curve.widths,
          y: curve.meanErrors,
          markers: true,
          color: seriesColor(index),
          error: { lower: curve.errors.map((e) => Math.min(...e)), upper: curve.errors.map((e) => Math.max(...e)) },
        })),
        { name: 'w^−1/2', x: first.widths, y: reference, dashed: true, color: '#888888' },
      ],
    }),
    'empirical-ntk-accuracy.svg': linePlot({
      title: `Kernel regression: empirical vs exact ${study.regression.network} (${study.regression.train} train images)`,
      xLabel: 'width w (channels)',
      yLabel: 'test accuracy',
      logX: true,
      series: accuracySeries,
    }),
  };
}

/**
 * wide-net-vs-kernel.svg: the distance against width, log-log, with w^−1/2 and the kernel-GD floor.
 * @example wideNetFigures(study)['wide-net-vs-kernel.svg']
 */
export function wideNetFigures(study: WideNetStudy): Record<string, string> {
  const { widths, distances, meanDistances } = study;
  return {
    'wide-net-vs-kernel.svg': linePlot({
      title: `GD-trained depth-${study.depth} nets vs NTK kernel regression (${study.points.train} points)`,
      xLabel: 'width w',
      yLabel: '‖g(X_test) − f_ntk(X_test)‖ / ‖f_ntk(X_test)‖',
      logX: true,
      logY: true,
      series: [
        {
          name: `trained nets, mean of ${distances[0].length} seeds (slope ${study.slope.toFixed(2)})`,
          x: widths,
          y: meanDistances,
          markers: true,
          error: { lower: distances.map((d) => Math.min(...d)), upper: distances.map((d) => Math.max(...d)) },
        },
        {
          name: 'w^−1/2',
          x: widths,
          y: widths.map((width) => meanDistances[0] * Math.sqrt(widths[0] / width)),
          dashed: true,
          color: '#888888',
        },
        {
          name: `kernel GD after ${study.steps} steps (floor)`,
          x: [widths[0], widths.at(-1)!],
          y: [study.kernelGdFloor, study.kernelGdFloor],
          dashed: true,
          color: '#333333',
        },
      ],
    }),
  };
}

/** Captions of the figures, by file name (the accuracy figures' names carry their image sizes). */
function caption(name: string, sizes: TableSizes): string {
  const { vanilla, gap } = sizes;
  if (name.startsWith('accuracy-cntk-v-'))
    return `CIFAR-10 test accuracy of kernel regression with the exact CNTK-V (no fix) against depth, ${vanilla.size}×${vanilla.size} images, ${vanilla.train} training and ${vanilla.test} test images; bars ±1 binomial standard error (the depths share their test images, so their differences are better resolved than the bars suggest).`;
  if (name.startsWith('accuracy-'))
    return `CIFAR-10 test accuracy against depth on one split, ${gap.size}×${gap.size} images, ${gap.train} training and ${gap.test} test images: kernel regression with CNTK-V (no fix) and CNTK-GAP (fix), bars ±1 binomial standard error, and the finite CNNs of the same architectures (dashed where a CNN did not fit its training set).`;
  return captions[name] ?? name;
}

const captions: Record<string, string> = {
  'gap-minus-vanilla.svg':
    "The paper's headline, CNTK-GAP ≫ CNTK-V, measured where pooling can matter: accuracy of CNTK-GAP minus CNTK-V on the same training and test images, by depth, with ±2 paired standard errors (a bar that crosses zero leaves the sign unresolved). Table 1 reports +6.0 to +11.5 points with 50,000 training images at 32×32.",
  'empirical-ntk-error.svg':
    'Relative Frobenius error of the empirical NTK of width-w CNNs (depth 3) against the exact CNTK, log-log, mean and range over random networks; the grey dashed line is the Monte-Carlo rate w^−1/2.',
  'empirical-ntk-accuracy.svg':
    'Test accuracy of kernel regression with the empirical NTK of width-w CNNs (mean and range over random networks) against the exact CNTK-V (dashed); the paper reports that Monte Carlo degrades the predictor.',
  'wide-net-vs-kernel.svg':
    'Relative distance between the test predictions of depth-3 fully connected nets trained by full-batch GD (initial output subtracted) and the NTK kernel-regression predictor, against width, log-log, mean and range over seeds; w^−1/2 for reference, and the distance that kernel GD itself keeps after the same number of steps (the floor).',
};

/**
 * Every figure of the run, captioned.
 * @example figures(rows, sizes, empirical, wideNet).map((figure) => figure.name) // ['accuracy-cntk-v-32x32.svg', …]
 */
export function figures(
  rows: readonly DepthRow[],
  sizes: TableSizes,
  empirical: EmpiricalStudy,
  wideNet: WideNetStudy,
): PaperFigure[] {
  const svgs = {
    ...accuracyFigures(rows, sizes),
    ...empiricalFigures(empirical),
    ...wideNetFigures(wideNet),
  };
  return Object.entries(svgs).map(([name, svg]) => ({ name, caption: caption(name, sizes), svg }));
}
