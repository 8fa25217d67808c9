/**
 * The rebuild's experiments: (i) the step-function approximation near initialization against width
 * (§4's lemma), (ii) adversarial vs standard training of the two-layer net against width on the
 * sphere data and on two MNIST classes (§3, Theorem 1's robust training loss), several seeds each.
 */
import type { ProgressBar } from '../../src/report/index.ts';
import { approximateStep, type ApproximationRun } from './approximation.ts';
import { l2Threat, type ApproximationConfig, type TrainingConfig } from './config.ts';
import { trainTwoLayer, type LabelledSet, type Method, type TrainingRun } from './training.ts';

/** Adversarial and standard runs on one data set. */
export interface WidthSweep {
  name: string;
  /** ρ for each seed's data (MNIST's depends on the images drawn), and its mean. */
  radii: number[];
  radius: number;
  /** The smallest distance between points of opposite labels, per seed (> 2ρ: the ρ-balls are disjoint). */
  separations: number[];
  runs: TrainingRun[];
}

const methods: readonly Method[] = ['adversarial', 'standard'];

/** How many progress ticks a sweep takes. */
export function sweepUnits(config: TrainingConfig): number {
  return config.widths.length * config.seeds * methods.length;
}

/**
 * Every width × seed × method on `datasets(seed)` (the data are drawn per seed).
 * @example widthSweep(config.sphere, (seed) => ({ set: sphereData(config.sphere, seed), radius: 0.2, separation: 0.5 }), 0, bar)
 */
export function widthSweep(
  config: TrainingConfig,
  datasets: (seed: number) => { set: LabelledSet; radius: number; separation: number },
  seed: number,
  bar: ProgressBar,
): WidthSweep {
  const runs: TrainingRun[] = [];
  let name = '';
  const radii: number[] = [];
  const separations: number[] = [];
  for (let s = 0; s < config.seeds; s++) {
    const data = datasets(seed + s);
    name = data.set.name;
    radii.push(data.radius);
    separations.push(data.separation);
    for (const width of config.widths)
      for (const method of methods) {
        runs.push(trainTwoLayer(data.set, { method, width, seed: seed + s, threat: l2Threat(data.radius), config }));
        bar.tick();
      }
  }
  const radius = radii.reduce((a, b) => a + b, 0) / radii.length;
  return { name, radii, radius, separations, runs };
}

/** Every width × seed of the approximation experiment. */
export function approximationSweep(config: ApproximationConfig, seed: number, bar: ProgressBar): ApproximationRun[] {
  const runs: ApproximationRun[] = [];
  for (let s = 0; s < config.seeds; s++)
    for (const width of config.widths) {
      runs.push(approximateStep(config, width, seed + s));
      bar.tick();
    }
  return runs;
}
