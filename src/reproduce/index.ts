/**
 * The `theorygrad` command (bin/theorygrad.ts): `reproduce` (every paper, resumable, with
 * the HTML report), `data` (fetch and check the datasets), `doctor` (what this machine
 * has and a default reproduction needs) and `kernel` (a kernel matrix as tiles, kernel.ts).
 */
import { HelpRequested, UsageError } from '../report/index.ts';
import { data } from './data/index.ts';
import { doctor } from './doctor.ts';
import { kernel } from './kernel.ts';
import { reproduce } from './reproduce.ts';

const commands: Record<string, { about: string; run(argv: readonly string[]): Promise<number> }> = {
  reproduce: {
    about: 'run every paper (or the ones named) and write results/REPORT.md and index.html',
    run: reproduce,
  },
  data: {
    about: 'fetch the datasets (or the ones named) into the data directory; --check verifies them',
    run: (argv) => data(argv),
  },
  doctor: {
    about: 'what this machine has (Node, backends, threads, data, disk, memory) and what a run needs',
    run: doctor,
  },
  kernel: {
    about: 'a kernel matrix as tiles: plan, tile (shards, job arrays), merge, status; enqueue/worker on BullMQ',
    run: kernel,
  },
};

const usage = (): string =>
  [
    'usage: npx theorygrad <command> [arguments]   (--help after a command for its flags)',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, command]) => `  ${name.padEnd(10)} ${command.about}`),
  ].join('\n');

/**
 * Runs the command named by `argv[0]`; sets the exit code (2 for a usage mistake).
 * @example await theorygrad(['reproduce', '--quick']);
 */
export async function theorygrad(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') throw new HelpRequested(usage());
  const command = commands[name];
  if (command === undefined)
    throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(commands).join(', ')})`);
  process.exitCode = await command.run(rest);
}
