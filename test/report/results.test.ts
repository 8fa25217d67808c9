import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultResultsRoot,
  folderWriter,
  resultsDirectory,
  resultsJson,
  summaryMarkdown,
} from '../../src/report/results.ts';
import { writeFileAtomic } from '../../src/report/atomic.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-results-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('creates folders, replaces the contents and leaves no temporary file', () => {
    const path = join(root, 'a', 'b', 'file.txt');
    writeFileAtomic(path, 'first version, longer than the second\n');
    writeFileAtomic(path, 'second\n');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['file.txt']);
  });

  it('writes bytes as given', () => {
    const path = join(root, 'bytes.bin');
    writeFileAtomic(path, Uint8Array.of(0, 255, 10));
    expect([...readFileSync(path)]).toEqual([0, 255, 10]);
  });

  it('cleans up and names the path when the rename fails', () => {
    const target = join(root, 'taken');
    // a non-empty directory cannot be replaced by a file
    writeFileAtomic(join(target, 'inside.txt'), 'x');
    expect(() => writeFileAtomic(target, 'y')).toThrow(`writeFileAtomic: could not write ${target}`);
    expect(readdirSync(root)).toEqual(['taken']);
  });
});

describe('resultsDirectory', () => {
  it('puts default runs in <root>/<slug> and quick runs in <root>/quick/<slug>', () => {
    expect(resultsDirectory({ slug: 'exp-lr', root })).toBe(join(root, 'exp-lr'));
    expect(resultsDirectory({ slug: 'exp-lr', quick: true, root })).toBe(join(root, 'quick', 'exp-lr'));
  });

  it('lets --out replace the folder and defaults to the repository results/', () => {
    expect(resultsDirectory({ slug: 'exp-lr', quick: true, out: join(root, 'elsewhere') })).toBe(
      join(root, 'elsewhere'),
    );
    expect(resultsDirectory({ slug: 'exp-lr' })).toBe(join(defaultResultsRoot, 'exp-lr'));
    expect(defaultResultsRoot).toBe(fileURLToPath(new URL('../../results', import.meta.url)));
  });

  it('rejects slugs that are not plain names', () => {
    for (const slug of ['', 'Exp', '../x', 'a/b', 'quick', 'a--b', '-a']) {
      expect(() => resultsDirectory({ slug, root }), slug).toThrow(/^resultsDirectory: slug/);
    }
  });
});

describe('folderWriter', () => {
  it("writes a quick run's files under results/quick/<slug>/ and nothing under results/<slug>/", () => {
    const results = folderWriter(resultsDirectory({ slug: 'fine-grained', quick: true, root }));
    const json = results.writeJson({ accuracy: 0.9 });
    const summary = results.writeSummary('# Fine-grained');
    const figure = results.writeFigure('loss.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const directory = join(root, 'quick', 'fine-grained');
    expect([json, summary, figure]).toEqual(
      ['results.json', 'summary.md', 'loss.svg'].map((name) => join(directory, name)),
    );
    expect(readdirSync(directory).sort()).toEqual(['loss.svg', 'results.json', 'summary.md']);
    expect(readdirSync(root)).toEqual(['quick']);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual({ accuracy: 0.9 });
    expect(readFileSync(summary, 'utf8')).toBe('# Fine-grained\n');
  });

  it('refuses file names that leave the folder and figures that are not SVG', () => {
    const results = folderWriter(resultsDirectory({ slug: 'exp-lr', root }));
    expect(() => results.writeFile('../escape.txt', 'x')).toThrow(/^folderWriter: file name/);
    expect(() => results.writeFile('.hidden', 'x')).toThrow(/^folderWriter: file name/);
    expect(() => results.writeFigure('loss.png', 'x')).toThrow(/^folderWriter.writeFigure: name must end in .svg/);
  });
});

describe('resultsJson', () => {
  it('writes typed arrays as arrays and non-finite numbers as strings', () => {
    const text = resultsJson({ loss: Float64Array.of(1, Number.NaN), bound: Infinity, steps: Int32Array.of(3) });
    expect(JSON.parse(text)).toEqual({ loss: [1, 'NaN'], bound: 'Infinity', steps: [3] });
    expect(text.endsWith('}\n')).toBe(true);
  });
});

describe('summaryMarkdown', () => {
  it('has the title, the run, the claims table and the figures', () => {
    const markdown = summaryMarkdown({
      title: 'Exponential learning rates',
      flags: { quick: true, seed: 2 },
      description: 'A BN network on MNIST.',
      claims: [{ claim: 'twins agree', paper: 'exact', ours: 1e-12, holds: true }],
      figures: [{ file: 'twins.svg', caption: 'Loss of both runs' }],
      sections: [{ heading: 'Notes', body: 'None.' }],
    });
    expect(markdown).toContain(
      '# Exponential learning rates\n\nRun: quick (`--quick`), seed 2.\n\nA BN network on MNIST.\n\n## Claims\n\n| claim',
    );
    expect(markdown).toContain('| twins agree | exact          | 1.000e-12 | yes    |');
    expect(markdown).toContain('![Loss of both runs](twins.svg)\n\n**Figure 1.** Loss of both runs');
    expect(markdown.endsWith('## Notes\n\nNone.\n')).toBe(true);
  });
});
