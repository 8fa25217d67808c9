/**
 * The figure of abstract claim (iii), Theorem 6.1 (Arora et al. 2019, §6): √(yᵀ(H∞)⁻¹y) against n
 * on log-log axes for the theorem's targets, the excluded (βᵀx)³ and random labels, with the
 * theorem's bounds and a √n guide.
 */
import { linePlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { GrowthResult } from './growth.ts';

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * √(yᵀ(H∞)⁻¹y) over n, mean over seeds with their range as a band; dashed: 3p‖β‖^p for the covered powers.
 * @example growthFigure(runGrowth(configuration(true).growth, 0)).name // 'complexity-growth.svg'
 */
export function growthFigure(growth: GrowthResult): PaperFigure {
  const { sizes, targets } = growth;
  const random = targets[targets.length - 1];
  const randomStart = mean(random.complexity.map((curve) => curve[0]));
  const series: LineSeries[] = targets.flatMap((target, index): LineSeries[] => {
    const at = (i: number) => target.complexity.map((curve) => curve[i]);
    const lines: LineSeries[] = [
      {
        name: `${target.name}${target.covered ? '' : target === random ? '' : ' (not covered)'}`,
        x: sizes,
        y: sizes.map((_, i) => mean(at(i))),
        error: {
          lower: sizes.map((_, i) => Math.min(...at(i))),
          upper: sizes.map((_, i) => Math.max(...at(i))),
          style: 'band',
        },
        markers: true,
        color: seriesColor(index),
      },
    ];
    if (target.bound) {
      const bound = mean(target.bound);
      lines.push({
        name: '',
        x: [sizes[0], sizes[sizes.length - 1]],
        y: [bound, bound],
        dashed: true,
        color: seriesColor(index),
      });
    }
    return lines;
  });
  series.push({
    name: '∝ √n',
    x: sizes,
    y: sizes.map((n) => randomStart * Math.sqrt(n / sizes[0])),
    dashed: true,
    color: '#333333',
  });
  return {
    name: 'complexity-growth.svg',
    caption: `Theorem 6.1 (abstract claim (iii)): √(yᵀ(H∞)⁻¹y) against the number of training points n, inputs uniform on the unit sphere in R^${growth.dimension}, nested samples, each target scaled to unit root-mean-square, ‖β‖ = 1 (a random direction per seed); mean over ${targets[0].complexity.length} seeds with their range. Dashed lines of the same color: the theorem's bound 3p‖β‖^p in that scaling (p = 1 and even p). For (βᵀx)^p with p = 1, 2 and for cos(βᵀx) the complexity levels off; random labels grow like √n (black guide); (βᵀx)³, which the theorem excludes, keeps growing.`,
    svg: linePlot({
      title: 'Complexity √(yᵀ(H∞)⁻¹y) vs n',
      xLabel: 'training points n',
      yLabel: '√(yᵀ(H∞)⁻¹y)',
      logX: true,
      logY: true,
      series,
    }),
  };
}
