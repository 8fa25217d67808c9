/**
 * Heatmaps of a row-major matrix (row 0 at the top) with labelled rows and columns, a
 * color map and a colorbar. Up to 4,096 cells are drawn as `<rect class="cell">` (and may
 * be annotated with their values); larger matrices (kernel matrices) as one embedded PNG
 * with a pixel per cell, which keeps the file small.
 */
import { formatNumber } from '../table.ts';
import { dataExtent, linearScale } from './axes.ts';
import { colorAt, colorizeValues, hexColor, type ColorMapName } from './colors.ts';
import { axisColor, axisLabels, plotTitle } from './frame.ts';
import { element, estimateTextWidth, fontSizes, formatCoordinate, svgDocument, text } from './svg.ts';
import { pngDataUri } from './png.ts';

/** A heatmap: the matrix, its labels, color map, domain and optional cell annotations. */
export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Row-major values, rows × columns. */
  values: ArrayLike<number>;
  rows: number;
  columns: number;
  /** Default: the indices 0, 1, … (thinned where they would overlap). */
  rowLabels?: readonly string[];
  columnLabels?: readonly string[];
  /** Default viridis. */
  colorMap?: ColorMapName;
  /** Values mapped to the ends of the color map; default the data's range (symmetric about 0 for 'diverging'). */
  domain?: readonly [number, number];
  /** Label of the colorbar. */
  colorLabel?: string;
  /** Print each cell's value with this many significant digits (only when drawn as rects). */
  annotate?: number;
  width?: number;
  height?: number;
}

/** Above this many cells a heatmap is drawn as an embedded PNG instead of rects. */
export const maximumRectCells = 4096;

function checkOptions(options: HeatmapOptions): void {
  const { rows, columns, values } = options;
  if (!Number.isInteger(rows) || !Number.isInteger(columns) || rows < 1 || columns < 1) {
    throw new Error(`heatmap: rows and columns must be positive integers, got ${rows}×${columns}`);
  }
  if (values.length !== rows * columns)
    throw new Error(`heatmap: values must hold rows·columns = ${rows * columns} numbers, got ${values.length}`);
  if (options.rowLabels !== undefined && options.rowLabels.length !== rows) {
    throw new Error(`heatmap: rowLabels must have ${rows} entries, got ${options.rowLabels.length}`);
  }
  if (options.columnLabels !== undefined && options.columnLabels.length !== columns) {
    throw new Error(`heatmap: columnLabels must have ${columns} entries, got ${options.columnLabels.length}`);
  }
}

function valueDomain(options: HeatmapOptions, map: ColorMapName): [number, number] {
  if (options.domain !== undefined) return [options.domain[0], options.domain[1]];
  const [low, high] = dataExtent([options.values], false);
  if (map !== 'diverging') return [low, high];
  const largest = Math.max(Math.abs(low), Math.abs(high));
  return [-largest, largest];
}

/** Indices of the labels kept so that labels `size` px long, `spacing` px apart, do not overlap: every 1st, 2nd, 5th, 10th, 20th, …. */
function thinnedIndices(count: number, size: number, spacing: number): number[] {
  const needed = (size + 6) / spacing;
  const power = 10 ** Math.floor(Math.log10(Math.max(1, needed)));
  const stride =
    needed <= 1 ? 1 : ([1, 2, 5, 10].map((factor) => factor * power).find((step) => step >= needed) ?? 10 * power);
  return Array.from({ length: count }, (_, index) => index).filter((index) => index % stride === 0);
}

/**
 * Renders a standalone SVG heatmap with a colorbar.
 * @example heatmap({ title: 'Accuracy', xLabel: 'c', yLabel: 'depth', values: [0.7, 0.8, 0.75, 0.85], rows: 2, columns: 2, annotate: 2 });
 */
