/**
 * `--shard-from-env`: the shard a job-array task runs, from its scheduler's variables. Slurm
 * numbers tasks from SLURM_ARRAY_TASK_MIN (often 0 or 1) and gives their count; Cloud Run
 * gives index and count; Kubernetes Indexed Jobs and AWS Batch array jobs give only the index,
 * so their count comes from THEORYGRAD_SHARD_COUNT (set to the job's completions / array size).
 */

/** A shard and the scheduler it was read from. */
export interface EnvironmentShard {
  index: number;
  count: number;
  scheduler: 'slurm' | 'kubernetes' | 'aws-batch' | 'cloud-run';
}

const countVariable = 'THEORYGRAD_SHARD_COUNT';

/** A whole number ≥ 0 from `env[name]`, or an error naming the variable and its value. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string): number {
  const text = env[name];
  if (text === undefined || !/^\d+$/.test(text.trim()))
    throw new Error(`shardFromEnvironment: ${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text.trim());
}

/**
 * The shard of this task, from Slurm, Kubernetes, AWS Batch or Cloud Run variables (the first found).
 * @example shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '10' }) // { index: 4, count: 10, scheduler: 'slurm' }
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentShard {
  let shard: EnvironmentShard;
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : wholeNumber(env, 'SLURM_ARRAY_TASK_STEP');
    if (step !== 1)
      throw new Error(
        `shardFromEnvironment: SLURM_ARRAY_TASK_STEP must be 1 (tasks numbered without gaps), got ${step}`,
      );
    const first = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(env, 'SLURM_ARRAY_TASK_MIN');
    shard = {
      index: wholeNumber(env, 'SLURM_ARRAY_TASK_ID') - first,
      count: wholeNumber(env, 'SLURM_ARRAY_TASK_COUNT'),
      scheduler: 'slurm',
    };
  } else if (env.JOB_COMPLETION_INDEX !== undefined) {
    shard = {
      index: wholeNumber(env, 'JOB_COMPLETION_INDEX'),
      count: wholeNumber(env, countVariable),
      scheduler: 'kubernetes',
    };
  } else if (env.AWS_BATCH_JOB_ARRAY_INDEX !== undefined) {
    shard = {
      index: wholeNumber(env, 'AWS_BATCH_JOB_ARRAY_INDEX'),
      count: wholeNumber(env, countVariable),
      scheduler: 'aws-batch',
    };
  } else if (env.CLOUD_RUN_TASK_INDEX !== undefined) {
    shard = {
      index: wholeNumber(env, 'CLOUD_RUN_TASK_INDEX'),
      count: wholeNumber(env, 'CLOUD_RUN_TASK_COUNT'),
      scheduler: 'cloud-run',
    };
  } else {
    throw new Error(
      'shardFromEnvironment: no job-array variables found (SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or CLOUD_RUN_TASK_INDEX)',
    );
  }
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    throw new Error(
      `shardFromEnvironment: ${shard.scheduler} gives shard ${shard.index} of ${shard.count}, outside 0…${shard.count - 1}`,
    );
  return shard;
}
