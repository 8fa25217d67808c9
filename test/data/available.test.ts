/**
 * src/data/available.ts: datasetPresent is a plain yes/no whatever THEORYGRAD_REQUIRE_DATA says;
 * hasDataset agrees with it, except that under THEORYGRAD_REQUIRE_DATA=1 an absence is an error.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { datasetPresent, hasDataset, type DatasetName } from '../../src/data/available.ts';

let directory: string;
const required = process.env.THEORYGRAD_REQUIRE_DATA;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'available-'));
  mkdirSync(join(directory, 'cifar-10-batches-bin'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
  if (required === undefined) delete process.env.THEORYGRAD_REQUIRE_DATA;
  else process.env.THEORYGRAD_REQUIRE_DATA = required;
});

it.each(['', '1'])('datasetPresent answers yes or no with THEORYGRAD_REQUIRE_DATA=%j', (flag) => {
  process.env.THEORYGRAD_REQUIRE_DATA = flag;
  expect(datasetPresent('cifar10', directory)).toBe(true);
  expect(datasetPresent('fashion-mnist', directory)).toBe(false);
});

it('hasDataset is datasetPresent, but an absence is an error naming the folder under THEORYGRAD_REQUIRE_DATA=1', () => {
  delete process.env.THEORYGRAD_REQUIRE_DATA;
  expect(hasDataset('cifar10', directory)).toBe(true);
  expect(hasDataset('uci', directory)).toBe(false);
  process.env.THEORYGRAD_REQUIRE_DATA = '1';
  expect(hasDataset('cifar10', directory)).toBe(true);
  expect(() => hasDataset('uci', directory)).toThrow(`hasDataset: uci not found at ${join(directory, 'uci')}`);
});

it('an unknown name is an error naming the function called', () => {
  const name = 'imagenet' as DatasetName;
  expect(() => datasetPresent(name, directory)).toThrow(/datasetPresent: unknown dataset "imagenet" \(known: /);
  expect(() => hasDataset(name, directory)).toThrow(/hasDataset: unknown dataset "imagenet"/);
});
