/**
 * Tables for the terminal (aligned columns, numbers right-aligned and rounded to a chosen
 * number of significant digits) and for Markdown (summary.md), and the standard claims
 * table **claim | paper's figure | ours | holds?** printed and written by every paper script.
 */

/** A table cell; booleans print as yes/no, null and undefined as an empty cell. */
export type Cell = string | number | boolean | null | undefined;

/** Column headers and rows of cells. */
export interface TableData {
  columns: readonly string[];
  rows: readonly (readonly Cell[])[];
}

/** Number formatting for a table. */
export interface TableOptions {
  /** Significant digits of non-integer numbers (default 4). */
  precision?: number;
  /** Per-column significant digits, by column header, overriding `precision`. */
  columnPrecision?: Readonly<Record<string, number>>;
}

/** One row of the claims table. */
export interface Claim {
  claim: string;
  /** The paper's figure (a number, or text such as "89%" or "faster"). */
  paper: Cell;
  /** Our measured figure. */
  ours: Cell;
  /** Whether the claim holds here; a string such as "partly" or "n/a" is printed as is. */
  holds: boolean | string;
}

/** Headers of the claims table. */
export const claimColumns: readonly string[] = ['claim', "paper's figure", 'ours', 'holds?'];

/**
 * Formats a number with `precision` significant digits: fixed decimals from 0.001 to 1e9
 * (integers there as they are), exponent notation outside.
 * @example formatNumber(0.123456, 3); // '0.123'
 */
export function formatNumber(value: number, precision = 4): string {
  if (!Number.isInteger(precision) || precision < 1 || precision > 17) {
    throw new Error(`formatNumber: precision must be an integer in 1…17, got ${precision}`);
  }
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < 1e9) return String(value);
  if (magnitude < 1e-3 || magnitude >= 1e9) return value.toExponential(precision - 1);
  const decimals = Math.max(0, precision - 1 - Math.floor(Math.log10(magnitude)));
  return value.toFixed(decimals);
}

/**
 * The text of one cell.
 * @example formatCell(true); // 'yes'
 */
export function formatCell(cell: Cell, precision = 4): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  if (typeof cell === 'number') return formatNumber(cell, precision);
  return cell;
}

/** Cells as text, plus which columns are numeric (every non-empty cell a number). */
function formatCells(
  table: TableData,
  functionName: string,
  options: TableOptions,
): { text: string[][]; numeric: boolean[] } {
  const { columns, rows } = table;
  rows.forEach((row, index) => {
    if (row.length !== columns.length) {
      throw new Error(`${functionName}: row ${index} has ${row.length} cells but there are ${columns.length} columns`);
    }
  });
  for (const name of Object.keys(options.columnPrecision ?? {})) {
    if (!columns.includes(name))
      throw new Error(`${functionName}: columnPrecision names ${JSON.stringify(name)}, which is not a column`);
  }
  const precisions = columns.map((name) => options.columnPrecision?.[name] ?? options.precision ?? 4);
  const text = rows.map((row) =>
    row.map((cell, column) => formatCell(cell, precisions[column]).replace(/\s*\n\s*/g, ' ')),
  );
  const numeric = columns.map((_, column) => {
    const filled = rows.filter((row) => row[column] !== null && row[column] !== undefined);
    return filled.length > 0 && filled.every((row) => typeof row[column] === 'number');
  });
  return { text, numeric };
}

/** Display width in characters (code points; every character counted as one column). */
function displayWidth(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, width: number, right: boolean): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? padding + text : text + padding;
}

/**
 * Renders a plain-text table: columns two spaces apart, a dashed rule under the header,
 * numeric columns right-aligned.
 * @example formatTable({ columns: ['n', 'loss'], rows: [[10, 0.5], [100, 0.25]] });
 */
export function formatTable(table: TableData, options: TableOptions = {}): string {
  const { text, numeric } = formatCells(table, 'formatTable', options);
  const widths = table.columns.map((name, column) =>
    Math.max(displayWidth(name), ...text.map((row) => displayWidth(row[column]))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => pad(cell, widths[column], numeric[column]))
      .join('  ')
      .trimEnd();
  return [line(table.columns), widths.map((width) => '-'.repeat(width)).join('  '), ...text.map(line)].join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/**
 * Renders a GitHub-flavoured Markdown table, padded so that the source reads as a table
 * too; numeric columns are right-aligned (`---:`), `|` in cells escaped.
 * @example markdownTable({ columns: ['a', 'b'], rows: [['x', 1]] }); // '| a   |   b |\n| --- | --: |\n| x   |   1 |'
 */
export function markdownTable(table: TableData, options: TableOptions = {}): string {
  const formatted = formatCells(table, 'markdownTable', options);
  const header = table.columns.map(escapeMarkdown);
  const text = formatted.text.map((row) => row.map(escapeMarkdown));
  const widths = header.map((name, column) =>
    Math.max(3, displayWidth(name), ...text.map((row) => displayWidth(row[column]))),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => pad(cell, widths[column], formatted.numeric[column])).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (formatted.numeric[column] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...text.map(line)].join('\n');
}

/**
 * The claims table **claim | paper's figure | ours | holds?** as table data, for
 * formatTable (terminal) and markdownTable (summary.md).
 * @example formatTable(claimsTable([{ claim: 'true labels train faster', paper: 'yes', ours: 0.42, holds: true }]));
 */
export function claimsTable(claims: readonly Claim[]): TableData {
  return { columns: claimColumns, rows: claims.map((row) => [row.claim, row.paper, row.ours, row.holds]) };
}
