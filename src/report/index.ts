/**
 * Reporting for paper scripts: the paper harness (runPaper), the one command-line parser,
 * progress bars, terminal and Markdown tables (with the standard claims table), atomic
 * results writing in one-run folders, a callback-driven training loop, and SVG plots.
 */
export {
  progress,
  progressEnabled,
  formatDuration,
  type ProgressBar,
  type ProgressOptions,
  type ProgressStream,
} from './progress.ts';
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
  folderWriter,
  resultsDirectory,
  resultsJson,
  summaryMarkdown,
  defaultResultsRoot,
  type ResultsOptions,
  type ResultsWriter,
  type SummaryOptions,
} from './results.ts';
export {
  commandLine,
  flagName,
  HelpRequested,
  isMainModule,
  parseFlags,
  runCommand,
  usageText,
  UsageError,
  type FlagSpec,
  type FlagSpecs,
  type FlagValues,
  type UsageOptions,
} from './cli.ts';
export { openRunFolder, type RunFolder } from './run-folder.ts';
export { isProcessAlive, makeFolders, sweepStaleTemporaryFiles, writeFileAtomic } from './atomic.ts';
export {
  paperFlags,
  runPaper,
  type PaperContext,
  type PaperDefinition,
  type PaperFigure,
  type PaperOutput,
  type PaperRun,
} from './paper.ts';
export { thin, thinnedSteps } from './thin.ts';
export {
  escapeHtml,
  galleryHtml,
  readPaperEntry,
  reportMarkdown,
  verdictCounts,
  writeReport,
  type GalleryFigure,
  type PaperEntry,
  type VerdictCounts,
} from './gallery.ts';
export { codeVersion, moduleCodeVersion, moduleGraph, relativeImports, repositoryRoot } from './code-version.ts';
export { fillTemplate, markdownTemplate, type TemplateValue } from './template.ts';
export {
  fit,
  evaluate,
  type FitOptions,
  type FitHistory,
  type EpochRecord,
  type EvaluateOptions,
  type Metrics,
} from './fit.ts';
export * from './plot/index.ts';
