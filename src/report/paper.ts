/**
 * The paper harness: what every `papers/<slug>.ts` shares, so that the script itself reads
 * as the paper's experiment. `runPaper` parses the flags (`--quick`, `--seed`, `--out`,
 * `--quiet`, `--help`, and the paper's own), checks the output folder before computing,
 * prints the backend line, times the run, writes the figures, `results.json` (one envelope
 * for every paper: paper, slug, backend, quick, seed, seconds, versions (the package, Node,
 * and the paper's code version, see code-version.ts), flags, configuration, claims, the
 * datasets it looked for and found, then the paper's own results) and `summary.md`, prints
 * the claims table and the results line, and runs the script when it is the one Node was
 * started with.
 */
import { readFileSync } from 'node:fs';
import { backendByName, currentBackend, withBackend, withBackendAsync } from '../../autodiff/index.ts';
import { datasetPath, hasDataset, type DatasetName } from '../data/index.ts';
import { moduleCodeVersion } from './code-version.ts';
import { isMainModule, parseFlags, runCommand, UsageError, type FlagSpecs, type FlagValues } from './cli.ts';
import { folderWriter, resultsDirectory, resultsJson, summaryMarkdown } from './results.ts';
import { openRunFolder, type RunFolder } from './run-folder.ts';
import { claimsTable, formatTable, type Claim, type TableData } from './table.ts';

/** The flags every paper accepts. The seed is a 31-bit integer: the generators keep 32 bits, and papers add small offsets. */
export const paperFlags = {
  quick: { kind: 'boolean', description: 'a seconds-long run at small sizes, written under results/quick/<slug>/' },
  seed: { kind: 'integer', description: 'the seed of every random draw', default: 0, minimum: 0, maximum: 2 ** 31 - 1 },
  out: {
    kind: 'string',
    description: "write the results to DIR instead (a new or empty folder, or an earlier run's)",
    valueName: 'DIR',
  },
  quiet: { kind: 'boolean', description: 'no progress bars' },
} as const satisfies FlagSpecs;

/** A figure of the run: its file name (.svg), caption, and the SVG text. */
export interface PaperFigure {
  name: string;
  caption: string;
  svg: string;
}

/** What a paper's experiment returns to the harness. */
export interface PaperOutput {
  claims: Claim[];
  figures: PaperFigure[];
  /** What results.json holds after the envelope and the claims. */
  results: Record<string, unknown>;
  /** summary.md's text after the title and the run line (papers/<slug>/text.ts). */
  summary: { description?: string; sections?: readonly { heading: string; body: string }[] };
  /** Tables printed before the claims table, e.g. an accuracy table. */
  tables?: TableData[];
}

/** What the experiment is given. */
export interface PaperContext<Config, Flags extends FlagSpecs> {
  config: Config;
  /** The parsed flags, the paper's own included. */
  flags: FlagValues<typeof paperFlags & Flags>;
  seed: number;
  quick: boolean;
  quiet: boolean;
  /** The backend line, e.g. "cpu (float32/float64, 2 threads)". */
  backend: string;
  /** Seconds since the experiment started. */
  elapsedSeconds(): number;
  /** Whether a dataset is there; when not, prints that `part` is skipped and how to get it. */
  hasDataset(name: DatasetName, part: string): boolean;
  /**
   * Runs `part` (a phrase such as "the kernel solve") on the cpu backend, for work that needs
   * float64 (gpu.js has float32 only), and names it in results.json's backend line when the
   * chosen backend is another.
   */
  onCpu<T>(part: string, fn: () => T): T;
}

/** A paper: who wrote it, how long it runs, its sizes, its own flags and its experiment. */
export interface PaperDefinition<Config, Flags extends FlagSpecs, Output extends PaperOutput> {
  /** Lowercase words joined by dashes; the results go to results/<slug>/. */
  slug: string;
  /** The title line of summary.md. */
  title: string;
  /** Authors, title, venue and arXiv id (results.json's "paper"). */
  citation: string;
  /** The default run's duration on a 2-core machine, for --help, e.g. "about 4 minutes". */
  runTime: string;
  /** The sizes of a default and a `--quick` run (papers/<slug>/config.ts). */
  configuration(quick: boolean): Config;
  flags?: Flags;
  /**
   * Why the whole paper needs float64, if it does (e.g. "eigenvalues of H∞ near 1e-4"): it then
   * runs on the cpu backend whichever is chosen, and says so in one line at start-up.
   */
  float64?: string;
  run(context: PaperContext<Config, Flags>): Output | Promise<Output>;
}

/** What a paper's main returns: the experiment's output, where it was written and how long it took. */
export type PaperRun<Output> = Output & { directory: string; seconds: number };

/** The run's folder, opened before any computing; a folder that cannot be used is the user's to fix (exit code 2). */
function openOutput(directory: string): RunFolder {
  try {
    return openRunFolder(directory);
  } catch (error) {
    throw new UsageError(`output folder: ${(error as Error).message.replace(/^openRunFolder: /, '')}`);
  }
}

const packageVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

