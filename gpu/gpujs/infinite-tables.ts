/**
 * The band layout's tables (gpu/infinite.ts) as arguments of the gpu.js covariance kernels
 * (infinite.ts): float32 arrays (exact below 2²⁴) on the host, or their device copies
 * (infinite-device.ts uploads them once per block).
 */
import { bandLayout, pairIndices, type BandLayout, type CovarianceGeometry, type PairBlock } from '../infinite.ts';
import type { KernelInput } from './runtime.ts';

const asFloat = (values: Int32Array): Float32Array => Float32Array.from(values);

/** A geometry's band tables as kernel arguments (float32, exact below 2²⁴): host arrays or their device copies. */
export interface BandTables<T extends KernelInput = KernelInput> {
  layout: BandLayout;
  geometry: CovarianceGeometry;
  /** Positions of each row (column) entry in the first and second image. */
  rowFirst: T;
  rowSecond: T;
  columnFirst: T;
  columnSecond: T;
  /** Diagonal neighbours of each entry (−1: padding). */
  rowPrevious: T;
  rowNext: T;
  columnPrevious: T;
  columnNext: T;
}

/** A pair block's image indices as kernel arguments. */
export interface PairTables<T extends KernelInput = KernelInput> {
  pairs: PairBlock;
  count: number;
  first: T;
  second: T;
}

/** The band tables of `geometry` as host arrays. @example bandTables({ height: 7, width: 7, padding: 'zero', window: 0 }).layout.entries // 49 */
export function bandTables(geometry: CovarianceGeometry): BandTables<Float32Array> {
  const layout = bandLayout(geometry);
  const { rows, columns } = layout;
  return {
    layout,
    geometry,
    rowFirst: asFloat(rows.first),
    rowSecond: asFloat(rows.second),
    columnFirst: asFloat(columns.first),
    columnSecond: asFloat(columns.second),
    rowPrevious: asFloat(rows.previous),
    rowNext: asFloat(rows.next),
    columnPrevious: asFloat(columns.previous),
    columnNext: asFloat(columns.next),
  };
}

/** The image indices of a block's pairs as host arrays. @example pairTables({ count1: 2, count2: 2, triangle: true }).count // 3 */
export function pairTables(pairs: PairBlock): PairTables<Float32Array> {
  const { first, second } = pairIndices(pairs);
  return { pairs, count: first.length, first: asFloat(first), second: asFloat(second) };
}
