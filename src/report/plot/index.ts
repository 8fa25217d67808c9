/**
 * SVG figures without a browser: line, scatter, heatmap and image-grid plots as
 * standalone, deterministic SVG strings (xmlns, viewBox, width/height, title, axis labels).
 *
 * Why our own module rather than a library: vega 6 + vega-lite 6 (well kept) do render
 * SVG headlessly — `view.toSVG()` works without the native `canvas` package, which
 * vega-canvas only imports optionally, falling back to estimated text widths. But they
 * bring 79 packages (25 MB) into a project whose src/report/ depends on node: modules
 * only, their API is asynchronous and spec-driven, and images would still need our own
 * PNG encoding. The plots here need a few hundred lines: scales with nice ticks, paths,
 * rects and `<image>` tags; text widths are estimated the same way vega does without canvas.
 */
export { linePlot, type LinePlotOptions, type LineSeries, type ErrorRange } from './line.ts';
export { scatterPlot, type ScatterPlotOptions, type ScatterSeries } from './scatter.ts';
export { heatmap, maximumRectCells, type HeatmapOptions } from './heatmap.ts';
export { imageGrid, type ImageGridOptions, type GridImage, type PixelRange } from './image-grid.ts';
export {
  linearScale,
  logScale,
  niceTicks,
  tickStep,
  formatLogTick,
  dataExtent,
  type Scale,
  type ScaleOptions,
} from './axes.ts';
export { seriesColor, colorAt, colorizeValues, hexColor, type ColorMapName, type Rgb } from './colors.ts';
export { encodePng, pngDataUri, crc32, type PngImage } from './png.ts';
export { escapeXml, element, svgDocument } from './svg.ts';
