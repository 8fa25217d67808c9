/**
 * A paper's `--quick` run on cpu and on gpujs, and the comparison of their claims tables
 * (issue #25): the same claims in the same order, the same verdicts, and every number of the
 * "ours" column (and of the claim's own text, which some papers fill with measured counts)
 * within the float32 tolerance the paper's spec states (papers.ts), with its reason. Claims
 * whose figure is float32 rounding itself (it differs by backend by construction) are compared
 * by verdict only, and claims that need float64 arithmetic on gpujs are skipped there, each
 * with its reason; the runs' float64 parts go to cpu through `onCpu`, so they agree exactly.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DatasetName } from '../../src/data/index.ts';

/** One row of a results.json claims table. */
export interface ClaimRow {
  claim: string;
  paper: unknown;
  ours: unknown;
  holds: boolean | string;
}

/** What a backend run left: its results.json's backend line and claims, its stdout, and its seconds. */
export interface BackendRun {
  backend: string;
  claims: ClaimRow[];
  stdout: string;
  seconds: number;
}

/** A paper's tolerances for the cpu/gpujs comparison. */
export interface AgreementSpec {
  slug: string;
  /** Flags after `--quick` (e.g. a smaller size where the quick run is still slow on gpujs). */
  flags?: readonly string[];
  /** Datasets without which the paper cannot run at all (the suite is then skipped, or fails under THEORYGRAD_REQUIRE_DATA=1). */
  needs?: readonly DatasetName[];
  /** Whether the paper takes `--cache DIR`: each run then gets an empty one, so both compute their kernels. */
  freshCache?: boolean;
  /** |cpu − gpujs| ≤ absolute + relative·max(|cpu|, |gpujs|) for every number, and why these values. */
  tolerance: { relative: number; absolute: number; reason: string };
  /** Claims (by a pattern of their text) compared by verdict only, and why their numbers may differ. */
  verdictOnly?: readonly { claim: RegExp; reason: string }[];
  /** Claims whose verdict needs float64 where gpujs computes them: skipped under gpujs, and why. */
  cpuOnly?: readonly { claim: RegExp; reason: string }[];
  /** The float64 parts the paper runs on cpu through `onCpu`, as its gpujs backend line names them. */
  float64Parts?: readonly string[];
  /** Whether the whole paper declares float64 (`runPaper({ float64 })`): then gpujs runs it on cpu, saying so. */
  float64Throughout?: boolean;
}

const run = promisify(execFile);

/**
 * Runs `npx tsx papers/<slug>.ts --quick --quiet …` with THEORYGRAD_BACKEND=`backend` into a temporary folder
 * (and, with `freshCache`, an empty kernel cache beside it).
 * @example const cpu = await quickRun('exp-lr', 'cpu')
 */
export async function quickRun(
  slug: string,
  backend: 'cpu' | 'gpujs',
  { flags = [], freshCache = false }: Pick<AgreementSpec, 'flags' | 'freshCache'> = {},
): Promise<BackendRun> {
  const directory = mkdtempSync(join(tmpdir(), `theorygrad-${slug}-${backend}-`));
  const [out, cache] = [join(directory, 'run'), join(directory, 'cache')];
  const cacheFlags = freshCache ? ['--cache', cache] : [];
  try {
    const start = performance.now();
    const { stdout } = await run(
      'npx',
      ['tsx', `papers/${slug}.ts`, '--quick', '--quiet', '--out', out, ...cacheFlags, ...flags],
      {
        encoding: 'utf8',
        env: { ...process.env, THEORYGRAD_BACKEND: backend },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const seconds = (performance.now() - start) / 1000;
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    return { backend: results.backend, claims: results.claims, stdout, seconds };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** A number as the tables print it: a sign (- or −), thousands separators, decimals, an exponent. */
const NUMBER = /[-−]?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+−]?\d+)?/gi;

/**
 * The numbers in a cell, in order, each with one unit in its last printed digit ("3: 10.0 ± 6.9"
 * → 3 (1), 10 (0.1), 6.9 (0.1)); a number cell is itself, with unit 0 (results.json keeps every digit).
 */
export function numbersOf(cell: unknown): { value: number; unit: number }[] {
  if (typeof cell === 'number') return [{ value: cell, unit: 0 }];
  if (typeof cell !== 'string') return [];
  return [...cell.matchAll(NUMBER)].map((match) => {
    const text = match[0].replace(/−/g, '-').replace(/,(?=\d{3})/g, '');
    const [mantissa, exponent = '0'] = text.toLowerCase().split('e');
    const decimals = mantissa.split('.')[1]?.length ?? 0;
    return { value: Number(text), unit: 10 ** (Number(exponent) - decimals) };
  });
}

/** The text of a cell with its numbers replaced by '#', for comparing the words around them. */
const wordsOf = (cell: unknown): string => (typeof cell === 'string' ? cell.replace(NUMBER, '#') : typeof cell);

/**
 * Every disagreement between the cpu and the gpujs claims tables under `spec`, one line each
 * (empty when they agree); claims that `spec.cpuOnly` names are left out, and `skipped` says which and why.
 * @example disagreements(cpu.claims, gpujs.claims, spec).lines // []
 */
export function disagreements(
  cpu: readonly ClaimRow[],
  gpujs: readonly ClaimRow[],
  spec: Pick<AgreementSpec, 'tolerance' | 'verdictOnly' | 'cpuOnly'>,
): { lines: string[]; skipped: string[] } {
  const lines: string[] = [];
  const skipped: string[] = [];
  if (cpu.length !== gpujs.length) lines.push(`${cpu.length} claims on cpu, ${gpujs.length} on gpujs`);
  const { relative, absolute } = spec.tolerance;
  // A printed number may also move by one unit of its last digit: any difference, however small, can cross a rounding boundary.
  const close = (a: number, b: number, unit: number) =>
    Math.abs(a - b) <= absolute + relative * Math.max(Math.abs(a), Math.abs(b)) + unit * (1 + 1e-9);
  for (let i = 0; i < Math.min(cpu.length, gpujs.length); i++) {
    const [mine, theirs] = [cpu[i], gpujs[i]];
    const name = `claim ${i + 1} (${mine.claim.slice(0, 80)})`;
    const cpuOnly = spec.cpuOnly?.find(({ claim }) => claim.test(mine.claim));
    if (cpuOnly) {
      skipped.push(`${name}: cpu only (${cpuOnly.reason})`);
      continue;
    }
    if (wordsOf(mine.claim) !== wordsOf(theirs.claim)) lines.push(`${name}: gpujs has another claim, ${theirs.claim}`);
    if (mine.holds !== theirs.holds) lines.push(`${name}: holds ${mine.holds} on cpu, ${theirs.holds} on gpujs`);
    if (spec.verdictOnly?.some(({ claim }) => claim.test(mine.claim))) continue;
    for (const part of ['claim', 'ours'] as const) {
      const [a, b] = [numbersOf(mine[part]), numbersOf(theirs[part])];
      if (a.length !== b.length || wordsOf(mine[part]) !== wordsOf(theirs[part])) {
        lines.push(
          `${name}: ${part} reads ${JSON.stringify(mine[part])} on cpu, ${JSON.stringify(theirs[part])} on gpujs`,
        );
        continue;
      }
      a.forEach(({ value, unit }, k) => {
        if (!close(value, b[k].value, Math.max(unit, b[k].unit)))
          lines.push(
            `${name}: ${part} number ${k + 1} is ${value} on cpu, ${b[k].value} on gpujs (beyond ${absolute} + ${relative}·max + one printed digit)`,
          );
      });
    }
  }
  return { lines, skipped };
}
