/**
 * Reading the members of a .tar.gz archive (ustar, with GNU long names), enough for the
 * dataset archives: regular files only, in one pass over the decompressed bytes.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One regular file of an archive. */
export interface TarMember {
  name: string;
  data: Buffer;
}

const text = (block: Buffer, start: number, length: number): string =>
  block
    .subarray(start, start + length)
    .toString('utf8')
    .replace(/\0.*$/s, '');

/**
 * The regular files of the .tar.gz at `path`; throws naming the archive where it is cut short or not a tar.
 * @example tarMembers('data/.downloads/cifar-10-binary.tar.gz').map((member) => member.name);
 */
export function tarMembers(path: string): TarMember[] {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(path));
  } catch (error) {
    throw new Error(`${path}: not a readable .tar.gz: ${(error as Error).message}`);
  }
  const members: TarMember[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= bytes.length;) {
    const header = bytes.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    if (text(header, 257, 5) !== 'ustar') throw new Error(`${path}: not a tar archive (no ustar header at ${offset})`);
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]);
    const start = offset + 512;
    if (start + size > bytes.length) throw new Error(`${path}: cut short inside member ${text(header, 0, 100)}`);
    const data = bytes.subarray(start, start + size);
    const prefix = text(header, 345, 155);
    const name = longName ?? (prefix === '' ? text(header, 0, 100) : `${prefix}/${text(header, 0, 100)}`);
    longName = undefined;
    if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') members.push({ name: name.replace(/^\.\//, ''), data });
    offset = start + Math.ceil(size / 512) * 512;
  }
  return members;
}
