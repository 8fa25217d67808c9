/**
 * The code version of a paper (src/report/code-version.ts): it follows relative imports
 * transitively (cycles included), covers the paper's text/*.md and package-lock.json, and
 * moves when, and only when, a file the paper runs changes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  codeVersion,
  moduleCodeVersion,
  moduleGraph,
  relativeImports,
  repositoryRoot,
} from '../../src/report/code-version.ts';

let root: string;
const write = (path: string, text: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const version = (slug: string): string => codeVersion(join(root, 'papers', `${slug}.ts`), root);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-code-version-'));
  write('package-lock.json', '{"lockfileVersion": 3}\n');
  write('papers/a.ts', "import { x } from '../src/x.ts';\nimport './a/helper.ts';\n// see '../src/gone.ts'\n");
  write('papers/a/helper.ts', "export * from '../../src/y.ts';\n");
  write('src/x.ts', "import { y } from './y.ts';\nexport const x = 1;\n");
  write(
    'src/y.ts',
    "import { x } from './x.ts'; // a cycle\nconst worker = new URL('./worker.ts', import.meta.url);\n",
  );
  write('src/worker.ts', 'export {};\n');
  write('papers/b.ts', "const { z } = await import('../src/z.ts');\n");
  write('src/z.ts', 'export const z = 2;\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('code version', () => {
  it('finds static, side-effect, re-export, dynamic and new URL specifiers, and only relative ones', () => {
    const source = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "import 'node:fs';",
      "export * from './c.ts';",
      "const d = await import('./d.ts');",
      "new URL('./e.ts', import.meta.url);",
      "import { f } from 'vitest';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts', './e.ts']);
  });

  it('walks the module graph transitively through a cycle, ignoring names of files that do not exist', () => {
    const files = moduleGraph(join(root, 'papers/a.ts')).map((file) => relative(root, file));
    expect(files).toEqual(['papers/a.ts', 'papers/a/helper.ts', 'src/worker.ts', 'src/x.ts', 'src/y.ts']);
  });

  it('moves with a file in the graph, its text/*.md or package-lock.json, and not with a file outside it', () => {
    const [a, b] = [version('a'), version('b')];
    expect(a).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(version('a')).toBe(a);
    write('src/z.ts', 'export const z = 3;\n');
    expect(version('a')).toBe(a);
    expect(version('b')).not.toBe(b);
    write('src/worker.ts', 'export const changed = true;\n');
    const afterWorker = version('a');
    expect(afterWorker).not.toBe(a);
    write('papers/a/text/description.md', 'Prose.\n');
    const afterText = version('a');
    expect(afterText).not.toBe(afterWorker);
    write('papers/a/notes.txt', 'not part of the run\n');
    expect(version('a')).toBe(afterText);
    write('package-lock.json', '{"lockfileVersion": 3, "packages": {}}\n');
    expect(version('a')).not.toBe(afterText);
  });

  it('tells bytes moved from one file to the next from the files as they were', () => {
    write('src/x.ts', "import './y.ts';\nAB");
    write('src/y.ts', 'C');
    const before = version('b');
    write('papers/b.ts', "import '../src/x.ts';\n");
    const original = version('b');
    write('src/x.ts', "import './y.ts';\nA");
    write('src/y.ts', 'BC');
    expect(version('b')).not.toBe(original);
    expect(original).not.toBe(before);
  });

  it("is null for a module that is no file on disk, and covers a real paper's library imports", () => {
    expect(moduleCodeVersion('file:///not-a-file-anywhere.ts')).toBeNull();
    const script = join(repositoryRoot, 'papers', 'deep-matrix-factorization.ts');
    expect(moduleCodeVersion(pathToFileURL(script).href)).toBe(codeVersion(script));
    const files = moduleGraph(script).map((file) => relative(repositoryRoot, file));
    expect(files).toContain('autodiff/index.ts');
    expect(files).toContain('src/report/paper.ts');
    expect(files.some((file) => file.startsWith('papers/exp-lr'))).toBe(false);
  });
});
