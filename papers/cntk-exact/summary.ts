/**
 * From cntk-exact's kernel regressions to the accuracy table (depth × {CNN-V, CNTK-V,
 * CNN-GAP, CNTK-GAP}, ours beside the paper's Table 1 and 2K figures) and the claims of the
 * kernel half (PAPERS.md §8).
 */
import type { Cell, Claim, TableData } from '../../src/report/index.ts';
import { paper2k, paperTable1 } from './config.ts';
import type { CnnColumnResult } from './finite.ts';
import type { RegressionResult } from './regression.ts';

/** Accuracies of one depth: CNTK-V on the 2K set, CNTK-V and CNTK-GAP on the small set, the finite CNNs. */
export interface DepthRow {
  depth: number;
  vanilla: RegressionResult;
  smallVanilla: RegressionResult;
  gap: RegressionResult;
  /** CNTK-GAP's accuracy minus CNTK-V's on the small set, and its paired standard error. */
  gapOverVanilla: { difference: number; standardError: number };
  cnnV?: CnnColumnResult;
  cnnGap?: CnnColumnResult;
}

/** Sizes the rows were measured at, for the column headers. */
export interface TableSizes {
  vanilla: { train: number; test: number; size: number };
  gap: { train: number; test: number; size: number };
  /** e.g. "32×32, 2,000 train": what the CNN columns were trained on. */
  cnn: string;
}

const percent = (value: number | undefined): Cell => (value === undefined ? '—' : Number((100 * value).toFixed(2)));
const sizeOf = ({ train, size }: { train: number; size: number }) => `${size}×${size}, ${train} train`;

/** The accuracy table (%): the paper's columns and ours side by side. */
export function accuracyTable(rows: readonly DepthRow[], sizes: TableSizes): TableData {
  return {
    columns: [
      'depth',
      'CNN-V paper',
      `CNN-V ours (${sizes.cnn})`,
      'CNTK-V paper',
      `CNTK-V paper 2K`,
      `CNTK-V ours (${sizeOf(sizes.vanilla)})`,
      `CNTK-V ours (${sizeOf(sizes.gap)})`,
      'CNN-GAP paper',
      `CNN-GAP ours (${sizes.cnn})`,
      'CNTK-GAP paper',
      'CNTK-GAP paper 2K',
      `CNTK-GAP ours (${sizeOf(sizes.gap)})`,
    ],
    rows: rows.map((row) => {
      const paper = paperTable1[row.depth];
      return [
        row.depth,
        paper?.cnnV,
        percent(row.cnnV?.accuracy),
        paper?.cntkV,
        paper2k.cntkV.join('–'),
        percent(row.vanilla.accuracy),
        percent(row.smallVanilla.accuracy),
        paper?.cnnGap,
        percent(row.cnnGap?.accuracy),
        paper?.cntkGap,
        paper2k.cntkGap.join('–'),
        percent(row.gap.accuracy),
      ];
    }),
  };
}

/** Standard error (points) of an accuracy near p on `count` test images. */
const standardError = (p: number, count: number) => 100 * Math.sqrt((p * (1 - p)) / count);
const list = (rows: readonly DepthRow[], value: (row: DepthRow) => number | undefined) =>
  rows.map((row) => `${row.depth}: ${value(row) === undefined ? '—' : (100 * value(row)!).toFixed(1)}`).join(', ');

