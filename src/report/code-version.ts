/**
 * The code version of a paper, for "is this result up to date?" checks: a SHA-256 over the
 * source files in the paper's module graph (its script and every local .ts it imports,
 * transitively), its summary prose (papers/<slug>/text/*.md) and package-lock.json (the
 * dependencies' versions). A change to another paper, a test or the README leaves it alone;
 * a change to anything the paper runs moves it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (found from this file). */
export const repositoryRoot: string = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Relative specifiers of static imports and re-exports, dynamic imports, and
 * `new URL('./x.ts', import.meta.url)` (how worker scripts are named). A match inside a
 * comment that names no file is ignored by the caller; one that names a file only widens
 * the graph, which errs towards "stale", never towards a wrong "up to date".
 */
const specifierPattern = /(?:\bfrom|\bimport|\bnew URL)\s*\(?\s*['"](\.{1,2}\/[^'"\n]+)['"]/g;

/**
 * The relative import specifiers in a TypeScript source text.
 * @example relativeImports("import { a } from './a.ts';\nexport * from '../b.ts';"); // ['./a.ts', '../b.ts']
 */
export function relativeImports(source: string): string[] {
  return [...source.matchAll(specifierPattern)].map((match) => match[1]);
}

/**
 * The local .ts files reachable from `entry` through relative imports, `entry` included, sorted.
 * @example moduleGraph('papers/exp-lr.ts'); // ['/repo/autodiff/index.ts', …, '/repo/papers/exp-lr.ts', …]
 */
export function moduleGraph(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      if (target.endsWith('.ts') && !seen.has(target) && existsSync(target) && statSync(target).isFile())
        pending.push(target);
    }
  }
  return [...seen].sort();
}

/** The prose templates beside a paper script: `<dir>/<slug>/text/*.md`. */
function textFiles(script: string): string[] {
  const folder = join(dirname(script), basename(script, '.ts'), 'text');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(folder, name))
    .sort();
}

/**
 * The code version of the paper script at `script`: SHA-256 (hex) over each file's path
 * relative to `root` and its bytes, for its module graph, its text/*.md and `root`'s
 * package-lock.json (where there is one).
 * @example codeVersion('papers/deep-matrix-factorization.ts'); // 'sha256:3f1c…'
 */
export function codeVersion(script: string, root: string = repositoryRoot): string {
  const lock = join(root, 'package-lock.json');
  const files = [...moduleGraph(script), ...textFiles(resolve(script)), ...(existsSync(lock) ? [lock] : [])];
  const hash = createHash('sha256');
  for (const file of files) {
    const bytes = readFileSync(file);
    // Path and length first, so that moving bytes from one file to the next changes the hash.
    hash.update(`${relative(root, file).split(sep).join('/')}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The code version of the module at `moduleUrl` (a paper's `import.meta.url`), or null where
 * that is no file on disk (a test's made-up URL): results.json then says so, and no
 * "up to date" check can match it.
 * @example moduleCodeVersion(import.meta.url); // 'sha256:3f1c…'
 */
export function moduleCodeVersion(moduleUrl: string): string | null {
  if (!moduleUrl.startsWith('file:')) return null;
  const script = fileURLToPath(moduleUrl);
  return existsSync(script) ? codeVersion(script) : null;
}
