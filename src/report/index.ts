/**
 * Reporting for paper scripts, independent of autodiff/: progress bars, terminal and
 * Markdown tables (with the standard claims table), atomic results writing and the
 * common CLI flags, a callback-driven training loop, and SVG plots.
 */
export { progress, progressEnabled, formatDuration, type ProgressBar, type ProgressOptions, type ProgressStream } from './progress.ts';
export {
  formatTable,
  markdownTable,
  claimsTable,
  claimColumns,
  formatNumber,
  formatCell,
  type Cell,
  type Claim,
  type TableData,
  type TableOptions,
} from './table.ts';
export {
  parseCommonFlags,
  resultsWriter,
  resultsDirectory,
  resultsJson,
  summaryMarkdown,
  writeFileAtomic,
  defaultResultsRoot,
  type CommonFlags,
  type ResultsOptions,
  type ResultsWriter,
  type SummaryOptions,
} from './results.ts';
export { fit, evaluate, type FitOptions, type FitHistory, type EpochRecord, type EvaluateOptions, type Metrics } from './fit.ts';
export * from './plot/index.ts';
