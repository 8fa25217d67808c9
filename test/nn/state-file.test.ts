/** Save/load: exact round trips, the on-disk layout, atomic writes, and errors naming the file. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { BatchNorm2d, Conv2d, Linear, Module, readStateFile, Sequential, writeStateFile } from '../../src/nn/index.ts';

const directory = mkdtempSync(join(tmpdir(), 'theorygrad-state-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

class Small extends Module {
  readonly conv = this.addModule('conv', new Conv2d(2, 3, 3, { seed: 0, padding: 1 }));
  readonly norm = this.addModule('norm', new BatchNorm2d(3));
  readonly head = this.addModule('head', new Linear(3, 2, { seed: 1, dtype: 'float64' }));
  forward(x: ad.Tensor): ad.Tensor {
    return this.head.forward(this.norm.forward(this.conv.forward(x)).mean([2, 3]).cast('float64'));
  }
}

function bytesOf(t: ad.Tensor): Uint8Array {
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

describe('state files', () => {
  it('round-trip every parameter and buffer bit for bit (float32 and float64)', () => {
    const trained = new Small();
    trained.forward(ad.randomNormal([4, 2, 5, 5], { seed: 2 })); // moves the running statistics
    trained.parameters().forEach((p, i) => p.assign(ad.randomNormal(p.shape, { seed: 10 + i, dtype: p.dtype })));
    const path = join(directory, 'small.safetensors');
    trained.save(path);
    const restored = new Small().load(path);
    const expected = trained.stateDict();
    expect(new Small().stateDict().get('conv.weight')!.toArray()).not.toEqual(expected.get('conv.weight')!.toArray());
    for (const [name, value] of restored.stateDict()) {
      expect(value.dtype, name).toBe(expected.get(name)!.dtype);
      expect(bytesOf(value), name).toEqual(bytesOf(expected.get(name)!));
    }
    expect(readdirSync(directory).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the safetensors layout: u64 header length, 8-aligned JSON header, little-endian data', () => {
    const path = join(directory, 'layout.safetensors');
    writeStateFile(
      path,
      new Map([
        ['a', ad.tensor([1.5, -2], { dtype: 'float64' })],
        ['b', ad.tensor([[3]])],
      ]),
    );
    const bytes = readFileSync(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    // sha256: SHA-256 of the tensor index sorted by name, then the data section.
    const index = JSON.stringify([
      ['a', 'F64', [2], [0, 16]],
      ['b', 'F32', [1, 1], [16, 20]],
    ]);
    const sha256 = createHash('sha256')
      .update(index)
      .update(bytes.subarray(8 + headerLength))
      .digest('hex');
    expect(header).toEqual({
      __metadata__: { format: 'theorygrad', sha256 },
      a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [1, 1], data_offsets: [16, 20] },
    });
    expect(bytes.readDoubleLE(8 + headerLength + 8)).toBe(-2);
    expect(bytes.readFloatLE(8 + headerLength + 16)).toBe(3);
    expect(bytes.byteLength).toBe(8 + headerLength + 20);
    writeStateFile(path, new Map([['c', ad.zeros([1])]])); // overwriting replaces the file
    expect([...readStateFile(path).keys()]).toEqual(['c']);
  });

  it('load reports missing, unexpected and wrongly shaped tensors together, naming the file', () => {
    const path = join(directory, 'other.safetensors');
    new Sequential(new Linear(3, 5, { seed: 0 }), new Linear(5, 2, { seed: 1, bias: false })).save(path);
    const mismatched = new Sequential(new Linear(3, 4, { seed: 0 }), new Linear(4, 2, { seed: 1 }));
    const message = (() => {
      try {
        mismatched.load(path);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(message).toContain(`Sequential.load: ${path} does not match the module (4 problems)`);
    expect(message).toContain(`'0.weight' is float32 [5,3] in ${path} but float32 [4,3] in the module`);
    expect(message).toContain(`'0.bias' is float32 [5] in ${path} but float32 [4] in the module`);
    expect(message).toContain(`'1.weight' is float32 [2,5] in ${path} but float32 [2,4] in the module`);
    expect(message).toContain("missing '1.bias' [2]");
    expect(() => new Sequential(new Linear(3, 5, { seed: 0 })).load(path)).toThrow("unexpected '1.weight' [2,5]");
  });

  it('a truncated or corrupt file is an error naming the file and what is missing', () => {
    const path = join(directory, 'full.safetensors');
    new Linear(4, 3, { seed: 0 }).save(path);
    const bytes = readFileSync(path);
    const cut = join(directory, 'cut.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.byteLength - 4));
    expect(() => new Linear(4, 3, { seed: 0 }).load(cut)).toThrow(
      `readStateFile: ${cut}: truncated: tensor 'bias' needs data bytes [48, 60) but the data section has 56`,
    );
    writeFileSync(cut, bytes.subarray(0, 5));
    expect(() => readStateFile(cut)).toThrow(
      `readStateFile: ${cut}: truncated: 5 bytes, but the header length alone takes 8`,
    );
    writeFileSync(cut, bytes.subarray(0, 20));
    expect(() => readStateFile(cut)).toThrow(/truncated: the header claims \d+ bytes but only 12 follow/);
    const corrupt = Buffer.from(bytes);
    corrupt.write('#', 8);
    writeFileSync(cut, corrupt);
    expect(() => readStateFile(cut)).toThrow(`readStateFile: ${cut}: the header is not valid JSON`);
  });

  /** `bytes` with its header replaced by `edit(header)` (re-padded), as another writer or an older version would write it. */
  function withHeader(bytes: Buffer, edit: (header: Record<string, unknown>) => Record<string, unknown>): Buffer {
    const headerLength = Number(bytes.readBigUInt64LE(0));
    let json = JSON.stringify(edit(JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'))));
    json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
    return Buffer.concat([prefix, Buffer.from(json), bytes.subarray(8 + headerLength)]);
  }

  it('a flipped byte in a value, or a renamed tensor, fails the checksum, naming the file', () => {
    const path = join(directory, 'flip.safetensors');
    writeStateFile(
      path,
      new Map([
        ['a', ad.tensor([1, 2, 3, 4])],
        ['b', ad.tensor([5, 6])],
      ]),
    );
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] ^= 0x04; // 6 would read as 6.00048828125
    writeFileSync(path, flipped);
    expect(() => readStateFile(path)).toThrow(
      new RegExp(
        `^readStateFile: ${path}: checksum mismatch: the header records sha256 [0-9a-f]{64} but the tensors hash to`,
      ),
    );
    writeFileSync(
      path,
      withHeader(bytes, ({ a, ...rest }) => ({ ...rest, c: a })),
    );
    expect(() => readStateFile(path)).toThrow(`readStateFile: ${path}: checksum mismatch`);
  });

  it('files without a checksum (written before it existed) still load', () => {
    const path = join(directory, 'legacy.safetensors');
    writeStateFile(path, new Map([['a', ad.tensor([1.5, -2], { dtype: 'float64' })]]));
    writeFileSync(
      path,
      withHeader(readFileSync(path), (header) => ({ ...header, __metadata__: { format: 'theorygrad' } })),
    );
    expect(readStateFile(path).get('a')!.toArray()).toEqual([1.5, -2]);
    writeFileSync(
      path,
      withHeader(readFileSync(path), ({ __metadata__: _, ...rest }) => rest),
    ); // no metadata at all
    expect(readStateFile(path).get('a')!.toArray()).toEqual([1.5, -2]);
  });

  it('data offsets must tile the data section: overlaps, gaps, trailing bytes and bad metadata are errors', () => {
    const path = join(directory, 'tiles.safetensors');
    writeStateFile(
      path,
      new Map([
        ['a', ad.tensor([1, 2])],
        ['b', ad.tensor([3, 4])],
      ]),
    );
    const bytes = readFileSync(path);
    const legacy = (header: Record<string, unknown>): Record<string, unknown> => ({
      ...header,
      __metadata__: { format: 'theorygrad' },
    });
    writeFileSync(
      path,
      withHeader(bytes, (header) => ({ ...legacy(header), b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } })),
    );
    expect(() => readStateFile(path)).toThrow(
      `readStateFile: ${path}: tensor 'b' data_offsets [0, 8) overlap the previous tensor`,
    );
    writeFileSync(
      path,
      Buffer.concat([
        withHeader(bytes, (header) => ({ ...legacy(header), b: { dtype: 'F32', shape: [2], data_offsets: [12, 20] } })),
        Buffer.alloc(4),
      ]),
    );
    expect(() => readStateFile(path)).toThrow(
      `readStateFile: ${path}: tensor 'b' data_offsets [12, 20) leave a gap after byte 8`,
    );
    writeFileSync(path, Buffer.concat([bytes, Buffer.alloc(8)]));
    expect(() => readStateFile(path)).toThrow(
      `readStateFile: ${path}: 8 bytes after the last tensor (the data section has 24, the tensors cover 16)`,
    );
    writeFileSync(
      path,
      withHeader(bytes, (header) => ({ ...header, __metadata__: { format: 'theorygrad', sha256: 'abc' } })),
    );
    expect(() => readStateFile(path)).toThrow(
      `readStateFile: ${path}: __metadata__.sha256 is "abc", not 64 hex digits`,
    );
    writeFileSync(
      path,
      withHeader(bytes, (header) => ({ ...header, __metadata__: { format: 1 } })),
    );
    expect(() => readStateFile(path)).toThrow(`readStateFile: ${path}: __metadata__ must map names to strings`);
  });
});
