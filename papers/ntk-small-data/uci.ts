/**
 * The UCI experiment (arXiv 1910.01663, §4): per dataset, the authors' FC NTK family through
 * the authors' protocol, and the Gaussian-kernel SVM through the same protocol, each cached
 * per dataset under a fingerprint of the dataset's files, the options and the code version.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadUci } from '../../src/data/uci.ts';
import { codeVersion } from '../../src/report/code-version.ts';
import type { ProgressBar } from '../../src/report/index.ts';
import {
  fingerprint,
  fullyConnectedNtkFamily,
  gaussianKernel,
  squaredDistances,
  resultCache,
  runProtocol,
  uciDatasetFiles,
  type KernelCandidate,
  type ProtocolResult,
} from '../../src/uci-benchmark/index.ts';
import type { Config } from './config.ts';
import type { UciEntry } from './data.ts';

/** One method's outcome on one dataset, accuracies in percent, with its wall time. */
export interface MethodResult<Label> extends Omit<
  ProtocolResult<Label>,
  'validationAccuracy' | 'foldAccuracy' | 'folds'
> {
  validationAccuracy: number;
  foldAccuracy: number;
  folds: number[];
  seconds: number;
  /** CPU seconds of this process meanwhile (user + system): the wall time it would take on an idle core. */
  cpuSeconds: number;
  /** Whether this came from the cache (its `seconds` are those of the run that computed it). */
  cached: boolean;
}

/** One dataset's row: the NTK's chosen (dep, fix, C) and the Gaussian SVM's chosen (γ, C). */
export interface DatasetResult {
  entry: UciEntry;
  ntk: MethodResult<{ dep: number; fix: number }>;
  gaussian: MethodResult<{ gamma: number }>;
}

/** The candidates in the authors' enumeration order: dep = 0…maxDepth−1, fix = 0…dep. */
function ntkCandidates(features: Float64Array, count: number, dimension: number, maxDepth: number) {
  let family: ReturnType<typeof fullyConnectedNtkFamily> | undefined;
  const candidates: KernelCandidate<{ dep: number; fix: number }>[] = [];
  for (let dep = 0; dep < maxDepth; dep++) {
    for (let fix = 0; fix <= dep; fix++) {
      candidates.push({
        label: { dep, fix },
        matrix: () => (family ??= fullyConnectedNtkFamily(features, count, dimension, maxDepth)).kernel(dep, fix),
      });
    }
  }
  return candidates;
}

function percent<Label>(result: ProtocolResult<Label>, seconds: number, cpuSeconds: number): MethodResult<Label> {
  return {
    ...result,
    validationAccuracy: 100 * result.validationAccuracy,
    foldAccuracy: 100 * result.foldAccuracy,
    folds: result.folds.map((value) => 100 * value),
    seconds,
    cpuSeconds,
    cached: false,
  };
}

/** The code version of the protocol (src/uci-benchmark's module graph and this file): part of every cache key. */
const protocolCode = [
  codeVersion(fileURLToPath(new URL('../../src/uci-benchmark/index.ts', import.meta.url))),
  createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex'),
].join(' ');

/**
 * Runs (or reads from the cache) both methods on each entry, ticking `bar` once per candidate kernel.
 * @example runUci(entries, defaultConfig, '/work/shared/data', 'results/cache/ntk-small-data', bar)
 */
export function runUci(
  entries: readonly UciEntry[],
  config: Config,
  dataDirectory: string,
  cacheFolder: string,
  bar: ProgressBar,
): DatasetResult[] {
  const cache = resultCache<MethodResult<unknown>>(cacheFolder);
  const perDataset = candidatesPerDataset(config);
  return entries.map((entry) => {
    const files = uciDatasetFiles(dataDirectory, entry.name);
    const key = (method: string, options: unknown) =>
      fingerprint(files, { method, options, tolerance: config.tolerance, costs: config.costs, code: protocolCode });
    const run = <Label>(method: string, options: unknown, candidates: () => KernelCandidate<Label>[]) => {
      const name = `${entry.name}.${method}`;
      const hash = key(method, options);
      const hit = cache.read(name, hash) as MethodResult<Label> | undefined;
      if (hit !== undefined) {
        bar.tick(method === 'ntk' ? perDataset.ntk : perDataset.gaussian);
        return { ...hit, cached: true };
      }
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const result = runProtocol(loadUci(entry.name, dataDirectory), candidates(), config.costs, {
        tolerance: config.tolerance,
        onFit: () => bar.tick(),
      });
      const cpu = process.cpuUsage(cpuStart);
      const value = percent(result, (performance.now() - start) / 1000, (cpu.user + cpu.system) / 1e6);
      cache.write(name, hash, value);
      return value;
    };
    const ntk = run('ntk', { maxDepth: config.maxDepth }, () => {
      const data = loadUci(entry.name, dataDirectory);
      return ntkCandidates(data.features, data.count, data.dimension, config.maxDepth);
    });
    const gaussian = run('gaussian', { gammaMultiples: config.gammaMultiples }, () => {
      const data = loadUci(entry.name, dataDirectory);
      let distances: Float64Array | undefined; // shared by the γ grid
      return config.gammaMultiples.map((multiple) => {
        const gamma = multiple / data.dimension;
        const matrix = () =>
          gaussianKernel((distances ??= squaredDistances(data.features, data.count, data.dimension)), gamma);
        return { label: { gamma }, matrix };
      });
    });
    return { entry, ntk, gaussian };
  });
}

/** Progress units per dataset: one per candidate kernel of each method. */
export function candidatesPerDataset(config: Config): { ntk: number; gaussian: number } {
  return { ntk: (config.maxDepth * (config.maxDepth + 1)) / 2, gaussian: config.gammaMultiples.length };
}
