import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVocabulary, encodeBagOfWords, parseCsv, tokenize } from '../../src/data/ag-news.ts';

describe('parseCsv', () => {
  it('reads quoted fields holding commas, doubled quotes and newlines; LF and CRLF rows', () => {
    expect(parseCsv('"1","a ""b"", c"\n', 'inline')).toEqual([['1', 'a "b", c']]);
    expect(parseCsv('x,,"y\nz"\r\nq', 'inline')).toEqual([['x', '', 'y\nz'], ['q']]);
    expect(parseCsv('"",""\n', 'inline')).toEqual([['', '']]);
    expect(parseCsv('', 'inline')).toEqual([]);
  });

  it('round-trips any table written with every field quoted', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', ' ', 'é') });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 6 }), (rows) => {
        const text = rows.map((row) => row.map((value) => `"${value.replaceAll('"', '""')}"`).join(',')).join('\n');
        expect(parseCsv(text, 'generated')).toEqual(rows);
      }),
    );
  });
});

describe('bag of words', () => {
  it('tokenizes into lower-case runs of letters', () => {
    expect(tokenize("Wall St. Bears' Claws Back\\Into the Black (Reuters) #36;5")).toEqual([
      'wall',
      'st',
      'bears',
      'claws',
      'back',
      'into',
      'the',
      'black',
      'reuters',
    ]);
    expect(tokenize('Café, naïve — 3D')).toEqual(['café', 'naïve', 'd']);
  });

  it('keeps the most frequent words, ties broken alphabetically', () => {
    expect(buildVocabulary(['a b b', 'c b a'], 2)).toEqual(['b', 'a']);
    expect(buildVocabulary(['z y x', 'x'], 5)).toEqual(['x', 'y', 'z']);
    expect(() => buildVocabulary([], 0)).toThrow(/buildVocabulary: size must be a positive integer, got 0/);
  });

  it('counts words of the vocabulary; tf divides by the number of words in the text', () => {
    expect(Array.from(encodeBagOfWords(['b a b x', 'x'], ['b', 'a']))).toEqual([2, 1, 0, 0]);
    expect(Array.from(encodeBagOfWords(['b a b x', ''], ['b', 'a'], 'tf'))).toEqual([0.5, 0.25, 0, 0]);
    expect(() => encodeBagOfWords(['a'], ['a', 'a'])).toThrow(/encodeBagOfWords: vocabulary lists "a" twice/);
  });

  it('with a vocabulary of every word, counts sum to the number of words and tf rows to 1', () => {
    const word = fc.constantFrom('the', 'cat', 'sat', 'on', 'mat');
    fc.assert(
      fc.property(fc.array(fc.array(word, { maxLength: 12 }), { minLength: 1, maxLength: 5 }), (documents) => {
        const texts = documents.map((words) => words.join(' '));
        const vocabulary = buildVocabulary(texts, 10);
        const counts = encodeBagOfWords(texts, vocabulary);
        const frequencies = encodeBagOfWords(texts, vocabulary, 'tf');
        documents.forEach((words, row) => {
          const slice = (vectors: Float32Array): number[] =>
            Array.from(vectors.subarray(row * vocabulary.length, (row + 1) * vocabulary.length));
          expect(slice(counts).reduce((a, b) => a + b, 0)).toBe(words.length);
          if (words.length > 0) expect(slice(frequencies).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        });
      }),
    );
  });
});
