/** Markdown templates (src/report/template.ts): filling is strict in both directions. */
import { describe, expect, it } from 'vitest';
import { fillTemplate, markdownTemplate } from '../../src/report/template.ts';

describe('fillTemplate', () => {
  it('fills every placeholder, spaces inside the braces allowed', () => {
    expect(fillTemplate('n = {{n}}, rank {{ rank }}; n again {{n}}', { n: 100, rank: '5' })).toBe(
      'n = 100, rank 5; n again 100',
    );
  });

  it('names the template and the placeholder without a value, or the value without a placeholder', () => {
    expect(() => fillTemplate('n = {{n}}', {}, 'text/a.md')).toThrow(
      'fillTemplate: text/a.md has {{n}} but no value was given for it',
    );
    expect(() => fillTemplate('n = {{n}}', { n: 1, m: 2 }, 'text/a.md')).toThrow(
      'fillTemplate: text/a.md has no placeholder for m',
    );
    expect(() => fillTemplate('{{toString}}', {})).toThrow('has {{toString}} but no value');
  });
});

describe('markdownTemplate', () => {
  it('names the file it cannot read', () => {
    expect(() => markdownTemplate(import.meta.url, 'missing/nothing.md')).toThrow(
      /^markdownTemplate: cannot read .*missing\/nothing\.md/,
    );
  });
});
