/**
 * Named tensors on disk, in the safetensors layout (github.com/huggingface/safetensors),
 * so a file also opens from Python:
 *
 *   bytes 0–7   N, the header's length in bytes (unsigned 64-bit little-endian)
 *   bytes 8…    the header: UTF-8 JSON, padded with spaces so the data starts 8-aligned,
 *                 { "__metadata__": { "format": "theorygrad", "sha256": "<64 hex digits>" },
 *                   "<name>": { "dtype": "F32" | "F64", "shape": [...], "data_offsets": [begin, end] }, … }
 *   then        the data: each tensor's row-major values as little-endian IEEE-754 bytes,
 *               at [begin, end) relative to the start of the data section, which they
 *               cover without holes or overlaps (as the safetensors format requires)
 *
 * "sha256" is the SHA-256 of the tensor index (JSON of [name, dtype, shape, data_offsets]
 * for each tensor, sorted by name) followed by the data section, so a flipped byte in a
 * value, a name, a shape or an offset is an error on load rather than a silently different
 * model. Files without it (written before it existed, or by other tools) load unchecked.
 *
 * Writes are atomic (a temporary file in the same directory, then rename), so a crash
 * never leaves a half-written file under the real name.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import * as ad from '../../autodiff/index.ts';
import { writeFileAtomic } from '../report/atomic.ts';

const fileDtypes = { float32: 'F32', float64: 'F64' } as const;
const bytesPerElement = { F32: 4, F64: 8 } as const;
type FileDtype = keyof typeof bytesPerElement;

interface HeaderEntry {
  dtype: FileDtype;
  shape: number[];
  data_offsets: [number, number];
}

function requireLittleEndian(caller: string): void {
  if (endianness() !== 'LE')
    throw new Error(`${caller}: state files store little-endian bytes; this host is big-endian`);
}

function rawBytes(data: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The checksum stored as "sha256": SHA-256 of the sorted tensor index, then the data section's chunks in order. */
function stateChecksum(entries: ReadonlyMap<string, HeaderEntry>, data: readonly Uint8Array[]): string {
  const index = [...entries]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, { dtype, shape, data_offsets: offsets }]) => [name, dtype, shape, offsets]);
  const hash = createHash('sha256').update(JSON.stringify(index));
  for (const chunk of data) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * Writes named tensors to `path` atomically (safetensors layout, see the file comment).
 * @example writeStateFile('/tmp/model.safetensors', new Map([['weight', ad.ones([2, 2])]]))
 */
export function writeStateFile(path: string, tensors: ReadonlyMap<string, ad.Tensor>): void {
  requireLittleEndian('writeStateFile');
  const entries = new Map<string, HeaderEntry>();
  let offset = 0;
  for (const [name, tensor] of tensors) {
    if (name === '__metadata__')
      throw new Error(`writeStateFile: '__metadata__' is reserved and cannot name a tensor (${path})`);
    entries.set(name, {
      dtype: fileDtypes[tensor.dtype],
      shape: [...tensor.shape],
      data_offsets: [offset, offset + tensor.data.byteLength],
    });
    offset += tensor.data.byteLength;
  }
  const data = [...tensors.values()].map((tensor) => rawBytes(tensor.data));
  const header = {
    __metadata__: { format: 'theorygrad', sha256: stateChecksum(entries, data) },
    ...Object.fromEntries(entries),
  };
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(Buffer.byteLength(json)), true);

  writeFileAtomic(path, Buffer.concat([prefix, Buffer.from(json, 'utf8'), ...data]));
}

/** An error naming the reader and the file. */
function fileError(path: string, message: string): Error {
  return new Error(`readStateFile: ${path}: ${message}`);
}

