/**
 * The frame shared by line and scatter plots: margins sized from the estimated width of
 * the tick labels, the two scales, grid lines, axes with tick labels (thinned where they
 * would overlap), axis labels, title, and a legend in rows between the title and the plot
 * area (outside it, so it never hides data, and long names do not narrow the plot).
 */
import { dataExtent, linearScale, logScale, type Scale } from './axes.ts';
import { element, estimateTextWidth, fontSizes, formatCoordinate, svgDocument, text } from './svg.ts';

/** One axis: its label, log or linear, and an optional fixed domain (else the data's, made nice). */
export interface AxisOptions {
  label: string;
  log?: boolean;
  domain?: readonly [number, number];
}

/** A legend entry: a line swatch or a point. */
export interface LegendEntry {
  name: string;
  color: string;
  mark: 'line' | 'point';
  dashed?: boolean;
}

/** What the frame needs: title, axes, the data (for the extents) and the legend. */
export interface FrameOptions {
  title: string;
  x: AxisOptions;
  y: AxisOptions;
  xValues: readonly ArrayLike<number>[];
  yValues: readonly ArrayLike<number>[];
  legend: readonly LegendEntry[];
  width: number;
  height: number;
}

/** The plot area in pixels. */
export interface PlotArea {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A laid-out frame: scales, plot area, markup to draw behind the data and in front of it. */
export interface Frame {
  x: Scale;
  y: Scale;
  area: PlotArea;
  /** Markup of a clip path (id "plot-area", the plot area and 5 px around it) and grid lines, to draw before the data. */
  behind: string[];
  /** Axes, labels, title and legend, to draw after the data. */
  front: string[];
}

/** Default figure size in px. */
export const defaultPlotSize = { width: 640, height: 400 } as const;

/** Distance between dash strokes of dashed series. */
export const dashPattern = '6 4';

/** Color of axes, ticks and tick labels. */
export const axisColor = '#333333';
const gridColor = '#e6e6e6';

function scaleFor(axis: AxisOptions, values: readonly ArrayLike<number>[], range: [number, number]): Scale {
  const log = axis.log ?? false;
  const domain = axis.domain ?? dataExtent(values, log);
  const options = { nice: axis.domain === undefined };
  return log ? logScale(domain, range, options) : linearScale(domain, range, options);
}

/** Keeps every k-th tick label so that labels `size` px long, `spacing` px apart, do not overlap. */
function labelStride(size: number, spacing: number): number {
  return spacing > 0 ? Math.max(1, Math.ceil((size + 6) / spacing)) : 1;
}

/**
 * Checks that two arrays of one series have the same length.
 * @example checkSameLength('linePlot', 'series "a"', [1, 2], [3, 4]); // no error
 */
export function checkSameLength(functionName: string, what: string, x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length)
    throw new Error(`${functionName}: ${what}: x has ${x.length} values but y has ${y.length}`);
}

/**
 * The title, centred at the top.
 * @example plotTitle(640, 'Loss').includes('Loss'); // true
 */
export function plotTitle(width: number, title: string): string {
  return text(width / 2, 24, title, { anchor: 'middle', size: fontSizes.title, weight: 'bold', className: 'title' });
}

/**
 * The x label centred under the plot area and the y label rotated beside it.
 * @example axisLabels({ left: 60, top: 40, right: 620, bottom: 352 }, 400, 'step', 'loss').length; // 2
 */
export function axisLabels(area: PlotArea, height: number, xLabel: string, yLabel: string): string[] {
  return [
    text((area.left + area.right) / 2, height - 10, xLabel, {
      anchor: 'middle',
      size: fontSizes.label,
      className: 'x-label',
    }),
    text(18, (area.top + area.bottom) / 2, yLabel, {
      anchor: 'middle',
      size: fontSizes.label,
      rotate: -90,
      className: 'y-label',
    }),
  ];
}

/**
 * Lays out a frame for the data and returns its scales, plot area and markup.
 * @example layoutFrame({ title: 't', x: { label: 'x' }, y: { label: 'y' }, xValues: [[0, 1]], yValues: [[0, 1]], legend: [], width: 640, height: 400 }).x.domain; // [0, 1]
 */
export function layoutFrame(options: FrameOptions): Frame {
  const { width, height } = options;
  const yTicks = scaleFor(options.y, options.yValues, [1, 0]); // tick labels do not depend on the range
  const left =
    24 + 8 + Math.max(0, ...yTicks.ticks.map((tick) => estimateTextWidth(yTicks.format(tick), fontSizes.tick))) + 8;
  const right = width - 20;
  const legendRows = legend(options.legend, left, right, 38);
  const top = 40 + legendRows.height;
  const bottom = height - 48;
  if (right - left < 40 || bottom - top < 40) {
    throw new Error(
      `layoutFrame: a ${width}×${height} figure leaves no room for the plot area; make it larger or shorten the labels`,
    );
  }
  const x = scaleFor(options.x, options.xValues, [left, right]);
  const y = scaleFor(options.y, options.yValues, [bottom, top]);
  const area = { left, top, right, bottom };
  const behind = [
    // the clip (for fixed domains) leaves room for points and markers sitting on the axes
    element(
      'clipPath',
      { id: 'plot-area' },
      element('rect', { x: left - 5, y: top - 5, width: right - left + 10, height: bottom - top + 10 }),
    ),
    element('path', {
      class: 'grid',
      d: [
        ...x.ticks.map(
          (tick) => `M${formatCoordinate(x.map(tick))} ${formatCoordinate(top)}V${formatCoordinate(bottom)}`,
        ),
        ...y.ticks.map(
          (tick) => `M${formatCoordinate(left)} ${formatCoordinate(y.map(tick))}H${formatCoordinate(right)}`,
        ),
      ].join(''),
      stroke: gridColor,
      fill: 'none',
    }),
  ];
  return { x, y, area, behind, front: [...axes(x, y, area, options), ...legendRows.markup] };
}

