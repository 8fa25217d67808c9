/**
 * The one command-line parser (src/report/cli.ts): both spellings agree, every mistake is a
 * UsageError naming the flag, --help lists every flag, and random argv never gets past the
 * parser as anything else (no raw TypeError, no silently accepted value).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flagName, HelpRequested, parseFlags, UsageError, usageText, type FlagSpecs } from '../../src/report/cli.ts';
import { paperFlags } from '../../src/report/paper.ts';

const specs = {
  ...paperFlags,
  matrixSize: { kind: 'integer', description: 'matrix side', default: 100, minimum: 1 },
  rate: { kind: 'number', description: 'step size', default: 0.1 },
  model: { kind: 'string', description: 'model', choices: ['mlp', 'cnn'], default: 'mlp' },
} as const satisfies FlagSpecs;
const usage = { program: 'demo', command: 'npx tsx demo.ts [flags]' };
const parse = (argv: readonly string[]) => parseFlags(argv, specs, usage);

/** The UsageError message of `argv`, failing the test if it parses or throws anything else. */
function usageError(argv: readonly string[]): string {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parsed without error: ${JSON.stringify(argv)}`);
}

describe('parseFlags', () => {
  it('gives the defaults for an empty command line', () => {
    expect(parse([])).toEqual({
      quick: false,
      seed: 0,
      out: undefined,
      quiet: false,
      matrixSize: 100,
      rate: 0.1,
      model: 'mlp',
    });
  });

  it('writes camelCase keys as dashed flags', () => {
    expect(flagName('matrixSize')).toBe('--matrix-size');
    expect(parse(['--matrix-size', '7', '--quick']).matrixSize).toBe(7);
  });

  it('reads --name value and --name=value alike, for every valued flag', () => {
    const valued = fc.oneof(
      fc.record({ key: fc.constant('seed'), text: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String) }),
      fc.record({ key: fc.constant('matrixSize'), text: fc.integer({ min: 1, max: 1e9 }).map(String) }),
      fc.record({ key: fc.constant('rate'), text: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) }),
      fc.record({ key: fc.constant('out'), text: fc.stringMatching(/^[a-z0-9/._]{1,20}$/) }),
      fc.record({ key: fc.constant('model'), text: fc.constantFrom('mlp', 'cnn') }),
    );
    fc.assert(
      fc.property(valued, ({ key, text }) => {
        const name = flagName(key);
        expect(parse([`${name}=${text}`])).toEqual(parse([name, text]));
      }),
    );
  });

  it('rejects unknown flags, listing the known ones', () => {
    expect(usageError(['--seeds', '3'])).toBe(
      'unknown flag --seeds (flags: --quick, --seed, --out, --quiet, --matrix-size, --rate, --model, --help)',
    );
    expect(usageError(['extra'])).toMatch(/^unexpected argument "extra"/);
  });

  it('rejects a missing value, a value that is a flag, a value on a boolean, and a repeated flag', () => {
    expect(usageError(['--seed'])).toBe('--seed needs a value');
    expect(usageError(['--out', '--quick'])).toBe('--out needs a value, got the flag --quick');
    expect(usageError(['--out', '-q'])).toBe('--out needs a value, got the flag -q');
    expect(usageError(['--quick=yes'])).toBe('--quick takes no value, got "--quick=yes"');
    expect(usageError(['--seed', '1', '--seed=2'])).toBe('--seed given twice');
    expect(usageError(['--out='])).toBe('--out needs a non-empty value');
  });

  it('reads only decimal numbers, inside their bounds', () => {
    for (const text of ['0x10', '1e3', '+3', ' 3', '3 ', '', '1.5', 'NaN', 'Infinity', '١٢']) {
      expect(usageError(['--seed', text])).toMatch(/^--seed must be a decimal integer|^--seed needs/);
    }
    for (const text of ['0x1', '1e', 'Infinity', '.', '1..2', '']) {
      expect(usageError([`--rate=${text}`])).toMatch(/^--rate (must be a decimal number|needs a value)/);
    }
    expect(parse(['--rate', '-2.5e-3']).rate).toBe(-2.5e-3);
    expect(usageError(['--matrix-size', '0'])).toBe('--matrix-size must be in 1…∞, got 0');
    expect(usageError(['--model', 'rnn'])).toBe('--model must be one of mlp, cnn, got "rnn"');
  });

  it('takes seeds that the 32-bit generators keep apart, with room for the offsets papers add', () => {
    expect(parse(['--seed', String(2 ** 31 - 1)]).seed).toBe(2 ** 31 - 1);
    // 2^32 would alias seed 0 in SplitMix32's 32-bit state: rejected, not run as a duplicate.
    expect(usageError(['--seed', String(2 ** 32)])).toBe('--seed must be in 0…2147483647, got 4294967296');
    expect(usageError(['--seed', '-1'])).toBe('--seed must be in 0…2147483647, got -1');
  });

  it('throws HelpRequested with every flag and its default on --help or -h, wherever it stands', () => {
    for (const argv of [['--help'], ['-h'], ['--quick', '--help'], ['--bogus', '-h']]) {
      let text = '';
      try {
        parse(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(HelpRequested);
        text = (error as HelpRequested).text;
      }
      expect(text).toBe(usageText(specs, usage));
    }
    const text = usageText(specs, usage);
    for (const name of [
      '--quick',
      '--seed N',
      '--out DIR',
      '--quiet',
      '--matrix-size N',
      '--model mlp|cnn',
      '--help',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toContain('(default 100)');
  });

  it('on random command lines, either parses to values of the declared kinds or throws a UsageError', () => {
    const token = fc.oneof(
      fc.constantFrom('--quick', '--quiet', '--seed', '--out', '--rate', '--model', '--matrix-size', '--', '-', '='),
      fc.constantFrom('--seed=', '--out=x', '--rate=1e-3', '--model=cnn', '3', '-3', 'cnn', '0x10', '1.5'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
        let values: ReturnType<typeof parse>;
        try {
          values = parse(argv);
        } catch (error) {
          if (error instanceof HelpRequested) return;
          expect(error).toBeInstanceOf(UsageError);
          return;
        }
        expect(typeof values.quick).toBe('boolean');
        expect(Number.isSafeInteger(values.seed) && values.seed >= 0 && values.seed < 2 ** 31).toBe(true);
        expect(Number.isFinite(values.rate)).toBe(true);
        expect(['mlp', 'cnn']).toContain(values.model);
        expect(values.out === undefined || (values.out.length > 0 && !/^-{1,2}[a-zA-Z]/.test(values.out))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
