import { describe, expect, it } from 'vitest';
import { claimsTable, formatCell, formatNumber, formatTable, markdownTable } from '../../src/report/table.ts';

describe('formatNumber', () => {
  it('rounds to significant digits, keeps integers, switches to exponents far from 1', () => {
    expect(formatNumber(0.123456, 3)).toBe('0.123');
    expect(formatNumber(12.3456, 3)).toBe('12.3');
    expect(formatNumber(12345.678, 3)).toBe('12346');
    expect(formatNumber(0.5)).toBe('0.5000');
    expect(formatNumber(500)).toBe('500');
    expect(formatNumber(-3.14159, 2)).toBe('-3.1');
    expect(formatNumber(0.000012345, 3)).toBe('1.23e-5');
    expect(formatNumber(2.5e12, 2)).toBe('2.5e+12');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(formatNumber(-Infinity)).toBe('-Infinity');
  });

  it('names itself and the argument in errors', () => {
    expect(() => formatNumber(1.5, 0)).toThrow(/^formatNumber: precision/);
  });

  it('formats booleans and missing cells', () => {
    expect([formatCell(true), formatCell(false), formatCell(null), formatCell(undefined), formatCell('x')]).toEqual([
      'yes',
      'no',
      '',
      '',
      'x',
    ]);
  });
});

describe('formatTable', () => {
  const table = {
    columns: ['name', 'n', 'loss'],
    rows: [
      ['alpha', 10, 0.5],
      ['b', 1000, 0.012345],
      ['gamma ray', 7, -2.25],
    ],
  };

  it('aligns columns: text left, numbers right, with a rule under the header', () => {
    const lines = formatTable(table, { precision: 3 }).split('\n');
    expect(lines).toEqual([
      'name          n    loss',
      '---------  ----  ------',
      'alpha        10   0.500',
      'b          1000  0.0123',
      'gamma ray     7   -2.25',
    ]);
  });

  it('applies per-column precision and rejects unknown columns', () => {
    const text = formatTable(table, { precision: 2, columnPrecision: { loss: 5 } });
    expect(text).toContain('0.012345');
    expect(() => formatTable(table, { columnPrecision: { los: 2 } })).toThrow(
      /formatTable: columnPrecision names "los"/,
    );
  });

  it('rejects rows of the wrong length, naming the row', () => {
    expect(() => formatTable({ columns: ['a', 'b'], rows: [[1, 2], [3]] })).toThrow(
      'formatTable: row 1 has 1 cells but there are 2 columns',
    );
  });

  it('counts characters, not UTF-16 units, when aligning', () => {
    const lines = formatTable({
      columns: ['symbol', 'v'],
      rows: [
        ['λ₀', 1],
        ['ab', 22],
      ],
    }).split('\n');
    expect(lines[2].indexOf('1')).toBe(Array.from(lines[3]).indexOf('2') + 1);
    expect(Array.from(lines[2]).length).toBe(Array.from(lines[3]).length);
  });
});

describe('markdownTable', () => {
  it('renders a GitHub table with right-aligned numeric columns and escaped pipes', () => {
    expect(
      markdownTable({
        columns: ['a', 'b'],
        rows: [
          ['x|y', 1],
          ['z', 0.25],
        ],
      }),
    ).toBe(['| a    |      b |', '| ---- | -----: |', '| x\\|y |      1 |', '| z    | 0.2500 |'].join('\n'));
  });

  it('puts multi-line cells on one line', () => {
    expect(markdownTable({ columns: ['a'], rows: [['one\ntwo']] })).toContain('| one two |');
  });
});

describe('claimsTable', () => {
  it('has the standard columns and prints holds? as yes/no or the given text', () => {
    const table = claimsTable([
      { claim: 'true labels train faster', paper: 'yes', ours: 0.42, holds: true },
      { claim: 'bound grows with corruption', paper: 0.95, ours: 0.5, holds: false },
      { claim: 'matches AlexNet', paper: '89%', ours: null, holds: 'n/a' },
    ]);
    expect(table.columns).toEqual(['claim', "paper's figure", 'ours', 'holds?']);
    const markdown = markdownTable(table).split('\n');
    expect(markdown[0]).toMatch(/^\| claim +\| paper's figure \| +ours \| holds\? \|$/);
    expect(markdown.slice(2).map((line) => line.split('|')[4].trim())).toEqual(['yes', 'no', 'n/a']);
    expect(formatTable(table).split('\n')).toHaveLength(5);
  });
});
