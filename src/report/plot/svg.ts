/**
 * The few SVG primitives the plots are built from: XML escaping, elements with attributes
 * in the order given, coordinates rounded to 0.01 px (so output is deterministic and
 * short), and the standalone document wrapper (xmlns, viewBox, width, height).
 */

/** An attribute value; `undefined` leaves the attribute out. */
export type AttributeValue = string | number | undefined;

/** Font stack used by every plot; the sizes below are in px. */
export const fontFamily = 'Helvetica, Arial, sans-serif';
export const fontSizes = { title: 14, label: 12, tick: 11 } as const;

/**
 * Escapes the five XML special characters, for text content and attribute values.
 * @example escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[character]};`,
  );
}

/**
 * Formats a coordinate rounded to 0.01 (no exponent, no "-0").
 * @example formatCoordinate(12.3456); // '12.35'
 */
export function formatCoordinate(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`formatCoordinate: value must be finite, got ${value}`);
  const rounded = Math.round(value * 100) / 100;
  return rounded === 0 ? '0' : String(rounded);
}

/**
 * Writes one element; numbers are rounded with formatCoordinate, strings escaped, and
 * `children` (already-serialised markup) placed inside; no children gives `<name/>`.
 * @example element('rect', { x: 1, width: 2.5 }); // '<rect x="1" width="2.5"/>'
 */
export function element(
  name: string,
  attributes: Record<string, AttributeValue>,
  children: string | readonly string[] = '',
): string {
  let markup = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    markup += ` ${key}="${typeof value === 'number' ? formatCoordinate(value) : escapeXml(value)}"`;
  }
  const inner = typeof children === 'string' ? children : children.join('');
  return inner === '' ? `${markup}/>` : `${markup}>${inner}</${name}>`;
}

/** Options of `text`: anchor, font size, rotation about (x, y), and extra attributes. */
export interface TextOptions {
  anchor?: 'start' | 'middle' | 'end';
  size?: number;
  rotate?: number;
  weight?: 'bold';
  fill?: string;
  className?: string;
}

/**
 * A `<text>` element with escaped content.
 * @example text(10, 20, 'loss', { anchor: 'middle' }); // '<text x="10" y="20" text-anchor="middle">loss</text>'
 */
export function text(x: number, y: number, content: string, options: TextOptions = {}): string {
  return element(
    'text',
    {
      class: options.className,
      x,
      y,
      'text-anchor': options.anchor,
      'font-size': options.size,
      'font-weight': options.weight,
      fill: options.fill,
      transform:
        options.rotate === undefined
          ? undefined
          : `rotate(${options.rotate} ${formatCoordinate(x)} ${formatCoordinate(y)})`,
    },
    escapeXml(content),
  );
}

/**
 * Estimated width in px of `content` at `size` px (0.6 em per character: no font
 * metrics without a browser, so layouts leave a margin for error).
 * @example estimateTextWidth('0.25', 10); // 24
 */
export function estimateTextWidth(content: string, size: number): number {
  return Array.from(content).length * size * 0.6;
}

/**
 * A path through the points, `M x y L x y …`, starting a new subpath after each
 * non-finite point so that gaps in the data stay gaps.
 * @example polylinePath([0, 10], [5, 5]); // 'M0 5L10 5'
 */
export function polylinePath(xs: ArrayLike<number>, ys: ArrayLike<number>): string {
  let path = '';
  let penDown = false;
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      penDown = false;
      continue;
    }
    path += `${penDown ? 'L' : 'M'}${formatCoordinate(xs[i])} ${formatCoordinate(ys[i])}`;
    penDown = true;
  }
  return path;
}

/** Options of the standalone document. */
export interface DocumentOptions {
  width: number;
  height: number;
  /** Text of the <title> element (shown as a tooltip, read by screen readers). */
  title: string;
}

/**
 * Wraps markup in a standalone SVG document with xmlns, viewBox, width, height, a white
 * background and the plots' font.
 * @example svgDocument({ width: 10, height: 10, title: 't' }, []).startsWith('<?xml'); // true
 */
export function svgDocument(options: DocumentOptions, children: readonly string[]): string {
  const { width, height } = options;
  if (!(width > 0 && height > 0))
    throw new Error(`svgDocument: width and height must be positive, got ${width}×${height}`);
  const root = element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${formatCoordinate(width)} ${formatCoordinate(height)}`,
      'font-family': fontFamily,
      'font-size': fontSizes.tick,
    },
    [
      '\n',
      element('title', {}, escapeXml(options.title)),
      '\n',
      element('rect', { width, height, fill: 'white' }),
      '\n',
      ...children.map((child) => `${child}\n`),
    ],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
