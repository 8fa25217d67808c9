/**
 * A minimal PNG encoder (PNG spec, W3C 2003): 8-bit grayscale, RGB or RGBA, no
 * interlacing, filter type 0 (None) on every scanline, IDAT compressed by node:zlib.
 * Repeated rows (upscaled images) still compress well through deflate's back-references.
 */
import { deflateSync } from 'node:zlib';

/** Row-major, channel-interleaved 8-bit pixels. */
export interface PngImage {
  width: number;
  height: number;
  /** 1 gray, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

const signature = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const colorTypes = { 1: 0, 3: 2, 4: 6 } as const;

const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * The CRC-32 of the bytes (ISO 3309, as used by PNG and zlib's crc32).
 * @example crc32(new TextEncoder().encode('IEND')); // 0xae426082
 */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(12 + body.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, body.length);
  bytes.set(new TextEncoder().encode(type), 4);
  bytes.set(body, 8);
  view.setUint32(8 + body.length, crc32(bytes.subarray(4, 8 + body.length)));
  return bytes;
}

/**
 * Encodes pixels as a PNG file.
 * @example encodePng({ width: 1, height: 1, channels: 1, data: Uint8Array.of(255) }).length; // 67
 */
export function encodePng(image: PngImage): Uint8Array {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers, got ${width}×${height}`);
  }
  if (colorTypes[channels] === undefined) throw new Error(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  const rowLength = width * channels;
  if (data.length !== rowLength * height) {
    throw new Error(
      `encodePng: data must hold width·height·channels = ${rowLength * height} bytes, got ${data.length}`,
    );
  }
  const scanlines = new Uint8Array((rowLength + 1) * height); // each row: filter byte 0, then the row
  for (let row = 0; row < height; row++)
    scanlines.set(data.subarray(row * rowLength, (row + 1) * rowLength), row * (rowLength + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, colorTypes[channels], 0, 0, 0], 8); // bit depth, color type, compression, filter, interlace
  const parts = [
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ];
  const file = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    file.set(part, offset);
    offset += part.length;
  }
  return file;
}

/**
 * The PNG as a `data:` URI, for an SVG `<image href>`.
 * @example pngDataUri({ width: 1, height: 1, channels: 1, data: Uint8Array.of(0) }).startsWith('data:image/png;base64,'); // true
 */
export function pngDataUri(image: PngImage): string {
  return `data:image/png;base64,${Buffer.from(encodePng(image)).toString('base64')}`;
}
