/**
 * From cntk-exact's kernels and CNNs to accuracy by depth: one row per depth (kernel
 * regression with each kernel, the finite CNNs beside them) and the accuracy table (depth ×
 * {CNN-V, CNTK-V, CNN-GAP, CNTK-GAP}, ours beside the paper's Table 1 and 2K figures; PAPERS.md §8).
 */
import type { Cell, TableData } from '../../src/report/index.ts';
import { paper2k, paperTable1, type Configuration } from './config.ts';
import type { PreparedData, Split } from './data.ts';
import type { CnnColumn, CnnColumnResult } from './finite.ts';
import type { KernelRun } from './kernels.ts';
import { kernelRegression, pairedDifference, type RegressionOutcome, type RegressionResult } from './regression.ts';

/** A paired difference of accuracies (fractions) on the same test images, and its standard error. */
export interface Paired {
  difference: number;
  standardError: number;
}

/** Accuracies of one depth: CNTK-V on the 2K set, CNTK-V and CNTK-GAP on the small set, the finite CNNs. */
export interface DepthRow {
  depth: number;
  vanilla: RegressionResult;
  smallVanilla: RegressionResult;
  gap: RegressionResult;
  /** CNTK-GAP's accuracy minus CNTK-V's on the small set, paired. */
  gapOverVanilla: Paired;
  cnnV?: CnnColumnResult;
  cnnGap?: CnnColumnResult;
  /** CNTK-V − CNN-V and CNTK-GAP − CNN-GAP on the small set's test images, paired. */
  kernelOverCnnV?: Paired;
  kernelOverCnnGap?: Paired;
}

/** The largest CNTK-V (2K set) difference between two depths, paired on the same test images. */
export interface DepthSpread extends Paired {
  /** The depths of the best and the worst accuracy. */
  best: number;
  worst: number;
}

/** Sizes the rows were measured at, for the column headers. */
export interface TableSizes {
  vanilla: { train: number; test: number; size: number };
  gap: { train: number; test: number; size: number };
  /** e.g. "16×16, 200 train": what the CNN columns were trained on. */
  cnn: string;
}

const percent = (value: number | undefined): Cell => (value === undefined ? '—' : Number((100 * value).toFixed(2)));
/** e.g. "16×16, 200 train". */
export const sizeOf = ({ train, size }: { train: number; size: number }) => `${size}×${size}, ${train} train`;
/** A CNN's test accuracy, or "not converged (train x%)" where it did not fit its training set. */
const cnnCell = (column: CnnColumnResult | undefined): Cell =>
  column === undefined
    ? '—'
    : column.converged
      ? percent(column.accuracy)
      : `${percent(column.accuracy)} (not converged, train ${percent(column.trainAccuracy)})`;

/** The accuracy table (%): the paper's columns and ours side by side. */
export function accuracyTable(rows: readonly DepthRow[], sizes: TableSizes): TableData {
  return {
    columns: [
      'depth',
      'CNN-V paper',
      `CNN-V ours (${sizes.cnn})`,
      'CNTK-V paper',
      'CNTK-V paper 2K (recalled)',
      `CNTK-V ours (${sizeOf(sizes.vanilla)})`,
      `CNTK-V ours (${sizeOf(sizes.gap)})`,
      'CNN-GAP paper',
      `CNN-GAP ours (${sizes.cnn})`,
      'CNTK-GAP paper',
      'CNTK-GAP paper 2K (recalled)',
      `CNTK-GAP ours (${sizeOf(sizes.gap)})`,
    ],
    rows: rows.map((row) => {
      const paper = paperTable1[row.depth];
      return [
        row.depth,
        paper?.cnnV,
        cnnCell(row.cnnV),
        paper?.cntkV,
        paper2k.cntkV.join('–'),
        percent(row.vanilla.accuracy),
        percent(row.smallVanilla.accuracy),
        paper?.cnnGap,
        cnnCell(row.cnnGap),
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

const summary = ({ accuracy, relativeJitter }: RegressionResult): RegressionResult => ({ accuracy, relativeJitter });

/**
 * Kernel regression with each depth's kernels of `runs` (CNTK-V on the 2K set, CNTK-V and
 * CNTK-GAP on the small set, in that order), the CNN columns of the same depth, the paired
 * differences on the small set, and the largest paired difference between depths of CNTK-V on the 2K set.
 * @example depthRows(runs, data, cnn, [3, 4, 6]).rows[0].gap.accuracy
 */
export function depthRows(
  runs: readonly KernelRun[],
  data: PreparedData,
  cnn: readonly CnnColumn[],
  depths: readonly number[],
): { rows: DepthRow[]; vanillaSpread: DepthSpread } {
  const regress = (run: KernelRun, split: Split, i: number) =>
    kernelRegression(run.kernels[i].train, run.kernels[i].test, split.train, split.test);
  const vanillaOutcomes: RegressionOutcome[] = [];
  const rows = depths.map((depth, i): DepthRow => {
    const [vanilla, smallVanilla, gap] = [
      regress(runs[0], data.vanilla, i),
      regress(runs[1], data.gap, i),
      regress(runs[2], data.gap, i),
    ];
    vanillaOutcomes.push(vanilla);
    const column = (readout: 'vanilla' | 'gap') =>
      cnn.find((entry) => entry.depth === depth && entry.readout === readout);
    const [cnnV, cnnGap] = [column('vanilla'), column('gap')];
    const strip = (entry: CnnColumn): CnnColumnResult => {
      const { correct: _perImage, ...result } = entry;
      return result;
    };
    return {
      depth,
      vanilla: summary(vanilla),
      smallVanilla: summary(smallVanilla),
      gap: summary(gap),
      gapOverVanilla: pairedDifference(gap, smallVanilla),
      ...(cnnV && { cnnV: strip(cnnV), kernelOverCnnV: pairedDifference(smallVanilla, cnnV) }),
      ...(cnnGap && { cnnGap: strip(cnnGap), kernelOverCnnGap: pairedDifference(gap, cnnGap) }),
    };
  });
  const order = vanillaOutcomes
    .map((_, i) => i)
    .sort((a, b) => vanillaOutcomes[a].accuracy - vanillaOutcomes[b].accuracy);
  const [worst, best] = [order[0], order[order.length - 1]];
  return {
    rows,
    vanillaSpread: {
      ...pairedDifference(vanillaOutcomes[best], vanillaOutcomes[worst]),
      best: depths[best],
      worst: depths[worst],
    },
  };
}
