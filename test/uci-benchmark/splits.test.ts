/**
 * The protocol's splits (arXiv 1910.01663, §4) as loadUci reads them, for every dataset of
 * uci/datasets.tsv: the training/validation sizes of conxuntos.dat equal the description
 * file's n_patrons_entrena / n_patrons_valida and the raw line's token count; each of the four
 * folds of conxuntos_kfold.dat has training + test = n and the four test sets are equally large.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirectory } from '../../src/data/dir.ts';
import { loadUci } from '../../src/data/uci.ts';

const directory = dataDirectory();
const listing = join(directory, 'uci', 'datasets.tsv');
const present = existsSync(listing);
if (!present && process.env.THEORYGRAD_REQUIRE_DATA === '1') throw new Error(`splits.test: ${listing} is missing`);

const tokenCounts = (file: string): number[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.trim().split(/\s+/).length);

describe.skipIf(!present)(
  `UCI splits (${present ? listing : 'skipped: no uci/datasets.tsv under the data directory'})`,
  () => {
    const names = present
      ? readFileSync(listing, 'utf8')
          .split('\n')
          .slice(1)
          .filter((line) => line.trim() !== '')
          .map((line) => line.split('\t')[0])
      : [];

    it('lists 90 datasets', () => expect(names.length).toBe(90));

    it('reads every split with the counts of the files', () => {
      for (const name of names) {
        const data = loadUci(name, directory);
        const folder = join(directory, 'uci', name);
        const description = readFileSync(join(folder, `${name}.txt`), 'utf8');
        const described = (key: string) => Number(new RegExp(`${key}=\\s*(\\d+)`).exec(description)![1]);
        expect([data.trainIndices.length, data.validationIndices.length], name).toEqual(
          tokenCounts(join(folder, 'conxuntos.dat')),
        );
        expect(data.trainIndices.length, name).toBe(described('n_patrons_entrena'));
        expect(data.validationIndices.length, name).toBe(described('n_patrons_valida'));
        const foldCounts = tokenCounts(join(folder, 'conxuntos_kfold.dat'));
        expect(
          data.folds.flatMap((fold) => [fold.trainIndices.length, fold.testIndices.length]),
          name,
        ).toEqual(foldCounts);
        for (const fold of data.folds)
          expect(fold.trainIndices.length + fold.testIndices.length, name).toBe(data.count);
        expect(new Set(data.folds.map((fold) => fold.testIndices.length)).size, name).toBe(1);
      }
    }, 120_000);
  },
);