/**
 * Defines a paper's `main(argv)`, and runs it when `moduleUrl` (the script's
 * `import.meta.url`) is the entry point.
 * @example export const main = runPaper(import.meta.url, { slug: 'demo', title: 'Demo', citation: 'A, B 2019', runTime: 'seconds', configuration: () => ({}), run: () => ({ claims: [], figures: [], results: {}, summary: {} }) });
 */
export function runPaper<
  Config,
  Flags extends FlagSpecs = Record<never, never>,
  Output extends PaperOutput = PaperOutput,
>(
  moduleUrl: string,
  paper: PaperDefinition<Config, Flags, Output>,
): (argv?: readonly string[]) => Promise<PaperRun<Output>> {
  const specs = { ...paperFlags, ...paper.flags } as typeof paperFlags & Flags;
  const usage = {
    program: paper.slug,
    command: `npx tsx papers/${paper.slug}.ts [flags]`,
    about: [
      paper.title,
      paper.citation,
      `Default run: ${paper.runTime} on 2 cores; --quick: seconds. Results: results/${paper.slug}/.`,
    ],
  };
  const main = async (argv: readonly string[] = process.argv.slice(2)): Promise<PaperRun<Output>> => {
    const flags = parseFlags(argv, specs, usage) as FlagValues<typeof paperFlags & Flags>;
    const { quick, seed, quiet } = flags as FlagValues<typeof paperFlags>;
    const config = paper.configuration(quick);
    const folder = openOutput(
      resultsDirectory({ slug: paper.slug, quick, out: (flags as FlagValues<typeof paperFlags>).out }),
    );
    try {
      // Hashed before the run, so an edit made while it runs marks its results stale.
      const code = moduleCodeVersion(moduleUrl);
      const chosen = currentBackend();
      const pinned = paper.float64 !== undefined && chosen.name !== 'cpu';
      const backend = (pinned ? backendByName('cpu') : chosen).describe();
      console.log(`${paper.slug}: backend ${backend}`);
      if (pinned) console.log(`${paper.slug}: float64 throughout (${paper.float64}), so on cpu, not ${chosen.name}`);
      const cpuParts = new Set<string>();
      const start = performance.now();
      // Which datasets the run asked for and found: a later run with more data is not "up to date" (reproduce).
      const datasets: Partial<Record<DatasetName, boolean>> = {};
      const elapsedSeconds = (): number => (performance.now() - start) / 1000;
      const context: PaperContext<Config, Flags> = {
        config,
        flags,
        seed,
        quick,
        quiet,
        backend,
        elapsedSeconds,
        hasDataset: (name, part) => {
          const present = hasDataset(name);
          datasets[name] = present;
          if (!present) {
            const fetch = `fetch it with \`npx theorygrad data ${name}\`, or set THEORYGRAD_DATA`;
            console.log(`${paper.slug}: ${name} not found at ${datasetPath(name)}: ${part} is skipped (${fetch})`);
          }
          return present;
        },
        onCpu: (part, fn) => {
          if (currentBackend().name !== 'cpu') cpuParts.add(part);
          return withBackend('cpu', fn);
        },
      };
      const output = await (pinned
        ? withBackendAsync('cpu', async () => paper.run(context))
        : Promise.resolve(paper.run(context)));
      const seconds = elapsedSeconds();
      const backendLine =
        cpuParts.size === 0 ? backend : `${backend}; float64 parts on cpu: ${[...cpuParts].join(', ')}`;
      const writer = folderWriter(folder.staging);
      for (const figure of output.figures) writer.writeFigure(figure.name, figure.svg);
      const { quick: _quick, seed: _seed, out: _out, quiet: _quiet, ...own } = flags as Record<string, unknown>;
      const versions = { theorygrad: packageVersion, node: process.versions.node, code };
      const envelope = {
        paper: paper.citation,
        slug: paper.slug,
        backend: backendLine,
        quick,
        seed,
        seconds,
        versions,
        flags: own,
        configuration: config,
        claims: output.claims,
        datasets,
      };
      // reproduce and the report read the envelope; a paper's field of the same name would silently replace it.
      const clashes = Object.keys(output.results).filter((key) => Object.hasOwn(envelope, key));
      if (clashes.length > 0) {
        throw new Error(
          `runPaper(${paper.slug}): run() returned results keys ${clashes.map((key) => JSON.stringify(key)).join(', ')} that the results.json envelope already uses (${Object.keys(envelope).join(', ')}); rename them`,
        );
      }
      writer.writeFile('results.json', resultsJson({ ...envelope, ...output.results }));
      writer.writeSummary(
        summaryMarkdown({
          title: paper.title,
          flags: { quick, seed, backend: backendLine },
          claims: output.claims,
          figures: output.figures.map(({ name, caption }) => ({ file: name, caption })),
          ...output.summary,
        }),
      );
      folder.commit();
      for (const table of output.tables ?? []) console.log(formatTable(table));
      console.log(formatTable(claimsTable(output.claims)));
      console.log(`${paper.slug}: ${seconds.toFixed(0)} s; results in ${folder.directory}`);
      return { ...output, directory: folder.directory, seconds };
    } catch (error) {
      folder.abandon();
      throw error;
    }
  };
  // Deferred so that the script's module finishes evaluating before the run starts.
  if (isMainModule(moduleUrl)) setImmediate(() => void runCommand(paper.slug, main));
  return main;
}
