/**
 * The papers the reproduce command knows: every `papers/<slug>.ts` (listed, never a fixed
 * list, so a new paper joins by existing), where each one's results go, and whether the
 * results there are up to date: made by the same code (results.json's versions.code, see
 * src/report/code-version.ts), at the same scale and seed, with the paper's own flags at
 * their defaults. Anything else, a missing or unreadable results.json included, is a rerun.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFolders, datasetPath, type DatasetName } from '../data/index.ts';
import { codeVersion, flagName, repositoryRoot } from '../report/index.ts';

/** A paper script: its slug and path. */
export interface PaperScript {
  slug: string;
  script: string;
}

/**
 * The paper scripts under `<root>/papers`, sorted by slug.
 * @example discoverPapers().map((paper) => paper.slug); // ['cntk-exact', 'deep-matrix-factorization', …]
 */
export function discoverPapers(root: string = repositoryRoot): PaperScript[] {
  const folder = join(root, 'papers');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => /^[a-z0-9]+(-[a-z0-9]+)*\.ts$/.test(name))
    .map((name) => ({ slug: name.slice(0, -3), script: join(folder, name) }))
    .sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * The node arguments that run `script` through tsx (its CLI file run by this Node, which
 * is what `npx tsx` does, less npx's start-up).
 */
export function tsxArguments(script: string, argv: readonly string[]): string[] {
  return [fileURLToPath(import.meta.resolve('tsx/cli')), script, ...argv];
}

/**
 * The defaults of a paper's own flags, read from its `--help` (the one usage format of
 * src/report/cli.ts: `  --name VALUE  description (default X)`), by flag name.
 */
export function flagDefaults(script: string): Map<string, string> {
  const help = spawnSync(process.execPath, tsxArguments(script, ['--help']), { encoding: 'utf8' });
  const defaults = new Map<string, string>();
  for (const match of (help.stdout ?? '').matchAll(/^ {2}(--[a-z0-9-]+)\b.*\(default (.+)\)$/gm))
    defaults.set(match[1], match[2]);
  return defaults;
}

/** What a run would be asked for. */
export interface RunRequest {
  quick: boolean;
  seed: number;
}

/**
 * Why the results in `directory` are not those `paper` would make now, or null when they
 * are up to date. `defaults` gives the paper's flag defaults (read only when results.json
 * records flags of its own, since that takes a start of the script).
 * @example staleReason(paper, 'results/exp-lr', { quick: false, seed: 0 }); // 'code changed'
 */
export function staleReason(
  paper: PaperScript,
  directory: string,
  request: RunRequest,
  defaults: (script: string) => Map<string, string> = flagDefaults,
): string | null {
  let results: Record<string, unknown>;
  try {
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
    if (typeof results !== 'object' || results === null || Array.isArray(results)) return 'unreadable results.json';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no results yet' : 'unreadable results.json';
  }
  const versions = results.versions as { code?: unknown } | undefined;
  if (typeof versions?.code !== 'string') return 'results.json has no code version';
  if (versions.code !== codeVersion(paper.script)) return 'code changed';
  if (results.quick !== request.quick) return results.quick === true ? 'results are a quick run' : 'not a quick run';
  if (results.seed !== request.seed) return `seed ${String(results.seed)}, not ${request.seed}`;
  const missing = Object.entries((results.datasets ?? {}) as Record<string, unknown>).find(
    ([name, present]) => present === false && name in datasetFolders && existsSync(datasetPath(name as DatasetName)),
  );
  if (missing !== undefined) return `made without ${missing[0]}, which is there now`;
  const own = results.flags;
  if (typeof own !== 'object' || own === null) return 'results.json has no flags';
  const entries = Object.entries(own);
  if (entries.length === 0) return null;
  const known = defaults(paper.script);
  for (const [key, value] of entries) {
    // A boolean flag's default is always false (cli.ts), and --help prints no default for it.
    if (value === false) continue;
    const name = flagName(key);
    if (known.get(name) !== String(value)) return `made with ${name} ${String(value)}`;
  }
  return null;
}

/**
 * The seconds the last run took (results.json's "seconds", whatever its code version), for
 * the estimate of the time left; undefined when there is none.
 */
export function previousSeconds(directory: string): number | undefined {
  try {
    const seconds = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8')).seconds;
    return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : undefined;
  } catch {
    return undefined;
  }
}
