/**
 * Strict reading of the text formats' cells and files. `Number(text)` is too lenient for
 * data files: it reads "" and " " as 0, "0x10" as 16 and "1.0" as an integer, so a damaged
 * cell would load as a plausible value. These accept only what the releases write.
 */
import { readFileSync } from 'node:fs';

const decimalPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const digitsPattern = /^\d+$/;

/**
 * A finite decimal number ("-1.5", "3", "2.1e-05"), or undefined for anything else
 * (empty, padded, hex, "1e", "Infinity", "NaN", out of the double range).
 * @example [parseDecimal('-0.5e-3'), parseDecimal('0x10'), parseDecimal('')]; // [-0.0005, undefined, undefined]
 */
export function parseDecimal(text: string): number | undefined {
  if (!decimalPattern.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * A non-negative integer written in decimal digits only (no sign: no count, class or index
 * in these formats has one), within [minimum, maximum], or undefined ("1.0", "0x1", " 1",
 * "+1", "" and values out of range are all undefined).
 * @example [parseInteger('7', 0, 9), parseInteger('1.0', 0, 9), parseInteger('12', 0, 9)]; // [7, undefined, undefined]
 */
export function parseInteger(text: string, minimum: number, maximum: number): number | undefined {
  if (!digitsPattern.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= minimum && value <= maximum ? value : undefined;
}

/**
 * A text file's contents, checked to be valid UTF-8 (a flipped byte in a text file
 * usually is not) and to end with a newline (the releases all do, so a file cut short
 * inside its last line is caught). `loader` and the path are quoted in errors.
 * @example readTextFile('data/uci/iris/iris.txt', 'loadUci').split('\n')[0]; // 'n_entradas= 4'
 */
export function readTextFile(path: string, loader: string): string {
  const bytes = readFileSync(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const line = lenient.slice(0, lenient.indexOf('\uFFFD')).split('\n').length;
    throw new Error(
      `${loader}: ${path}: not valid UTF-8 text (first bad byte sequence on line ${line}); the file is corrupt`,
    );
  }
  if (text.length > 0 && !text.endsWith('\n')) {
    const line = text.split('\n').length;
    throw new Error(
      `${loader}: ${path}: line ${line} does not end with a newline; the file looks cut short (truncated download or copy)`,
    );
  }
  return text;
}

/** One line of a text file without its line break (LF or CRLF), and its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * The non-blank lines of `text` with their 1-based line numbers (so errors cite the line a
 * reader finds in an editor even when blank lines were skipped).
 * @example nonBlankLines('a\n\nb\r\n'); // [{ text: 'a', line: 1 }, { text: 'b', line: 3 }]
 */
export function nonBlankLines(text: string): NumberedLine[] {
  const lines: NumberedLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() !== '') lines.push({ text: line, line: index + 1 });
  });
  return lines;
}
