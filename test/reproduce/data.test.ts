/**
 * `theorygrad data` against a local HTTP server on 127.0.0.1 (never the internet): a good
 * file, a wrong checksum, a truncated file and a dropped connection each end as they should,
 * with an error naming the file; a partial download resumes with a Range request; an archive
 * is fetched, unpacked and verified; `--check` verifies what is there.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { data } from '../../src/reproduce/data/index.ts';
import type { DataSource } from '../../src/reproduce/data/sources.ts';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const content = Buffer.from(Array.from({ length: 200_000 }, (_, index) => (index * 7919) % 251));
let root: string;
let server: Server;
let base: string;
const ranges: string[] = [];
let dropNext = false;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-data-'));
  mkdirSync(join(root, 'archive', 'inner', 'set'), { recursive: true });
  writeFileSync(join(root, 'archive', 'inner', 'set', 'values.txt'), 'one\ntwo\n');
  writeFileSync(join(root, 'archive', 'inner', 'set', 'skipped.txt'), 'not wanted\n');
  expect(spawnSync('tar', ['-czf', join(root, 'fixture.tar.gz'), '-C', join(root, 'archive'), 'inner']).status).toBe(0);
  const archive = readFileSync(join(root, 'fixture.tar.gz'));
  server = createServer((request, response) => {
    const path = request.url ?? '';
    if (path === '/archive.tar.gz') return response.end(archive);
    if (path === '/moved.bin') {
      response.writeHead(302, { Location: '/good.bin' });
      return response.end();
    }
    const body = path === '/short.bin' ? content.subarray(0, 1000) : content;
    if (!['/good.bin', '/wrong.bin', '/short.bin', '/flaky.bin'].includes(path)) {
      response.writeHead(404);
      return response.end();
    }
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    if (range !== null) ranges.push(`${path} ${range[0]}`);
    const start = range === null ? 0 : Number(range[1]);
    const headers: Record<string, string | number> = { 'Content-Length': body.length - start };
    if (range !== null) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    response.writeHead(range === null ? 200 : 206, headers);
    if (path === '/flaky.bin' && dropNext) {
      dropNext = false;
      response.write(body.subarray(0, 60_000), () => setTimeout(() => request.socket.destroy(), 20));
      return;
    }
    response.end(path === '/wrong.bin' ? Buffer.from(body).fill(1, 5, 6) : body.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

let printed: string[];
beforeEach(() => {
  printed = [];
  const capture = (...parts: unknown[]) => void printed.push(parts.join(' '));
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
});

const file = (name: string, url = `${base}/${name}`) => ({
  path: `set/${name}`,
  bytes: content.length,
  sha256: sha256(content),
  url,
});
const source = (files: ReturnType<typeof file>[]): DataSource => ({ dataset: 'uci', kind: 'files', files });
const run = (folder: string, sources: DataSource[], ...argv: string[]) =>
  data([...argv, '--data', join(root, folder), '--quiet'], sources);

describe('theorygrad data', () => {
  it('fetches a file (through a redirect), verifies it, and --check then finds it in order', async () => {
    expect(await run('good', [source([file('good.bin'), file('moved.bin')])])).toBe(0);
    expect(readFileSync(join(root, 'good', 'set', 'moved.bin')).equals(content)).toBe(true);
    expect(await run('good', [source([file('good.bin'), file('moved.bin')])], '--check')).toBe(0);
    expect(printed.at(-1)).toMatch(/^uci: present in .*, 2 files, sizes and SHA-256 verified$/);
    writeFileSync(join(root, 'good', 'set', 'good.bin'), Buffer.from(content).fill(9, 0, 1));
    expect(await run('good', [source([file('good.bin')])], '--check')).toBe(1);
    expect(printed.join('\n')).toContain(`${join(root, 'good', 'set', 'good.bin')}: SHA-256 differs`);
  });

  it('refuses a file with a wrong checksum and a truncated file, naming each, and keeps neither', async () => {
    expect(await run('bad', [source([file('wrong.bin'), file('short.bin')])])).toBe(1);
    const messages = printed.join('\n');
    expect(messages).toContain(`${join(root, 'bad', 'set', 'wrong.bin')}: SHA-256`);
    expect(messages).toContain('the file is corrupt (deleted)');
    expect(messages).toContain(`${join(root, 'bad', 'set', 'short.bin')}: ${base}/short.bin serves 1000 bytes`);
    expect(readdirSync(join(root, 'bad', 'set'))).toEqual([]);
  });

  it('keeps the part of a dropped connection and resumes it with a Range request', async () => {
    dropNext = true;
    expect(await run('flaky', [source([file('flaky.bin')])])).toBe(1);
    expect(printed.join('\n')).toMatch(/flaky\.bin: the connection dropped after \d+ of 200000 bytes; run again/);
    const part = join(root, 'flaky', 'set', 'flaky.bin.part');
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(content.length);
    expect(await run('flaky', [source([file('flaky.bin')])])).toBe(0);
    expect(ranges).toContain(`/flaky.bin bytes=${kept}-`);
    expect(readFileSync(join(root, 'flaky', 'set', 'flaky.bin')).equals(content)).toBe(true);
    expect(existsSync(part)).toBe(false);
  });

  it('unpacks an archive, keeping the files the table names, and verifies them', async () => {
    const values = Buffer.from('one\ntwo\n');
    const archive: DataSource = {
      dataset: 'cifar10',
      kind: 'archive',
      url: `${base}/archive.tar.gz`,
      archive: 'fixture.tar.gz',
      files: [{ path: 'kept/values.txt', bytes: values.length, sha256: sha256(values) }],
      target: (member) => (member.endsWith('/values.txt') ? 'kept/values.txt' : undefined),
    };
    expect(await run('unpacked', [archive])).toBe(0);
    expect(readFileSync(join(root, 'unpacked', 'kept', 'values.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(readdirSync(join(root, 'unpacked', 'kept'))).toEqual(['values.txt']);
    expect(readdirSync(join(root, 'unpacked', '.downloads'))).toEqual([]);
  });
});
