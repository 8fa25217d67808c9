/**
 * The report over every paper's results folder: `REPORT.md` (per paper the claims table,
 * verdict counts, run time and links to the figures) and `index.html`, a static gallery of
 * every figure and claims table that opens from disk: one self-contained file, styles
 * inline, no script, well-formed as XML too (void elements closed, so a test can parse it), figures referenced by relative path (`<slug>/<figure>.svg`), so it works
 * with no server and no network. Both are read from the folders alone (results.json and
 * summary.md), so they can be rebuilt at any time, and each is written atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.ts';
import { formatDuration } from './progress.ts';
import { claimsTable, formatCell, markdownTable, type Claim } from './table.ts';

/** A figure of a paper's run, as summary.md lists it. */
export interface GalleryFigure {
  file: string;
  caption: string;
}

/** What the report shows of one paper. */
export interface PaperEntry {
  slug: string;
  /** summary.md's title, else the slug. */
  title: string;
  /** results.json's "paper" (authors, title, venue, arXiv id), when there are results. */
  citation?: string;
  claims: Claim[];
  figures: GalleryFigure[];
  seconds?: number;
  backend?: string;
  quick?: boolean;
  seed?: number;
  /** Why there is nothing, or a word on the last attempt (e.g. "failed: see logs/x.log"). */
  note?: string;
}

/** Verdict counts of a claims table: yes, no, and the rest (partly, n/a, not resolved, …). */
export interface VerdictCounts {
  yes: number;
  no: number;
  other: number;
}

/**
 * Counts the verdicts of `claims`.
 * @example verdictCounts([{ claim: 'a', paper: 1, ours: 1, holds: true }]); // { yes: 1, no: 0, other: 0 }
 */
export function verdictCounts(claims: readonly Claim[]): VerdictCounts {
  const counts = { yes: 0, no: 0, other: 0 };
  for (const { holds } of claims) counts[holds === true ? 'yes' : holds === false ? 'no' : 'other']++;
  return counts;
}

/** Figures as summaryMarkdown writes them: `![caption](file.svg)` on a line of its own. */
const figureLine = /^!\[(.*)\]\(([^()\s]+\.svg)\)$/gm;

/**
 * Reads the report's view of the results folder `directory` of paper `slug`; a missing or
 * unreadable results.json gives an entry with a note saying so, never an error.
 * @example readPaperEntry('results/exp-lr', 'exp-lr').claims.length;
 */
export function readPaperEntry(directory: string, slug: string): PaperEntry {
  const summaryPath = join(directory, 'summary.md');
  const summary = existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8') : '';
  let results: Record<string, unknown>;
  try {
    results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
    if (typeof results !== 'object' || results === null || !Array.isArray(results.claims)) throw new Error('no claims');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { slug, title: slug, claims: [], figures: [], note: missing ? 'no results yet' : 'unreadable results.json' };
  }
  const figures = [...summary.matchAll(figureLine)]
    .map(([, caption, file]) => ({ file, caption }))
    .filter(({ file }) => existsSync(join(directory, file)));
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    slug,
    title: /^# (.+)$/m.exec(summary)?.[1] ?? slug,
    citation: typeof results.paper === 'string' ? results.paper : undefined,
    claims: results.claims as Claim[],
    figures,
    seconds: number(results.seconds),
    backend: typeof results.backend === 'string' ? results.backend : undefined,
    quick: typeof results.quick === 'boolean' ? results.quick : undefined,
    seed: number(results.seed),
  };
}

