/** The rebuild's figure: per-dataset 4-fold accuracy, NTK-SVM against random forest (and our Gaussian SVM). */
import type { PaperFigure } from '../../src/report/index.ts';
import { scatterPlot } from '../../src/report/plot/index.ts';
import type { DatasetResult } from './uci.ts';

/**
 * The scatter of the paper's UCI comparison: x = the other classifier, y = NTK, y = x dashed.
 * @example figures(results)[0].name // 'uci-ntk-vs-random-forest.svg'
 */
export function figures(results: readonly DatasetResult[]): PaperFigure[] {
  const ntk = results.map((result) => result.ntk.foldAccuracy);
  const svg = scatterPlot({
    title: `UCI, ${results.length} datasets: 4-fold accuracy (%) per dataset`,
    xLabel: 'random forest (published parRF) or Gaussian SVM (ours), %',
    yLabel: 'NTK-SVM (ours), %',
    diagonal: true,
    series: [
      {
        name: 'vs random forest (parRF, Fernández-Delgado 2014)',
        x: results.map((r) => r.entry.published.randomForest),
        y: ntk,
      },
      {
        name: 'vs Gaussian SVM (ours, same protocol)',
        x: results.map((r) => r.gaussian.foldAccuracy),
        y: ntk,
        radius: 2.5,
      },
    ],
  });
  return [
    {
      name: 'uci-ntk-vs-random-forest.svg',
      caption:
        'Per-dataset 4-fold accuracy of the NTK-SVM (y) against the published random forest and against our ' +
        'Gaussian-kernel SVM (x); points above the dashed diagonal are datasets where the NTK is ahead.',
      svg,
    },
  ];
}