function parseHeader(
  path: string,
  bytes: Uint8Array,
): { entries: Map<string, HeaderEntry>; checksum: string | undefined; dataStart: number } {
  if (bytes.byteLength < 8)
    throw fileError(path, `truncated: ${bytes.byteLength} bytes, but the header length alone takes 8`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength)
    throw fileError(path, `truncated: the header claims ${headerLength} bytes but only ${bytes.byteLength - 8} follow`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw fileError(path, `the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw fileError(path, 'the header must be a JSON object');
  const metadata: unknown = (header as Record<string, unknown>).__metadata__ ?? {};
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    !Object.values(metadata).every((value) => typeof value === 'string')
  ) {
    throw fileError(path, `__metadata__ must map names to strings, got ${JSON.stringify(metadata)}`);
  }
  const checksum = (metadata as Record<string, string>).sha256;
  if (checksum !== undefined && !/^[0-9a-f]{64}$/.test(checksum)) {
    throw fileError(path, `__metadata__.sha256 is ${JSON.stringify(checksum)}, not 64 hex digits`);
  }
  const entries = new Map<string, HeaderEntry>();
  for (const [name, entry] of Object.entries(header as Record<string, HeaderEntry>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = entry ?? ({} as HeaderEntry);
    const where = `tensor '${name}'`;
    if (!Object.hasOwn(bytesPerElement, dtype))
      throw fileError(path, `${where} has dtype ${JSON.stringify(dtype)}; expected F32 or F64`);
    if (!Array.isArray(shape) || !shape.every((extent) => Number.isInteger(extent) && extent >= 0)) {
      throw fileError(path, `${where} has an invalid shape ${JSON.stringify(shape)}`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((offset) => Number.isInteger(offset) && offset >= 0)
    ) {
      throw fileError(path, `${where} has invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const expected = shape.reduce((size, extent) => size * extent, 1) * bytesPerElement[dtype];
    if (offsets[1] - offsets[0] !== expected) {
      throw fileError(
        path,
        `${where} ${dtype} [${shape.join(',')}] needs ${expected} bytes but data_offsets [${offsets.join(', ')}] span ${offsets[1] - offsets[0]}`,
      );
    }
    entries.set(name, entry);
  }
  return { entries, checksum, dataStart: 8 + headerLength };
}

/** Checks that the tensors' byte ranges tile the data section [0, dataLength) exactly, in some order. */
function checkCoverage(path: string, entries: ReadonlyMap<string, HeaderEntry>, dataLength: number): void {
  const ranges = [...entries].sort(
    ([, a], [, b]) => a.data_offsets[0] - b.data_offsets[0] || a.data_offsets[1] - b.data_offsets[1],
  );
  let covered = 0;
  for (const [
    name,
    {
      data_offsets: [begin, end],
    },
  ] of ranges) {
    if (begin !== covered) {
      const problem = begin < covered ? 'overlap the previous tensor' : `leave a gap after byte ${covered}`;
      throw fileError(path, `tensor '${name}' data_offsets [${begin}, ${end}) ${problem}`);
    }
    covered = end;
  }
  if (covered !== dataLength) {
    throw fileError(
      path,
      `${dataLength - covered} bytes after the last tensor (the data section has ${dataLength}, the tensors cover ${covered})`,
    );
  }
}

/**
 * Reads the named tensors of a state file, checking the header, that every tensor's
 * bytes are present (a truncated file is an error naming the file and the tensor), that
 * they tile the data section, and the "sha256" checksum where the file has one.
 * @example const state = readStateFile('/tmp/model.safetensors'); state.get('weight')
 */
export function readStateFile(path: string): Map<string, ad.Tensor> {
  requireLittleEndian('readStateFile');
  const bytes = readFileSync(path);
  const { entries, checksum, dataStart } = parseHeader(path, bytes);
  const dataLength = bytes.byteLength - dataStart;
  for (const [
    name,
    {
      data_offsets: [begin, end],
    },
  ] of entries) {
    if (end > dataLength) {
      throw fileError(
        path,
        `truncated: tensor '${name}' needs data bytes [${begin}, ${end}) but the data section has ${dataLength}`,
      );
    }
  }
  checkCoverage(path, entries, dataLength);
  if (checksum !== undefined) {
    const actual = stateChecksum(entries, [bytes.subarray(dataStart)]);
    if (actual !== checksum) {
      throw fileError(
        path,
        `checksum mismatch: the header records sha256 ${checksum} but the tensors hash to ${actual}; ` +
          'the file is corrupt (save the model again or restore a copy)',
      );
    }
  }
  const tensors = new Map<string, ad.Tensor>();
  for (const [
    name,
    {
      dtype,
      shape,
      data_offsets: [begin, end],
    },
  ] of entries) {
    const copy = bytes.buffer.slice(bytes.byteOffset + dataStart + begin, bytes.byteOffset + dataStart + end);
    const values = dtype === 'F32' ? new Float32Array(copy) : new Float64Array(copy);
    tensors.set(name, ad.tensor(values, { shape, dtype: dtype === 'F32' ? 'float32' : 'float64' }));
  }
  return tensors;
}
