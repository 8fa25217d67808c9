/**
 * The one command-line parser of every script (papers, examples, benchmarks). Flags are
 * declared once, with their kind and a description, which gives `--help` its text. The
 * rules are the same everywhere: `--name value` and `--name=value` mean the same, a boolean
 * flag takes no value, a value may not be another flag, a flag may not be given twice, and
 * anything undeclared is an error. Errors are one line naming the script and the flag, and
 * the script exits with code 2 (as argparse does); `--help` prints the usage and exits 0.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One flag: its kind, a one-line description, its default, and bounds for numbers. */
export interface FlagSpec {
  kind: 'boolean' | 'integer' | 'number' | 'string';
  description: string;
  /** The value when the flag is absent (booleans default to false; others to undefined). */
  default?: number | string;
  minimum?: number;
  maximum?: number;
  /** What the value is called in the usage text, e.g. "DIR" (default "N" for numbers, "VALUE" for strings). */
  valueName?: string;
  /** For strings: the only values allowed. */
  choices?: readonly string[];
}

/** Flags by their camelCase key; `matrixSize` is written `--matrix-size` on the command line. */
export type FlagSpecs = Record<string, FlagSpec>;

/** The parsed value of one flag. */
type FlagValue<S extends FlagSpec> = S['kind'] extends 'boolean'
  ? boolean
  : S['kind'] extends 'string'
    ? S extends { default: string }
      ? string
      : string | undefined
    : S extends { default: number }
      ? number
      : number | undefined;

/** The parsed values of a set of flags. */
export type FlagValues<S extends FlagSpecs> = { [K in keyof S]: FlagValue<S[K]> };

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** Thrown by parseFlags on `--help`/`-h`: the caller prints `text` and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help requested');
  }
}

/** What --help prints besides the flags. */
export interface UsageOptions {
  /** The script's name in messages, e.g. "exp-lr". */
  program: string;
  /** How to run it, e.g. "npx tsx papers/exp-lr.ts [flags]". */
  command: string;
  /** Lines printed above the flags: what the script does, how long it runs. */
  about?: readonly string[];
}

/** `matrixSize` → `--matrix-size`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * The usage text: the command, the about lines, and one line per flag with its default.
 * @example usageText({ seed: { kind: 'integer', description: 'seed', default: 0 } }, { program: 'demo', command: 'npx tsx demo.ts [flags]' })
 */
export function usageText(specs: FlagSpecs, options: UsageOptions): string {
  const rows = Object.entries(specs).map(([key, spec]) => {
    const valueName = spec.valueName ?? (spec.choices?.join('|') || (spec.kind === 'string' ? 'VALUE' : 'N'));
    const value = spec.kind === 'boolean' ? '' : ` ${valueName}`;
    const fallback = spec.default === undefined ? '' : ` (default ${spec.default})`;
    return [`${flagName(key)}${value}`, `${spec.description}${fallback}`];
  });
  rows.push(['--help', 'print this text and exit']);
  const width = Math.max(...rows.map(([left]) => left.length));
  const flags = rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
  return [`usage: ${options.command}`, ...(options.about ?? []), '', 'flags:', ...flags].join('\n');
}

const decimalInteger = /^-?\d+$/;
const decimalNumber = /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const looksLikeFlag = /^-{1,2}[a-zA-Z]/;

/** Reads one flag's value text as its kind, checking the bounds. */
function convert(name: string, spec: FlagSpec, text: string): number | string {
  if (spec.kind === 'string') {
    if (text === '') throw new UsageError(`${name} needs a non-empty value`);
    if (spec.choices !== undefined && !spec.choices.includes(text)) {
      throw new UsageError(`${name} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(text)}`);
    }
    return text;
  }
  const pattern = spec.kind === 'integer' ? decimalInteger : decimalNumber;
  const value = Number(text);
  if (!pattern.test(text) || !Number.isFinite(value) || (spec.kind === 'integer' && !Number.isSafeInteger(value))) {
    throw new UsageError(
      `${name} must be ${spec.kind === 'integer' ? 'a decimal integer' : 'a decimal number'}, got ${JSON.stringify(text)}`,
    );
  }
  if ((spec.minimum !== undefined && value < spec.minimum) || (spec.maximum !== undefined && value > spec.maximum)) {
    throw new UsageError(`${name} must be in ${spec.minimum ?? '-∞'}…${spec.maximum ?? '∞'}, got ${text}`);
  }
  return value;
}

