import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, pngDataUri } from '../../src/report/plot/png.ts';

interface Chunk {
  type: string;
  body: Uint8Array;
  crc: number;
  typeAndBody: Uint8Array;
}

function readChunks(file: Uint8Array): Chunk[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks: Chunk[] = [];
  for (let offset = 8; offset < file.length;) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(file.subarray(offset + 4, offset + 8));
    chunks.push({
      type,
      body: file.subarray(offset + 8, offset + 8 + length),
      crc: view.getUint32(offset + 8 + length),
      typeAndBody: file.subarray(offset + 4, offset + 8 + length),
    });
    offset += 12 + length;
  }
  return chunks;
}

describe('crc32', () => {
  it('matches known values and node:zlib', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(crc32(bytes)).toBe(zlibCrc32(bytes));
      }),
    );
  });
});

describe('encodePng', () => {
  it('writes the signature, IHDR, IDAT, IEND with valid CRCs, and IDAT inflates to the scanlines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(1 as const, 3 as const, 4 as const),
        fc.integer(),
        (width, height, channels, seed) => {
          const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37 + seed) & 0xff);
          const file = encodePng({ width, height, channels, data });
          expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
          const chunks = readChunks(file);
          expect(chunks.map((chunk) => chunk.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
          for (const chunk of chunks) expect(chunk.crc).toBe(crc32(chunk.typeAndBody));
          const header = new DataView(chunks[0].body.buffer, chunks[0].body.byteOffset, 13);
          expect([header.getUint32(0), header.getUint32(4), ...chunks[0].body.subarray(8)]).toEqual([
            width,
            height,
            8,
            { 1: 0, 3: 2, 4: 6 }[channels],
            0,
            0,
            0,
          ]);
          const scanlines = inflateSync(chunks[1].body);
          const rowLength = width * channels;
          expect(scanlines.length).toBe(height * (rowLength + 1));
          for (let row = 0; row < height; row++) {
            expect(scanlines[row * (rowLength + 1)]).toBe(0); // filter type None
            expect([...scanlines.subarray(row * (rowLength + 1) + 1, (row + 1) * (rowLength + 1))]).toEqual([
              ...data.subarray(row * rowLength, (row + 1) * rowLength),
            ]);
          }
          expect(chunks[2].body.length).toBe(0);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('is deterministic and gives a base64 data URI', () => {
    const image = { width: 2, height: 2, channels: 1 as const, data: Uint8Array.of(0, 85, 170, 255) };
    expect(encodePng(image)).toEqual(encodePng(image));
    const uri = pngDataUri(image);
    expect(uri.startsWith('data:image/png;base64,')).toBe(true);
    expect([...Buffer.from(uri.slice(22), 'base64')]).toEqual([...encodePng(image)]);
  });

  it('rejects bad sizes, channels and data lengths, naming the argument', () => {
    expect(() => encodePng({ width: 0, height: 1, channels: 1, data: new Uint8Array(0) })).toThrow(
      /^encodePng: width and height/,
    );
    expect(() => encodePng({ width: 1, height: 1, channels: 2 as 1, data: new Uint8Array(2) })).toThrow(
      /^encodePng: channels must be 1, 3 or 4, got 2/,
    );
    expect(() => encodePng({ width: 2, height: 2, channels: 3, data: new Uint8Array(11) })).toThrow(
      'encodePng: data must hold width·height·channels = 12 bytes, got 11',
    );
  });
});