export function heatmap(options: HeatmapOptions): string {
  checkOptions(options);
  const { rows, columns, values } = options;
  const width = options.width ?? 560;
  const height = options.height ?? 480;
  const map = options.colorMap ?? 'viridis';
  const domain = valueDomain(options, map);
  const rowLabels = options.rowLabels ?? Array.from({ length: rows }, (_, index) => String(index));
  const columnLabels = options.columnLabels ?? Array.from({ length: columns }, (_, index) => String(index));
  const top = 40;
  const bottom = height - 48;
  const barScale = linearScale(domain, [bottom, top], { nice: false });
  const barLabelWidth = Math.max(
    0,
    ...barScale.ticks.map((tick) => estimateTextWidth(barScale.format(tick), fontSizes.tick)),
  );
  const left = 24 + 8 + Math.max(...rowLabels.map((label) => estimateTextWidth(label, fontSizes.tick))) + 6;
  const barLeft = width - (options.colorLabel === undefined ? 8 : 26) - barLabelWidth - 6 - 14;
  const right = barLeft - 16;
  if (right - left < 20 || bottom - top < 20)
    throw new Error(
      `heatmap: a ${width}×${height} figure leaves no room for the cells; make it larger or shorten the labels`,
    );
  const cellWidth = (right - left) / columns;
  const cellHeight = (bottom - top) / rows;

  const cells: string[] = [];
  if (rows * columns > maximumRectCells) {
    const image = pngDataUri({ width: columns, height: rows, channels: 3, data: colorizeValues(values, domain, map) });
    cells.push(
      element('image', {
        class: 'cells',
        x: left,
        y: top,
        width: right - left,
        height: bottom - top,
        preserveAspectRatio: 'none',
        style: 'image-rendering:pixelated',
        href: image,
      }),
    );
  } else {
    const span = domain[1] - domain[0];
    for (let row = 0; row < rows; row++) {
      for (let column = 0; column < columns; column++) {
        const value = values[row * columns + column];
        const color = colorAt(map, span > 0 ? (value - domain[0]) / span : 0.5);
        const [x, y] = [left + column * cellWidth, top + row * cellHeight];
        cells.push(
          element('rect', { class: 'cell', x, y, width: cellWidth, height: cellHeight, fill: hexColor(color) }),
        );
        if (options.annotate !== undefined) {
          const luminance = (0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]) / 255;
          const label = formatNumber(value, options.annotate);
          cells.push(
            text(x + cellWidth / 2, y + cellHeight / 2 + 4, label, {
              anchor: 'middle',
              fill: luminance < 0.5 ? 'white' : 'black',
              className: 'annotation',
            }),
          );
        }
      }
    }
  }

  const rowIndices = thinnedIndices(rows, fontSizes.tick, cellHeight);
  const columnIndices = thinnedIndices(
    columns,
    Math.max(...columnLabels.map((label) => estimateTextWidth(label, fontSizes.tick))),
    cellWidth,
  );
  const labels = element('g', { class: 'tick-labels', fill: axisColor }, [
    ...rowIndices.map((row) => text(left - 6, top + (row + 0.5) * cellHeight + 4, rowLabels[row], { anchor: 'end' })),
    ...columnIndices.map((column) =>
      text(left + (column + 0.5) * cellWidth, bottom + 18, columnLabels[column], { anchor: 'middle' }),
    ),
  ]);
  const stops = Array.from({ length: 17 }, (_, index) =>
    element('stop', { offset: formatCoordinate(index / 16), 'stop-color': hexColor(colorAt(map, index / 16)) }),
  );
  const colorbar = element('g', { class: 'colorbar' }, [
    element('linearGradient', { id: 'colorbar-gradient', x1: 0, y1: 1, x2: 0, y2: 0 }, stops),
    element('rect', {
      x: barLeft,
      y: top,
      width: 14,
      height: bottom - top,
      fill: 'url(#colorbar-gradient)',
      stroke: axisColor,
    }),
    element('path', {
      d: barScale.ticks
        .map((tick) => `M${formatCoordinate(barLeft + 14)} ${formatCoordinate(barScale.map(tick))}h4`)
        .join(''),
      stroke: axisColor,
    }),
    ...barScale.ticks.map((tick) => text(barLeft + 14 + 6, barScale.map(tick) + 4, barScale.format(tick))),
    ...(options.colorLabel === undefined
      ? []
      : [
          text(width - 8, (top + bottom) / 2, options.colorLabel, {
            anchor: 'middle',
            size: fontSizes.label,
            rotate: -90,
          }),
        ]),
  ]);
  return svgDocument({ width, height, title: options.title }, [
    element('g', { 'shape-rendering': 'crispEdges' }, cells),
    labels,
    colorbar,
    ...axisLabels({ left, top, right, bottom }, height, options.xLabel, options.yLabel),
    plotTitle(width, options.title),
  ]);
}