/**
 * Parses `argv` against `specs`: unknown flags, missing values, values that are flags,
 * repeated flags and positional arguments are UsageErrors; `--help` throws HelpRequested.
 * @example parseFlags(['--seed=3'], { seed: { kind: 'integer', description: 'seed', default: 0 } }, { program: 'demo', command: 'demo' }); // { seed: 3 }
 */
export function parseFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: UsageOptions,
): FlagValues<S> {
  const byName = new Map(Object.entries(specs).map(([key, spec]) => [flagName(key), { key, spec }]));
  const values: Record<string, boolean | number | string | undefined> = {};
  for (const [key, spec] of Object.entries(specs)) values[key] = spec.kind === 'boolean' ? false : spec.default;
  // --help wins wherever it stands, even after a mistake, as with argparse.
  if (argv.some((argument) => argument === '--help' || argument === '-h'))
    throw new HelpRequested(usageText(specs, options));
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const equals = argument.startsWith('--') ? argument.indexOf('=') : -1;
    const name = equals > 0 ? argument.slice(0, equals) : argument;
    const entry = byName.get(name);
    if (entry === undefined) {
      const known = [...byName.keys(), '--help'].join(', ');
      throw new UsageError(
        name.startsWith('-')
          ? `unknown flag ${name} (flags: ${known})`
          : `unexpected argument ${JSON.stringify(argument)} (flags: ${known})`,
      );
    }
    if (seen.has(name)) throw new UsageError(`${name} given twice`);
    seen.add(name);
    const { key, spec } = entry;
    if (spec.kind === 'boolean') {
      if (equals > 0) throw new UsageError(`${name} takes no value, got ${JSON.stringify(argument)}`);
      values[key] = true;
      continue;
    }
    const text = equals > 0 ? argument.slice(equals + 1) : argv[++i];
    if (text === undefined) throw new UsageError(`${name} needs a value`);
    if (looksLikeFlag.test(text)) throw new UsageError(`${name} needs a value, got the flag ${text}`);
    values[key] = convert(name, spec, text);
  }
  return values as FlagValues<S>;
}

/**
 * True when the module at `moduleUrl` (pass `import.meta.url`) is the script Node was started with.
 * @example if (isMainModule(import.meta.url)) runCommand('demo', main);
 */
export function isMainModule(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  const resolve = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  return resolve(fileURLToPath(moduleUrl)) === resolve(entry);
}

/**
 * Runs a script's `main(argv)` the way every script ends: `--help` text on stdout with exit
 * code 0, a UsageError as one line `program: message` on stderr with exit code 2, any other
 * error with its stack and exit code 1.
 * @example if (isMainModule(import.meta.url)) runCommand('demo', (argv) => console.log(argv));
 */
export async function runCommand(program: string, main: (argv: readonly string[]) => unknown): Promise<void> {
  try {
    await main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.text);
      process.exitCode = 0;
    } else if (error instanceof UsageError) {
      console.error(`${program}: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  }
}

/**
 * The flags of a script that runs at its top level (an example, a benchmark): parsed as
 * parseFlags does, with `--help` printed and exit code 0, and a mistake printed as one line
 * `program: message` with exit code 2.
 * @example const flags = commandLine({ quick: { kind: 'boolean', description: 'fewer sizes' } }, { program: 'bench', command: 'npx tsx bench/ops.ts [flags]' });
 */
export function commandLine<S extends FlagSpecs>(
  specs: S,
  options: UsageOptions,
  argv: readonly string[] = process.argv.slice(2),
): FlagValues<S> {
  try {
    return parseFlags(argv, specs, options);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.text);
      process.exit(0);
    }
    if (error instanceof UsageError) {
      console.error(`${options.program}: ${error.message}`);
      process.exit(error.exitCode);
    }
    throw error;
  }
}