const runTime = (entry: PaperEntry): string => (entry.seconds === undefined ? '–' : formatDuration(entry.seconds));
const countsText = ({ yes, no, other }: VerdictCounts): string => `${yes} yes, ${no} no, ${other} other`;
const runLine = (entry: PaperEntry): string =>
  [
    entry.quick === undefined ? undefined : entry.quick ? 'quick run' : 'default scale',
    entry.seed === undefined ? undefined : `seed ${entry.seed}`,
    entry.backend === undefined ? undefined : `backend ${entry.backend}`,
    entry.seconds === undefined ? undefined : `run time ${runTime(entry)}`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');

/** Characters that end a Markdown link's text or target. */
const escapeLinkText = (text: string): string => text.replace(/([[\]\\])/g, '\\$1');

/**
 * REPORT.md: an overview table of every paper, then per paper its run line, claims table and figure links.
 * @example reportMarkdown([readPaperEntry('results/exp-lr', 'exp-lr')], 'default scale');
 */
export function reportMarkdown(entries: readonly PaperEntry[], scale: string): string {
  const overview = entries.map((entry) => {
    const counts = verdictCounts(entry.claims);
    const anchor = `#${entry.slug}`;
    return `| [${entry.slug}](${anchor}) | ${entry.claims.length} | ${counts.yes} | ${counts.no} | ${counts.other} | ${runTime(entry)} |`;
  });
  const parts = [
    '# theorygrad: every paper reproduced',
    `Results at ${scale}, one folder per paper; \`npm start\` writes this file and \`index.html\` (the same with the figures shown). Each paper's \`summary.md\` has the full account.`,
    [
      '| paper | claims | yes | no | other | run time |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...overview,
    ].join('\n'),
  ];
  for (const entry of entries) {
    parts.push(`<a id="${entry.slug}"></a>\n\n## ${entry.title}`);
    const facts = [entry.citation, runLine(entry), entry.note].filter((part) => part !== undefined && part !== '');
    if (facts.length > 0) parts.push(facts.join('. ') + '.');
    if (entry.claims.length === 0) continue;
    parts.push(`Verdicts: ${countsText(verdictCounts(entry.claims))}. [summary.md](${entry.slug}/summary.md)`);
    parts.push(markdownTable(claimsTable(entry.claims)));
    if (entry.figures.length > 0)
      parts.push(
        entry.figures
          .map((figure, index) => `${index + 1}. [${escapeLinkText(figure.caption)}](${entry.slug}/${figure.file})`)
          .join('\n'),
      );
  }
  return `${parts.join('\n\n')}\n`;
}

/**
 * Text made safe inside HTML elements and double-quoted attributes.
 * @example escapeHtml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}

const style = `body{font:15px/1.5 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;vertical-align:top}
th{background:#f4f4f4}td.yes{background:#e6f4e6}td.no{background:#fbe4e4}td.other{background:#fff6da}
figure{display:inline-block;width:47%;margin:1em 1%;vertical-align:top}figure img{width:100%;border:1px solid #eee}
figcaption{font-size:13px;color:#444}.note{color:#666}`;

function claimsHtml(claims: readonly Claim[]): string {
  const head = `<tr>${claimsTable(claims)
    .columns.map((column) => `<th>${escapeHtml(column)}</th>`)
    .join('')}</tr>`;
  const rows = claims.map(({ claim, paper, ours, holds }) => {
    const verdict = holds === true ? 'yes' : holds === false ? 'no' : 'other';
    const cells = [claim, paper, ours].map((cell) => `<td>${escapeHtml(formatCell(cell))}</td>`).join('');
    return `<tr>${cells}<td class="${verdict}">${escapeHtml(formatCell(holds))}</td></tr>`;
  });
  return `<table>${head}${rows.join('\n')}</table>`;
}

function paperHtml(entry: PaperEntry): string {
  const parts = [`<section id="${escapeHtml(entry.slug)}">`, `<h2>${escapeHtml(entry.title)}</h2>`];
  const facts = [entry.citation, runLine(entry)].filter((part) => part !== undefined && part !== '');
  if (facts.length > 0) parts.push(`<p>${facts.map((fact) => escapeHtml(fact!)).join('<br/>')}</p>`);
  if (entry.note !== undefined) parts.push(`<p class="note">${escapeHtml(entry.note)}</p>`);
  if (entry.claims.length > 0) {
    const summary = `${escapeHtml(entry.slug)}/summary.md`;
    parts.push(
      `<p>Verdicts: ${countsText(verdictCounts(entry.claims))}. <a href="${summary}">summary.md</a></p>`,
      claimsHtml(entry.claims),
    );
  }
  for (const [index, figure] of entry.figures.entries()) {
    const source = `${escapeHtml(entry.slug)}/${escapeHtml(figure.file)}`;
    parts.push(
      `<figure><a href="${source}"><img src="${source}" alt="${escapeHtml(figure.caption)}" loading="lazy"/></a>` +
        `<figcaption><b>Figure ${index + 1}.</b> ${escapeHtml(figure.caption)}</figcaption></figure>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * index.html: a contents list with verdict counts and run times, then every paper's claims table and figures.
 * @example galleryHtml([readPaperEntry('results/exp-lr', 'exp-lr')], 'default scale');
 */
export function galleryHtml(entries: readonly PaperEntry[], scale: string): string {
  const contents = entries.map((entry) => {
    const counts = entry.claims.length > 0 ? `: ${countsText(verdictCounts(entry.claims))}` : '';
    const time = entry.seconds === undefined ? '' : `, ${runTime(entry)}`;
    const note = entry.note === undefined ? '' : ` (${entry.note})`;
    return `<li><a href="#${escapeHtml(entry.slug)}">${escapeHtml(entry.title)}</a>${escapeHtml(counts + time + note)}</li>`;
  });
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"/><title>theorygrad: every paper reproduced</title>',
    `<meta name="viewport" content="width=device-width, initial-scale=1"/><style>${style}</style></head><body>`,
    '<h1>theorygrad: every paper reproduced</h1>',
    `<p>Results at ${escapeHtml(scale)}. <a href="REPORT.md">REPORT.md</a> holds the same tables in Markdown.</p>`,
    `<ul>${contents.join('\n')}</ul>`,
    ...entries.map(paperHtml),
    '</body></html>',
    '',
  ].join('\n');
}

/**
 * Writes `<root>/REPORT.md` and `<root>/index.html` (each atomically) for the papers `slugs`,
 * whose folders are `<root>/<slug>`; `notes` adds a word per paper (e.g. that its run failed).
 * @example writeReport('results', ['exp-lr', 'fine-grained'], 'default scale');
 */
export function writeReport(
  root: string,
  slugs: readonly string[],
  scale: string,
  notes: ReadonlyMap<string, string> = new Map(),
): PaperEntry[] {
  const entries = slugs.map((slug) => {
    const entry = readPaperEntry(join(root, slug), slug);
    const note = notes.get(slug);
    return note === undefined ? entry : { ...entry, note: [entry.note, note].filter(Boolean).join('; ') };
  });
  writeFileAtomic(join(root, 'REPORT.md'), reportMarkdown(entries, scale));
  writeFileAtomic(join(root, 'index.html'), galleryHtml(entries, scale));
  return entries;
}
