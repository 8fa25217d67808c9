/**
 * Line plots: several series, a legend, optional log axes, and per-series error bands or
 * error bars. Non-finite points (and points ≤ 0 on a log axis) leave gaps in the line.
 */
import { seriesColor } from './colors.ts';
import { checkSameLength, dashPattern, xyPlot, type Frame, type XyPlotOptions } from './frame.ts';
import { element, formatCoordinate, polylinePath } from './svg.ts';

/** Lower and upper y at each x: a shaded band (default) or vertical error bars. */
export interface ErrorRange {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  style?: 'band' | 'bars';
}

/** One line. */
export interface LineSeries {
  /** Legend text; an empty name keeps the series out of the legend. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  error?: ErrorRange;
  dashed?: boolean;
  /** Draw a dot at each point. */
  markers?: boolean;
  /** CSS color; default the palette's color for the series' index. */
  color?: string;
}

/** A line plot: title, axis labels, series and optional log axes or fixed domains. */
export interface LinePlotOptions extends XyPlotOptions {
  series: readonly LineSeries[];
}

function checkSeries(series: readonly LineSeries[]): void {
  if (series.length === 0) throw new Error('linePlot: series must not be empty');
  for (const line of series) {
    checkSameLength('linePlot', `series ${JSON.stringify(line.name)}`, line.x, line.y);
    if (line.error !== undefined) {
      checkSameLength('linePlot', `series ${JSON.stringify(line.name)} error.lower`, line.x, line.error.lower);
      checkSameLength('linePlot', `series ${JSON.stringify(line.name)} error.upper`, line.x, line.error.upper);
    }
  }
}

/** The band or bars of one series, skipping points where x, lower or upper has no pixel position. */
function errorMarkup(frame: Frame, x: ArrayLike<number>, error: ErrorRange, color: string): string {
  const xs = Array.from(x, (value) => frame.x.map(value));
  const lower = Array.from(error.lower, (value) => frame.y.map(value));
  const upper = Array.from(error.upper, (value) => frame.y.map(value));
  const indices = xs.map((_, i) => i).filter((i) => [xs[i], lower[i], upper[i]].every(Number.isFinite));
  if (error.style === 'bars') {
    const d = indices
      .map((i) => {
        const [x, low, high] = [xs[i], lower[i], upper[i]].map(formatCoordinate);
        return `M${x} ${low}V${high}M${formatCoordinate(xs[i] - 4)} ${low}h8M${formatCoordinate(xs[i] - 4)} ${high}h8`;
      })
      .join('');
    return element('path', { class: 'error-bars', d, stroke: color, 'stroke-width': 1.5, fill: 'none' });
  }
  const outline = [...indices, ...indices.slice().reverse()];
  const d = polylinePath(
    outline.map((i) => xs[i]),
    outline.map((i, k) => (k < indices.length ? upper[i] : lower[i])),
  );
  return element('path', {
    class: 'band',
    d: d === '' ? '' : `${d}Z`,
    fill: color,
    'fill-opacity': 0.2,
    stroke: 'none',
  });
}

/**
 * Renders a standalone SVG line plot (one `<path class="line">` per series).
 * @example linePlot({ title: 'Loss', xLabel: 'step', yLabel: 'loss', series: [{ name: 'train', x: [0, 1, 2], y: [1, 0.5, 0.2] }] });
 */
export function linePlot(options: LinePlotOptions): string {
  checkSeries(options.series);
  const colors = options.series.map((line, index) => line.color ?? seriesColor(index));
  const xValues = options.series.map((line) => line.x);
  const yValues = options.series.flatMap((line) =>
    line.error === undefined ? [line.y] : [line.y, line.error.lower, line.error.upper],
  );
  const legend = options.series
    .map((line, index) => ({ name: line.name, color: colors[index], mark: 'line' as const, dashed: line.dashed }))
    .filter((entry) => entry.name !== '');
  return xyPlot(options, xValues, yValues, legend, (frame) =>
    options.series.map((line, index) => {
      const color = colors[index];
      const xs = Array.from(line.x, (value) => frame.x.map(value));
      const ys = Array.from(line.y, (value) => frame.y.map(value));
      const parts = [
        line.error === undefined ? '' : errorMarkup(frame, line.x, line.error, color),
        element('path', {
          class: 'line',
          d: polylinePath(xs, ys),
          fill: 'none',
          stroke: color,
          'stroke-width': 2,
          'stroke-linejoin': 'round',
          'stroke-dasharray': line.dashed ? dashPattern : undefined,
        }),
        ...(line.markers
          ? xs.flatMap((x, i) =>
              Number.isFinite(x) && Number.isFinite(ys[i])
                ? [element('circle', { class: 'marker', cx: x, cy: ys[i], r: 3, fill: color })]
                : [],
            )
          : []),
      ];
      return element('g', { class: 'series' }, parts);
    }),
  );
}
