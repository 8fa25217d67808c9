/** cntk-exact's own figure: test accuracy against depth, ours beside the paper's Table 1. */
import { linePlot, type LineSeries } from '../../src/report/index.ts';
import { paperTable1 } from './config.ts';
import type { DepthRow, TableSizes } from './summary.ts';

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

/** Captions of the finite-net studies' figures (empirical.ts, wide-net.ts), by file name. */
const studyCaptions: Record<string, string> = {
  'empirical-ntk-error.svg':
    'Relative Frobenius error of the empirical NTK of width-w CNNs (depth 3) against the exact CNTK, log-log, mean and range over random networks; the grey dashed line is the Monte-Carlo rate w^−1/2.',
  'empirical-ntk-accuracy.svg':
    'Test accuracy of kernel regression with the empirical NTK of width-w CNNs (mean and range over random networks) against the exact CNTK-V (dashed); the paper reports that Monte Carlo degrades the predictor.',
  'wide-net-vs-kernel.svg':
    'Relative distance between the test predictions of depth-3 fully connected nets trained by full-batch GD (initial output subtracted) and the NTK kernel-regression predictor, against width, log-log, mean and range over seeds; w^−1/2 for reference, and the distance that kernel GD itself keeps after the same number of steps (the floor).',
};

/**
 * The finite-net studies' figures with captions (the file name where none is written here).
 * @example captioned(empiricalFigures(study)) // [{ name, caption, svg }]
 */
export function captioned(figures: Record<string, string>): { name: string; caption: string; svg: string }[] {
  return Object.entries(figures).map(([name, svg]) => ({ name, caption: studyCaptions[name] ?? name, svg }));
}
