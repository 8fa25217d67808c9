/**
 * Fetching one file over HTTP(S) into the data directory, safely: the bytes go to
 * `<file>.part`, a second attempt resumes it with a Range request, and only a file whose
 * size and SHA-256 match the table is renamed into place. A dropped connection keeps the
 * part (run again to resume); a short or corrupt file is deleted, and every error names the
 * file and what was expected.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname } from 'node:path';
import { makeFolders } from '../../report/index.ts';

/**
 * The SHA-256 (hex) of a file, streamed.
 * @example await sha256File('data/ag_news/test.csv'); // '…'
 */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** What a download must be, and whom to tell of its progress. */
export interface DownloadOptions {
  /** The exact size, where known. */
  bytes?: number;
  sha256?: string;
  /** Called with the bytes received so far and the total (when the server says). */
  onProgress?(received: number, total: number | undefined): void;
}

function request(url: string, headers: Record<string, string>, redirects = 5): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const outgoing = get(url, { headers }, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location !== undefined) {
        response.resume();
        if (redirects === 0) return reject(new Error(`too many redirects at ${url}`));
        return resolve(request(new URL(response.headers.location, url).href, headers, redirects - 1));
      }
      resolve(response);
    });
    outgoing.on('error', reject);
  });
}

/**
 * Downloads `url` to `destination` (see the module comment); resolves once the file is in place.
 * @example await download('http://127.0.0.1:8080/a.bin', '/tmp/data/a.bin', { bytes: 1000, sha256: '…' });
 */
export async function download(url: string, destination: string, options: DownloadOptions = {}): Promise<void> {
  const part = `${destination}.part`;
  makeFolders(dirname(destination));
  let offset = existsSync(part) ? statSync(part).size : 0;
  if (options.bytes !== undefined && offset > options.bytes) {
    rmSync(part);
    offset = 0;
  }
  const complete = options.bytes !== undefined && offset === options.bytes;
  if (!complete) {
    let response: IncomingMessage;
    try {
      response = await request(url, offset > 0 ? { Range: `bytes=${offset}-` } : {});
    } catch (error) {
      throw new Error(`${destination}: cannot reach ${url}: ${(error as Error).message}`);
    }
    const status = response.statusCode ?? 0;
    // 206 continues the part; 200 is the whole file (a server that ignores Range), so start over.
    if (status !== 200 && status !== 206) {
      response.resume();
      throw new Error(`${destination}: HTTP ${status} from ${url}`);
    }
    const start = status === 206 ? Number(/^bytes (\d+)-/.exec(response.headers['content-range'] ?? '')?.[1]) : 0;
    if (status === 206 && start !== offset) {
      response.resume();
      throw new Error(`${destination}: asked ${url} for bytes from ${offset}, got ${String(start)}`);
    }
    const length = Number(response.headers['content-length']);
    const total = Number.isFinite(length) ? start + length : undefined;
    if (total !== undefined && options.bytes !== undefined && total !== options.bytes) {
      response.resume();
      throw new Error(`${destination}: ${url} serves ${total} bytes, expected ${options.bytes}`);
    }
    await new Promise<void>((resolve, reject) => {
      const output = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
      let received = start;
      const fail = (why: string): void => {
        output.end(() =>
          reject(new Error(`${destination}: ${why} after ${received} of ${total ?? '?'} bytes; run again to resume`)),
        );
      };
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        output.write(chunk);
        options.onProgress?.(received, total);
      });
      response.on('error', () => fail('the connection dropped'));
      response.on('aborted', () => fail('the connection dropped'));
      response.on('end', () => {
        if (!response.complete || (total !== undefined && received < total)) return fail('the connection dropped');
        output.end(() => resolve());
      });
    });
  }
  const size = statSync(part).size;
  if (options.bytes !== undefined && size !== options.bytes) {
    rmSync(part);
    throw new Error(`${destination}: ${size} bytes, expected ${options.bytes}: the file is truncated (deleted)`);
  }
  if (options.sha256 !== undefined) {
    const actual = await sha256File(part);
    if (actual !== options.sha256) {
      rmSync(part);
      throw new Error(`${destination}: SHA-256 ${actual}, expected ${options.sha256}: the file is corrupt (deleted)`);
    }
  }
  renameSync(part, destination);
}
