/**
 * cntk-exact's figures, captioned: test accuracy against depth (ours beside the paper's
 * Table 1), the empirical NTK of width-w CNNs against the exact CNTK (error and regression
 * accuracy), and GD-trained wide nets against NTK kernel regression.
 */
import { linePlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { DepthRow, TableSizes } from './accuracy.ts';
import { paperTable1 } from './config.ts';
import type { EmpiricalStudy } from './empirical.ts';
import { mean } from './finite-training.ts';
import type { WideNetStudy } from './wide-net.ts';

/**
 * Accuracy (%) against depth: our CNTK-V (both sizes), CNTK-GAP and finite CNNs (solid), the
 * paper's full-data CNTK-V and CNTK-GAP of Table 1 (dashed).
 * @example accuracyByDepthFigure(rows, sizes) // an SVG document
 */
export function accuracyByDepthFigure(rows: readonly DepthRow[], sizes: TableSizes): string {
  const depths = rows.map((row) => row.depth);
  const ours = (name: string, value: (row: DepthRow) => number | undefined): LineSeries[] => {
    const points = rows.filter((row) => value(row) !== undefined);
    return points.length === 0
      ? []
      : [{ name, x: points.map((row) => row.depth), y: points.map((row) => 100 * value(row)!), markers: true }];
  };
  const paper = (name: string, key: 'cntkV' | 'cntkGap'): LineSeries => {
    const known = depths.filter((depth) => paperTable1[depth] !== undefined);
    return { name, x: known, y: known.map((depth) => paperTable1[depth][key]), dashed: true, markers: true };
  };
  const { vanilla, gap } = sizes;
  return linePlot({
    title: 'CIFAR-10 test accuracy by depth: exact CNTKs by kernel regression',
    xLabel: 'depth (conv layers + 1)',
    yLabel: 'test accuracy (%)',
    series: [
      ...ours(`CNTK-V, ${vanilla.size}×${vanilla.size}, ${vanilla.train} train`, (row) => row.vanilla.accuracy),
      ...ours(`CNTK-V, ${gap.size}×${gap.size}, ${gap.train} train`, (row) => row.smallVanilla.accuracy),
      ...ours(`CNTK-GAP, ${gap.size}×${gap.size}, ${gap.train} train`, (row) => row.gap.accuracy),
      ...ours(`CNN-V (${sizes.cnn})`, (row) => row.cnnV?.accuracy),
      ...ours(`CNN-GAP (${sizes.cnn})`, (row) => row.cnnGap?.accuracy),
      paper('paper: CNTK-V, 50,000 train', 'cntkV'),
      paper('paper: CNTK-GAP, 50,000 train', 'cntkGap'),
    ],
  });
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

/** Captions of the figures, by file name. */
const captions: Record<string, string> = {
  'accuracy-by-depth.svg':
    "CIFAR-10 test accuracy of kernel regression with the exact CNTKs against depth (solid), the finite CNNs of the same depths, and the paper's full-data Table 1 (dashed).",
  'empirical-ntk-error.svg':
    'Relative Frobenius error of the empirical NTK of width-w CNNs (depth 3) against the exact CNTK, log-log, mean and range over random networks; the grey dashed line is the Monte-Carlo rate w^−1/2.',
  'empirical-ntk-accuracy.svg':
    'Test accuracy of kernel regression with the empirical NTK of width-w CNNs (mean and range over random networks) against the exact CNTK-V (dashed); the paper reports that Monte Carlo degrades the predictor.',
  'wide-net-vs-kernel.svg':
    'Relative distance between the test predictions of depth-3 fully connected nets trained by full-batch GD (initial output subtracted) and the NTK kernel-regression predictor, against width, log-log, mean and range over seeds; w^−1/2 for reference, and the distance that kernel GD itself keeps after the same number of steps (the floor).',
};

/**
 * Every figure of the run, captioned.
 * @example figures(rows, sizes, empirical, wideNet).map((figure) => figure.name) // ['accuracy-by-depth.svg', …]
 */
export function figures(
  rows: readonly DepthRow[],
  sizes: TableSizes,
  empirical: EmpiricalStudy,
  wideNet: WideNetStudy,
): PaperFigure[] {
  const svgs = {
    'accuracy-by-depth.svg': accuracyByDepthFigure(rows, sizes),
    ...empiricalFigures(empirical),
    ...wideNetFigures(wideNet),
  };
  return Object.entries(svgs).map(([name, svg]) => ({ name, caption: captions[name] ?? name, svg }));
}
