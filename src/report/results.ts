/**
 * Where and how paper scripts write their results: `results/<slug>/` (committed) holds
 * results.json, summary.md and SVG figures of the default-scale run; `--quick` runs go to
 * `results/quick/<slug>/` (git-ignored), and `--out DIR` writes to DIR instead. Every file
 * is written atomically (writeFileAtomic in atomic.ts: a temporary file in the same folder, then a rename), so a reader
 * or an interrupted run never leaves a half-written file.
 */
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic.ts';
import { claimsTable, markdownTable, type Claim } from './table.ts';

/** The repository's results/ folder (found from this file, so the working directory does not matter). */
export const defaultResultsRoot: string = fileURLToPath(new URL('../../results', import.meta.url));

/**
 * JSON for results.json: two-space indentation, typed arrays as arrays, and NaN and
 * ±Infinity as the strings "NaN", "Infinity", "-Infinity" (JSON has no such numbers, and
 * JSON.stringify would silently write null).
 * @example resultsJson({ loss: Float64Array.of(1, NaN) }); // '{\n  "loss": [\n    1,\n    "NaN"\n  ]\n}\n'
 */
export function resultsJson(value: unknown): string {
  const replacer = (_key: string, item: unknown): unknown => {
    if (typeof item === 'number' && !Number.isFinite(item)) return String(item);
    if (ArrayBuffer.isView(item) && !(item instanceof DataView))
      return Array.from(item as unknown as ArrayLike<number>);
    return item;
  };
  return `${JSON.stringify(value, replacer, 2)}\n`;
}

/** Where a script's results go. */
export interface ResultsOptions {
  /** The paper's slug, e.g. "fine-grained" (lowercase letters, digits and dashes). */
  slug: string;
  quick?: boolean;
  /** A folder that replaces results/<slug>/ (quick or not). */
  out?: string;
  /** The results root (default the repository's results/; tests pass a temporary folder). */
  root?: string;
}

/**
 * The folder a run writes to: `out` if given, else `<root>/quick/<slug>` for quick runs
 * and `<root>/<slug>` otherwise.
 * @example resultsDirectory({ slug: 'exp-lr', quick: true, root: '/tmp/results' }); // '/tmp/results/quick/exp-lr'
 */
export function resultsDirectory(options: ResultsOptions): string {
  const { slug } = options;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug) || slug === 'quick') {
    throw new Error(
      `resultsDirectory: slug must be lowercase words joined by dashes (and not "quick"), got ${JSON.stringify(slug)}`,
    );
  }
  if (options.out !== undefined) return resolve(options.out);
  const root = resolve(options.root ?? defaultResultsRoot);
  return options.quick ? join(root, 'quick', slug) : join(root, slug);
}

/** Writes one run's files; each method returns the path written. */
export interface ResultsWriter {
  readonly directory: string;
  /** results.json (see resultsJson). */
  writeJson(value: unknown): string;
  /** summary.md. */
  writeSummary(markdown: string): string;
  /** A figure; `name` must end in .svg. */
  writeFigure(name: string, svg: string): string;
  /** Any other file of the run, such as a CSV. */
  writeFile(name: string, contents: string | Uint8Array): string;
}

/**
 * A writer for the files of `directory` (the paper harness points it at a run's staging folder).
 * @example folderWriter('/tmp/run').writeSummary('# A run');
 */
export function folderWriter(directory: string): ResultsWriter {
  const writeFile = (name: string, contents: string | Uint8Array): string => {
    if (name === '' || name !== basename(name) || name.startsWith('.')) {
      throw new Error(`folderWriter: file name must be a plain name inside ${directory}, got ${JSON.stringify(name)}`);
    }
    const path = join(directory, name);
    writeFileAtomic(path, contents);
    return path;
  };
  return {
    directory,
    writeJson: (value) => writeFile('results.json', resultsJson(value)),
    writeSummary: (markdown) => writeFile('summary.md', markdown.endsWith('\n') ? markdown : `${markdown}\n`),
    writeFigure: (name, svg) => {
      if (!name.endsWith('.svg'))
        throw new Error(`folderWriter.writeFigure: name must end in .svg, got ${JSON.stringify(name)}`);
      return writeFile(name, svg);
    },
    writeFile,
  };
}

/** The parts of a summary.md. */
export interface SummaryOptions {
  /** The paper, e.g. "Fine-grained analysis of two-layer networks (Arora et al., ICML 2019)". */
  title: string;
  /** What was run and how it differs from the paper, in Markdown. */
  description?: string;
  claims: readonly Claim[];
  /** The run's flags and backend line, stated under the title. */
  flags?: { quick: boolean; seed: number; backend?: string };
  figures?: readonly { file: string; caption: string }[];
  /** Further sections, e.g. per-experiment tables or notes. */
  sections?: readonly { heading: string; body: string }[];
}

/**
 * Composes summary.md: title, run line, description, the claims table, figures, sections.
 * @example summaryMarkdown({ title: 'exp-lr', claims: [{ claim: 'twins agree', paper: 'exact', ours: 1e-12, holds: true }] });
 */
export function summaryMarkdown(options: SummaryOptions): string {
  const parts = [`# ${options.title}`];
  if (options.flags !== undefined)
    parts.push(
      `Run: ${options.flags.quick ? 'quick (`--quick`)' : 'default scale'}, seed ${options.flags.seed}` +
        (options.flags.backend === undefined ? '.' : `; backend ${options.flags.backend}.`),
    );
  if (options.description !== undefined) parts.push(options.description.trim());
  parts.push('## Claims', markdownTable(claimsTable(options.claims)));
  if (options.figures !== undefined && options.figures.length > 0) {
    parts.push(
      '## Figures',
      ...options.figures.map(
        (figure, index) => `![${figure.caption}](${figure.file})\n\n**Figure ${index + 1}.** ${figure.caption}`,
      ),
    );
  }
  for (const section of options.sections ?? []) parts.push(`## ${section.heading}`, section.body.trim());
  return `${parts.join('\n\n')}\n`;
}
