/**
 * Scatter plots: several point series with a legend, optional log axes and an optional
 * y = x reference line (for "predicted vs measured" figures).
 */
import { seriesColor } from './colors.ts';
import { checkSameLength, xyPlot, type XyPlotOptions } from './frame.ts';
import { element, formatCoordinate } from './svg.ts';

/** One set of points. */
export interface ScatterSeries {
  /** Legend text; an empty name keeps the series out of the legend. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** CSS color; default the palette's color for the series' index. */
  color?: string;
  /** Point radius in px (default 3.5). */
  radius?: number;
}

/** A scatter plot: title, axis labels, series, optional log axes, fixed domains and diagonal. */
export interface ScatterPlotOptions extends XyPlotOptions {
  series: readonly ScatterSeries[];
  /** Draw the dashed line y = x across the plot area. */
  diagonal?: boolean;
}

/**
 * Renders a standalone SVG scatter plot (one `<circle class="point">` per finite point).
 * @example scatterPlot({ title: 'Fit', xLabel: 'kernel', yLabel: 'network', series: [{ name: '', x: [1, 2], y: [1.1, 1.9] }], diagonal: true });
 */
export function scatterPlot(options: ScatterPlotOptions): string {
  if (options.series.length === 0) throw new Error('scatterPlot: series must not be empty');
  for (const points of options.series)
    checkSameLength('scatterPlot', `series ${JSON.stringify(points.name)}`, points.x, points.y);
  const colors = options.series.map((points, index) => points.color ?? seriesColor(index));
  const legend = options.series
    .map((points, index) => ({ name: points.name, color: colors[index], mark: 'point' as const }))
    .filter((entry) => entry.name !== '');
  return xyPlot(
    options,
    options.series.map((points) => points.x),
    options.series.map((points) => points.y),
    legend,
    (frame) => {
      const data: string[] = [];
      if (options.diagonal) {
        const low = Math.max(frame.x.domain[0], frame.y.domain[0]);
        const high = Math.min(frame.x.domain[1], frame.y.domain[1]);
        if (low < high) {
          const d = `M${formatCoordinate(frame.x.map(low))} ${formatCoordinate(frame.y.map(low))}L${formatCoordinate(frame.x.map(high))} ${formatCoordinate(frame.y.map(high))}`;
          data.push(
            element('path', { class: 'diagonal', d, stroke: '#888888', 'stroke-dasharray': '4 4', fill: 'none' }),
          );
        }
      }
      options.series.forEach((points, index) => {
        const circles: string[] = [];
        for (let i = 0; i < points.x.length; i++) {
          const [cx, cy] = [frame.x.map(points.x[i]), frame.y.map(points.y[i])];
          if (Number.isFinite(cx) && Number.isFinite(cy))
            circles.push(element('circle', { class: 'point', cx, cy, r: points.radius ?? 3.5 }));
        }
        data.push(element('g', { class: 'series', fill: colors[index], 'fill-opacity': 0.75 }, circles));
      });
      return data;
    },
  );
}