/** The claims of the kernel half: accuracy by depth and readout, against the paper's. */
export function kernelClaims(rows: readonly DepthRow[], sizes: TableSizes): Claim[] {
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const vanilla = rows.map((row) => row.vanilla.accuracy);
  const vanillaMean = 100 * mean(vanilla);
  const slack = 2 * standardError(vanillaMean / 100, sizes.vanilla.test);
  const [low, high] = paper2k.cntkV;
  const gapMargins = rows.map((row) => row.gapOverVanilla.difference);
  const spread = 100 * (Math.max(...vanilla) - Math.min(...vanilla));
  const claims: Claim[] = [
    {
      claim: `CNTK-V, ${sizeOf(sizes.vanilla)} (no fix), ${sizes.vanilla.test} test images, by depth ${list(rows, (row) => row.vanilla.accuracy)}: mean over depths (holds within 2 s.e. = ${slack.toFixed(1)} pt of the range)`,
      paper: `${low}–${high}% (2K images, PAPERS.md §8 [U])`,
      ours: `${vanillaMean.toFixed(1)}%`,
      holds: vanillaMean >= low - slack && vanillaMean <= high + slack,
    },
    {
      claim: `CNTK-V changes little with depth (${sizes.vanilla.size}×${sizes.vanilla.size}, ${sizes.vanilla.train} images): max − min over depths ${rows.map((row) => row.depth).join(', ')} (holds within 2 s.e. of a difference)`,
      paper: '1.6 pt (Table 1, depths 3–11)',
      ours: `${spread.toFixed(1)} pt`,
      holds: spread <= Math.SQRT2 * 2 * standardError(Math.max(...vanilla), sizes.vanilla.test),
    },
    {
      claim: `CNTK-GAP (fix) > CNTK-V (no fix) at every depth, same ${sizeOf(sizes.gap)} images; GAP − V by depth ± paired s.e.`,
      paper: '+4.9 to +12.3 pt (Table 1, depths 3–11)',
      ours: rows
        .map(
          (row) =>
            `${row.depth}: ${(100 * row.gapOverVanilla.difference).toFixed(1)} ± ${(100 * row.gapOverVanilla.standardError).toFixed(1)}`,
        )
        .join(', '),
      holds: gapMargins.every((margin) => margin > 0)
        ? true
        : gapMargins.some((margin) => margin > 0)
          ? 'partly'
          : false,
    },
    {
      claim: `CNTK-GAP on ${sizeOf(sizes.gap)} images (at 32×32 a GAP kernel runs at ≈ 8 pairs/s here: days for 2,000 images): best depth`,
      paper: `${paper2k.cntkGap.join('–')}% (2K at 32×32)`,
      ours: `${(100 * Math.max(...rows.map((row) => row.gap.accuracy))).toFixed(1)}%`,
      holds: 'n/a (smaller images and set)',
    },
  ];
  const withCnn = rows.filter((row) => row.cnnV && row.cnnGap);
  if (withCnn.length > 0) {
    const difference = (kernel: RegressionResult, cnn: CnnColumnResult) => 100 * (kernel.accuracy - cnn.accuracy);
    const shallow = withCnn.filter((row) => row.depth <= 6);
    const deep = withCnn.filter((row) => row.depth >= 4);
    claims.push(
      {
        claim: `CNTK-V > CNN-V at depths ${shallow.map((row) => row.depth).join(', ')}, same ${sizes.cnn} images: CNTK-V − CNN-V by depth`,
        paper: '+4.5, +5.3, +1.9 pt (Table 1: depths 3, 4, 6; −3.6 at 11)',
        ours: withCnn.map((row) => `${row.depth}: ${difference(row.smallVanilla, row.cnnV!).toFixed(1)}`).join(', '),
        holds: shallow.every((row) => difference(row.smallVanilla, row.cnnV!) > 0),
      },
      {
        claim: `CNN-GAP > CNTK-GAP at depths ${deep.map((row) => row.depth).join(', ')}, same ${sizes.cnn} images: CNTK-GAP − CNN-GAP by depth`,
        paper: '−5.0, −7.0, −5.5 pt (Table 1: depths 4, 6, 11; +6.7 at 3)',
        ours: withCnn.map((row) => `${row.depth}: ${difference(row.gap, row.cnnGap!).toFixed(1)}`).join(', '),
        holds: deep.every((row) => difference(row.gap, row.cnnGap!) < 0),
      },
    );
  }
  return claims;
}
