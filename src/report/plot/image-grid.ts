/**
 * A grid of images with titles, each an `<image>` holding a PNG data URI, upscaled by an
 * integer factor inside the PNG so that pixels stay crisp in every viewer. (PNG rather
 * than one `<rect>` per pixel: a 28×28 digit is ~0.5 KB instead of ~50 KB of rects.)
 */
import { colorizeValues, type ColorMapName } from './colors.ts';
import { plotTitle } from './frame.ts';
import { pngDataUri } from './png.ts';
import { element, estimateTextWidth, fontSizes, svgDocument, text } from './svg.ts';

/** One image: values in CHW layout as the data loaders give them. */
export interface GridImage {
  pixels: ArrayLike<number>;
  /** [height, width], [1, height, width] (one channel) or [3, height, width] (RGB planes). */
  shape: readonly number[];
  title?: string;
}

/** How pixel values map to intensities: a fixed [black, white], or per image. */
export type PixelRange = readonly [number, number] | 'auto' | 'symmetric';

/** An image grid: title, images, columns, upscale factor, value range and color map. */
export interface ImageGridOptions {
  title: string;
  images: readonly GridImage[];
  /** Images per row (default min(count, 8)). */
  columns?: number;
  /** Screen pixels per image pixel (a positive integer; default so that images are ~96 px). */
  scale?: number;
  /** Default [0, 1] (the loaders' range); 'auto' stretches each image's min…max, 'symmetric' uses ±max|value| (saliency maps). */
  range?: PixelRange;
  /** Color map of one-channel images (default gray; 'diverging' suits signed maps). */
  colorMap?: ColorMapName;
}

interface Planes {
  channels: 1 | 3;
  height: number;
  width: number;
}

function planesOf(image: GridImage, index: number): Planes {
  const shape = image.shape;
  const [channels, height, width] = shape.length === 2 ? [1, shape[0], shape[1]] : [shape[0], shape[1], shape[2]];
  if (
    (shape.length !== 2 && shape.length !== 3) ||
    (channels !== 1 && channels !== 3) ||
    !(height >= 1 && width >= 1)
  ) {
    throw new Error(
      `imageGrid: images[${index}].shape must be [H, W], [1, H, W] or [3, H, W], got [${shape.join(', ')}]`,
    );
  }
  if (image.pixels.length !== channels * height * width) {
    throw new Error(
      `imageGrid: images[${index}] has ${image.pixels.length} pixels but shape [${shape.join(', ')}] needs ${channels * height * width}`,
    );
  }
  return { channels, height, width };
}

function rangeOf(pixels: ArrayLike<number>, range: PixelRange): [number, number] {
  if (typeof range !== 'string') return [range[0], range[1]];
  let [low, high] = [Infinity, -Infinity];
  for (let i = 0; i < pixels.length; i++) {
    if (!Number.isFinite(pixels[i])) continue;
    low = Math.min(low, pixels[i]);
    high = Math.max(high, pixels[i]);
  }
  if (low > high) [low, high] = [0, 1]; // no finite pixels
  if (range === 'auto') return [low, high];
  const largest = Math.max(Math.abs(low), Math.abs(high));
  return [-largest, largest];
}

/** RGB planes (CHW) as interleaved bytes, `low` black and `high` full intensity. */
function interleaveRgb(pixels: ArrayLike<number>, plane: number, low: number, high: number): Uint8Array {
  const bytes = new Uint8Array(plane * 3);
  const span = high - low || 1;
  for (let pixel = 0; pixel < plane; pixel++) {
    for (let channel = 0; channel < 3; channel++) {
      const fraction = (pixels[channel * plane + pixel] - low) / span;
      bytes[pixel * 3 + channel] = Number.isNaN(fraction) ? 128 : Math.round(255 * Math.min(1, Math.max(0, fraction)));
    }
  }
  return bytes;
}

/** RGB bytes of one image, upscaled `scale` times by repeating pixels. */
function imageBytes(image: GridImage, planes: Planes, options: ImageGridOptions, scale: number): Uint8Array {
  const { channels, height, width } = planes;
  const [low, high] = rangeOf(image.pixels, options.range ?? [0, 1]);
  const plane = height * width;
  const colors =
    channels === 1
      ? colorizeValues(image.pixels, [low, high], options.colorMap ?? 'gray')
      : interleaveRgb(image.pixels, plane, low, high);
  const bytes = new Uint8Array(plane * 3 * scale * scale);
  const rowLength = width * scale * 3;
  for (let row = 0; row < height * scale; row++) {
    for (let column = 0; column < width * scale; column++) {
      const source = (Math.floor(row / scale) * width + Math.floor(column / scale)) * 3;
      bytes.set(colors.subarray(source, source + 3), row * rowLength + column * 3);
    }
  }
  return bytes;
}

/**
 * Renders a standalone SVG grid of images (one `<image class="image">` each) with titles.
 * @example imageGrid({ title: 'Digits', images: [{ pixels: new Float32Array(784), shape: [1, 28, 28], title: '7' }] });
 */
export function imageGrid(options: ImageGridOptions): string {
  const { images } = options;
  if (images.length === 0) throw new Error('imageGrid: images must not be empty');
  const planes = images.map(planesOf);
  const largest = Math.max(...planes.map((plane) => Math.max(plane.height, plane.width)));
  const scale = options.scale ?? Math.max(1, Math.round(96 / largest));
  if (!Number.isInteger(scale) || scale < 1)
    throw new Error(`imageGrid: scale must be a positive integer, got ${scale}`);
  const columns = options.columns ?? Math.min(images.length, 8);
  if (!Number.isInteger(columns) || columns < 1)
    throw new Error(`imageGrid: columns must be a positive integer, got ${columns}`);
  const hasTitles = images.some((image) => image.title !== undefined && image.title !== '');
  const tileWidth = Math.max(
    ...planes.map((plane) => plane.width * scale),
    ...images.map((image) => estimateTextWidth(image.title ?? '', fontSizes.tick)),
  );
  const tileHeight = Math.max(...planes.map((plane) => plane.height * scale)) + (hasTitles ? 18 : 0);
  const gap = 12;
  const top = 40;
  const rowCount = Math.ceil(images.length / columns);
  const width = Math.max(
    columns * (tileWidth + gap) + gap,
    estimateTextWidth(options.title, fontSizes.title) + 2 * gap,
  );
  const height = top + rowCount * (tileHeight + gap);
  const tiles = images.map((image, index) => {
    const { width: imageWidth, height: imageHeight } = planes[index];
    const left = gap + (index % columns) * (tileWidth + gap);
    const tileTop = top + Math.floor(index / columns) * (tileHeight + gap);
    const png = pngDataUri({
      width: imageWidth * scale,
      height: imageHeight * scale,
      channels: 3,
      data: imageBytes(image, planes[index], options, scale),
    });
    const imageTop = tileTop + (hasTitles ? 18 : 0);
    const imageLeft = left + (tileWidth - imageWidth * scale) / 2;
    return element('g', { class: 'tile' }, [
      hasTitles ? text(left + tileWidth / 2, tileTop + 12, image.title ?? '', { anchor: 'middle' }) : '',
      element('image', {
        class: 'image',
        x: imageLeft,
        y: imageTop,
        width: imageWidth * scale,
        height: imageHeight * scale,
        href: png,
      }),
    ]);
  });
  return svgDocument({ width, height, title: options.title }, [...tiles, plotTitle(width, options.title)]);
}
