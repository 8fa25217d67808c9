/**
 * Colors: a categorical palette for series (Tableau 10, the default of Vega and
 * Matplotlib's "tab10" family) and continuous color maps for heatmaps and images
 * (viridis, gray, and a blue–white–red diverging map from ColorBrewer's RdBu).
 */

/** A color as 0–255 red, green, blue. */
export type Rgb = readonly [number, number, number];

/** The continuous color maps. */
export type ColorMapName = 'viridis' | 'gray' | 'diverging';

const categorical = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const anchors: Record<ColorMapName, readonly string[]> = {
  // viridis (van der Walt & Smith), 9 evenly spaced samples
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21908c', '#27ad81', '#5dc863', '#aadc32', '#fde725'],
  gray: ['#000000', '#ffffff'],
  // ColorBrewer RdBu, negative values blue, zero white, positive red
  diverging: ['#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b'],
};

function parseHex(hex: string): Rgb {
  return [
    Number.parseInt(hex.slice(1, 3), 16),
    Number.parseInt(hex.slice(3, 5), 16),
    Number.parseInt(hex.slice(5, 7), 16),
  ];
}

const anchorColors: Record<ColorMapName, readonly Rgb[]> = {
  viridis: anchors.viridis.map(parseHex),
  gray: anchors.gray.map(parseHex),
  diverging: anchors.diverging.map(parseHex),
};

/**
 * The color of series `index` (cycles after 10).
 * @example seriesColor(0); // '#4e79a7'
 */
export function seriesColor(index: number): string {
  if (!Number.isInteger(index) || index < 0)
    throw new Error(`seriesColor: index must be a non-negative integer, got ${index}`);
  return categorical[index % categorical.length];
}

/**
 * The color of `fraction` ∈ [0, 1] (clamped; NaN gives mid-gray) on a color map, by
 * linear interpolation between the map's anchors.
 * @example colorAt('gray', 1); // [255, 255, 255]
 */
export function colorAt(map: ColorMapName, fraction: number): Rgb {
  const colors = anchorColors[map];
  if (colors === undefined)
    throw new Error(`colorAt: unknown color map ${JSON.stringify(map)} (expected viridis, gray or diverging)`);
  if (Number.isNaN(fraction)) return [128, 128, 128];
  const position = Math.min(1, Math.max(0, fraction)) * (colors.length - 1);
  const index = Math.min(colors.length - 2, Math.floor(position));
  const weight = position - index;
  const mix = (channel: number): number =>
    Math.round(colors[index][channel] + (colors[index + 1][channel] - colors[index][channel]) * weight);
  return [mix(0), mix(1), mix(2)];
}

/**
 * A color as `#rrggbb`.
 * @example hexColor([255, 0, 16]); // '#ff0010'
 */
export function hexColor(color: Rgb): string {
  return `#${color.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Maps values to RGB bytes (interleaved) on a color map, `domain` giving the ends.
 * @example colorizeValues([0, 1], [0, 1], 'gray'); // Uint8Array [0, 0, 0, 255, 255, 255]
 */
export function colorizeValues(
  values: ArrayLike<number>,
  domain: readonly [number, number],
  map: ColorMapName,
): Uint8Array {
  const [low, high] = domain;
  const span = high - low;
  const bytes = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) bytes.set(colorAt(map, span > 0 ? (values[i] - low) / span : 0.5), i * 3);
  return bytes;
}
