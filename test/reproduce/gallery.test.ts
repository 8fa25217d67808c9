/**
 * The report over the results folders (src/report/gallery.ts): REPORT.md's overview and
 * claims tables, and index.html parsed (well-formed), self-contained (no script, nothing from
 * a network) and with every link and image resolving to a file or an anchor of the page.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeHtml, readPaperEntry, verdictCounts, writeReport } from '../../src/report/gallery.ts';
import { resultsJson, summaryMarkdown, type Claim } from '../../src/report/index.ts';
import { parseXml, type XmlElement } from '../report/xml.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-gallery-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const claims: Claim[] = [
  { claim: 'depth <helps> & "wins"', paper: 'yes', ours: 0.5, holds: true },
  { claim: 'a [bracketed] claim', paper: 1, ours: 2, holds: false },
  { claim: 'inside the noise', paper: 'same', ours: 0.01, holds: 'not resolved' },
];

/** A results folder as the harness writes it: results.json, summary.md and the figures. */
function writePaper(slug: string, figures: { file: string; caption: string }[]): void {
  const folder = join(root, slug);
  mkdirSync(folder, { recursive: true });
  const envelope = { paper: `Someone, ${slug}, 2019`, slug, backend: 'cpu', quick: true, seed: 0, seconds: 75, claims };
  writeFileSync(join(folder, 'results.json'), resultsJson(envelope));
  writeFileSync(join(folder, 'summary.md'), summaryMarkdown({ title: `The ${slug} paper`, claims, figures }));
  for (const { file } of figures) writeFileSync(join(folder, file), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

function elements(node: XmlElement): XmlElement[] {
  return [node, ...node.children.flatMap(elements)];
}

describe('gallery', () => {
  it('counts verdicts and reads a results folder, figures and captions from summary.md', () => {
    expect(verdictCounts(claims)).toEqual({ yes: 1, no: 1, other: 1 });
    writePaper('alpha', [{ file: 'curve.svg', caption: 'A curve [U] (recalled), with (parentheses).' }]);
    const entry = readPaperEntry(join(root, 'alpha'), 'alpha');
    expect(entry.title).toBe('The alpha paper');
    expect(entry.figures).toEqual([{ file: 'curve.svg', caption: 'A curve [U] (recalled), with (parentheses).' }]);
    expect([entry.seconds, entry.quick, entry.citation]).toEqual([75, true, 'Someone, alpha, 2019']);
    expect(readPaperEntry(join(root, 'missing'), 'missing').note).toBe('no results yet');
    mkdirSync(join(root, 'broken'));
    writeFileSync(join(root, 'broken', 'results.json'), '{"claims": [');
    expect(readPaperEntry(join(root, 'broken'), 'broken').note).toBe('unreadable results.json');
  });

  it('writes REPORT.md and an index.html whose every link resolves, with no script and nothing remote', () => {
    writePaper('alpha', [
      { file: 'curve.svg', caption: 'A curve <with> "marks" & [brackets].' },
      { file: 'bars.svg', caption: 'Bars.' },
    ]);
    writePaper('beta', [{ file: 'only.svg', caption: 'The only figure.' }]);
    writeReport(root, ['alpha', 'beta', 'gamma'], 'quick scale', new Map([['beta', 'the last run failed']]));
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const markdown = readFileSync(join(root, 'REPORT.md'), 'utf8');
    expect(markdown).toContain('| [alpha](#alpha) | 3 | 1 | 1 | 1 | 1:15 |');
    expect(markdown).toContain('| [gamma](#gamma) | 0 | 0 | 0 | 0 | – |');
    expect(markdown).toContain('the last run failed');
    expect(markdown).toContain('[A curve <with> "marks" & \\[brackets\\].](alpha/curve.svg)');

    const html = readFileSync(join(root, 'index.html'), 'utf8');
    expect(html.startsWith('<!doctype html>\n')).toBe(true);
    const page = parseXml(html.slice('<!doctype html>\n'.length));
    const all = elements(page);
    expect(all.some((element) => element.name === 'script')).toBe(false);
    const ids = new Set(all.map((element) => element.attributes.id).filter((id) => id !== undefined));
    const links = all.flatMap((element) =>
      ['href', 'src'].map((name) => element.attributes[name]).filter((value) => value !== undefined),
    );
    expect(links.length).toBeGreaterThan(8);
    for (const link of links) {
      expect(link).not.toMatch(/^[a-z]+:|^\/\//i);
      if (link.startsWith('#')) expect(ids.has(link.slice(1)), link).toBe(true);
      else expect(existsSync(join(root, link)), link).toBe(true);
    }
    const images = all.filter((element) => element.name === 'img').map((element) => element.attributes.src);
    expect(images).toEqual(['alpha/curve.svg', 'alpha/bars.svg', 'beta/only.svg']);
    const captions = all.filter((element) => element.name === 'figcaption');
    expect(captions[0].text).toContain('A curve <with> "marks" & [brackets].');
    const cells = all.filter((element) => element.name === 'td' && element.attributes.class !== undefined);
    expect(cells.map((cell) => `${cell.attributes.class}:${cell.text}`).slice(0, 3)).toEqual([
      'yes:yes',
      'no:no',
      'other:not resolved',
    ]);
    expect(html).toContain(escapeHtml('depth <helps> & "wins"'));
  });
});