function axes(x: Scale, y: Scale, area: PlotArea, options: FrameOptions): string[] {
  const { left, top, right, bottom } = area;
  const xMark =
    (length: number) =>
    (tick: number): string =>
      `M${formatCoordinate(x.map(tick))} ${formatCoordinate(bottom)}v${length}`;
  const yMark =
    (length: number) =>
    (tick: number): string =>
      `M${formatCoordinate(left)} ${formatCoordinate(y.map(tick))}h${-length}`;
  const tickMarks = [
    ...x.ticks.map(xMark(5)),
    ...x.minorTicks.map(xMark(3)),
    ...y.ticks.map(yMark(5)),
    ...y.minorTicks.map(yMark(3)),
  ].join('');
  const xLabels = x.ticks.map((tick) => x.format(tick));
  const xSpacing = x.ticks.length > 1 ? Math.abs(x.map(x.ticks[1]) - x.map(x.ticks[0])) : 0;
  const xStride = labelStride(
    Math.max(0, ...xLabels.map((label) => estimateTextWidth(label, fontSizes.tick))),
    xSpacing,
  );
  const ySpacing = y.ticks.length > 1 ? Math.abs(y.map(y.ticks[1]) - y.map(y.ticks[0])) : 0;
  const yStride = labelStride(fontSizes.tick, ySpacing);
  return [
    element('rect', {
      class: 'axes',
      x: left,
      y: top,
      width: right - left,
      height: bottom - top,
      fill: 'none',
      stroke: axisColor,
    }),
    element('path', { class: 'ticks', d: tickMarks, stroke: axisColor }),
    element('g', { class: 'tick-labels', fill: axisColor }, [
      ...x.ticks
        .filter((_, index) => index % xStride === 0)
        .map((tick) => text(x.map(tick), bottom + 18, x.format(tick), { anchor: 'middle' })),
      ...y.ticks
        .filter((_, index) => index % yStride === 0)
        .map((tick) => text(left - 8, y.map(tick) + 4, y.format(tick), { anchor: 'end' })),
    ]),
    ...axisLabels(area, options.height, options.x.label, options.y.label),
    plotTitle(options.width, options.title),
  ];
}

/** Legend entries left to right from `left`, wrapping at `right`; its markup and height. */
function legend(
  entries: readonly LegendEntry[],
  left: number,
  right: number,
  top: number,
): { markup: string[]; height: number } {
  if (entries.length === 0) return { markup: [], height: 0 };
  let [x, row] = [left, 0];
  const items = entries.map((entry) => {
    const entryWidth = 30 + estimateTextWidth(entry.name, fontSizes.tick) + 18;
    if (x > left && x + entryWidth > right) [x, row] = [left, row + 1];
    const middle = top + row * 18;
    const swatch =
      entry.mark === 'line'
        ? element('path', {
            d: `M${formatCoordinate(x)} ${formatCoordinate(middle)}h24`,
            stroke: entry.color,
            'stroke-width': 2,
            'stroke-dasharray': entry.dashed ? dashPattern : undefined,
          })
        : element('circle', { cx: x + 12, cy: middle, r: 4, fill: entry.color });
    const item = swatch + text(x + 30, middle + 4, entry.name);
    x += entryWidth;
    return item;
  });
  return { markup: [element('g', { class: 'legend' }, items)], height: (row + 1) * 18 + 2 };
}

/** The options every x-y plot (line, scatter) takes: title, axis labels, log axes, fixed domains, size. */
export interface XyPlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  xDomain?: readonly [number, number];
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
}

/**
 * A standalone SVG x-y plot: the frame laid out for `xValues`, `yValues` and `legend`, and
 * `draw(frame)`'s markup clipped to the plot area.
 * @example xyPlot({ title: 't', xLabel: 'x', yLabel: 'y' }, [[0, 1]], [[0, 1]], [], () => [])
 */
export function xyPlot(
  options: XyPlotOptions,
  xValues: readonly ArrayLike<number>[],
  yValues: readonly ArrayLike<number>[],
  legend: readonly LegendEntry[],
  draw: (frame: Frame) => string[],
): string {
  const width = options.width ?? defaultPlotSize.width;
  const height = options.height ?? defaultPlotSize.height;
  const frame = layoutFrame({
    title: options.title,
    x: { label: options.xLabel, log: options.logX, domain: options.xDomain },
    y: { label: options.yLabel, log: options.logY, domain: options.yDomain },
    xValues,
    yValues,
    legend,
    width,
    height,
  });
  return svgDocument({ width, height, title: options.title }, [
    ...frame.behind,
    element('g', { 'clip-path': 'url(#plot-area)' }, draw(frame)),
    ...frame.front,
  ]);
}
