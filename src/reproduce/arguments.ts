/**
 * Subcommands take names as well as flags (`reproduce exp-lr cntk-exact --quick`), while the
 * one parser (src/report/cli.ts) takes flags only: the names are split off first, knowing
 * which flags take a value, and the flags go through parseFlags unchanged.
 */
import { flagName, type FlagSpecs } from '../report/index.ts';

/**
 * `argv` split into the arguments that are names and those that are flags (with their values).
 * @example splitNames(['a', '--jobs', '2', 'b'], { jobs: { kind: 'integer', description: 'jobs' } }); // { names: ['a', 'b'], flags: ['--jobs', '2'] }
 */
export function splitNames(argv: readonly string[], specs: FlagSpecs): { names: string[]; flags: string[] } {
  const takesValue = new Set(
    Object.entries(specs)
      .filter(([, spec]) => spec.kind !== 'boolean')
      .map(([key]) => flagName(key)),
  );
  const names: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (!argument.startsWith('-')) names.push(argument);
    else {
      flags.push(argument);
      if (takesValue.has(argument) && i + 1 < argv.length) flags.push(argv[++i]);
    }
  }
  return { names, flags };
}
