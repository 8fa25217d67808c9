/**
 * From cntk-exact's kernels and CNNs to accuracy by depth: one row per depth (kernel
 * regression with each kernel, the finite CNNs beside them) and the accuracy table (depth ×
 * {CNN-V, CNTK-V, CNN-GAP, CNTK-GAP}, ours beside the paper's Table 1 and 2K figures; PAPERS.md §8).
 */
import type { Cell, TableData } from '../../src/report/index.ts';
import { paper2k, paperTable1, type Configuration } from './config.ts';
import type { PreparedData, Split } from './data.ts';
import type { CnnColumnResult } from './finite.ts';
import type { KernelRun } from './kernels.ts';
import { kernelRegression, pairedDifference, type RegressionResult } from './regression.ts';

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
/** e.g. "8×8, 400 train". */
export const sizeOf = ({ train, size }: { train: number; size: number }) => `${size}×${size}, ${train} train`;

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

/** The sizes of a run's table columns. @example tableSizes(configuration(true)).cnn // '4×4, 30 train' */
export function tableSizes(config: Configuration): TableSizes {
  return {
    vanilla: config.vanilla,
    gap: config.gap,
    cnn: `${config.gap.size}×${config.gap.size}, ${config.gap.train} train`,
  };
}

/**
 * Kernel regression with each depth's kernels of `runs` (CNTK-V on the 2K set, CNTK-V and
 * CNTK-GAP on the small set, in that order) and the CNN columns of the same depth.
 * @example depthRows(runs, data, cnn, [3, 4, 6])[0].gap.accuracy
 */
export function depthRows(
  runs: readonly KernelRun[],
  data: PreparedData,
  cnn: readonly CnnColumnResult[],
  depths: readonly number[],
): DepthRow[] {
  const regress = (run: KernelRun, split: Split, i: number) =>
    kernelRegression(run.kernels[i].train, run.kernels[i].test, split.train, split.test);
  return depths.map((depth, i) => {
    const [vanilla, smallVanilla, gap] = [
      regress(runs[0], data.vanilla, i),
      regress(runs[1], data.gap, i),
      regress(runs[2], data.gap, i),
    ];
    const summary = ({ accuracy, relativeJitter }: RegressionResult): RegressionResult => ({
      accuracy,
      relativeJitter,
    });
    return {
      depth,
      vanilla: summary(vanilla),
      smallVanilla: summary(smallVanilla),
      gap: summary(gap),
      gapOverVanilla: pairedDifference(gap, smallVanilla),
      cnnV: cnn.find((column) => column.depth === depth && column.readout === 'vanilla'),
      cnnGap: cnn.find((column) => column.depth === depth && column.readout === 'gap'),
    };
  });
}
