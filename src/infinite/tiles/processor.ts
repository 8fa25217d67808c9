/**
 * BullMQ's sandboxed processor for kernel tiles (bullmq.ts): runs in a child process forked
 * by the worker, computes the job's tile into the plan's store (THEORYGRAD_KERNEL_PLAN names
 * plan.json) and returns its hash. The plan and images are loaded once per child and reused
 * for the jobs it is given.
 */
import type { SandboxedJob } from 'bullmq';
import { imagesForPlan, openPlan, runTiles, type OpenPlan } from './run.ts';
import type { PlanImages } from './compute.ts';

let loaded: { opened: OpenPlan; images: PlanImages } | undefined;

/**
 * Computes (or finds in the store) the job's tile; throws if the job is another plan's.
 * @example // called by BullMQ: await processTile({ data: { plan: 'sha256:…', tile: 'train-0-1' } } as SandboxedJob)
 */
export default async function processTile(job: SandboxedJob<{ plan: string; tile: string }>): Promise<string> {
  const path = process.env.THEORYGRAD_KERNEL_PLAN;
  if (path === undefined) throw new Error('processTile: THEORYGRAD_KERNEL_PLAN (the plan.json path) is not set');
  if (loaded === undefined) {
    const opened = openPlan(path);
    loaded = { opened, images: imagesForPlan(opened.plan) };
  }
  const { opened, images } = loaded;
  if (job.data.plan !== opened.hash)
    throw new Error(`processTile: job ${job.id} is for plan ${job.data.plan}, this worker serves ${opened.hash}`);
  const tile = opened.tiles.find((candidate) => candidate.id === job.data.tile);
  if (tile === undefined) throw new Error(`processTile: plan ${opened.hash} has no tile ${job.data.tile}`);
  runTiles(opened, [tile], images);
  return opened.store.manifest(tile.id)!.sha256;
}
