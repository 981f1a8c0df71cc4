/**
 * What a search worker can be asked: a trial, or the attention statistics of a config (the
 * best trial's, for the report) — the latter in the worker that already holds the config's
 * recurrent matrix, so the main thread does not draw and measure it again.
 */
import type { AttentionUse } from '../stream/attention';
import type { ReservoirConfig } from '../model/config';
import { loadTask, runTrial, type TaskSource, type TrialRequest, type TrialResult } from './trial';

/** Attention statistics of `config` on the validation sequences of `task`. */
export interface AttentionJob {
  job: 'attention';
  id: number;
  task: TaskSource;
  config: ReservoirConfig;
  affinity?: string;
}

/** What an `AttentionJob` gives: undefined when the config has no attention or fails. */
export interface AttentionResult {
  id: number;
  attention?: AttentionUse;
}

export type Job = TrialRequest | AttentionJob;
export type JobResult = TrialResult | AttentionResult;

/** Attention statistics of a config; a config that failed in its trial fails here too, and its score says so. */
export function attentionOf(config: ReservoirConfig, source: TaskSource): AttentionUse | undefined {
  try {
    const data = loadTask(source);
    // Loaded on first use: a worker that only runs trials does not need it.
    const { attentionUse } = require('../stream/attention') as typeof import('../stream/attention');
    return attentionUse(config, data.valid.x, data.train.x);
  } catch {
    return undefined;
  }
}

/** Runs one job; never throws. */
export async function runJob(job: Job): Promise<JobResult> {
  if ('job' in job && job.job === 'attention') return { id: job.id, attention: attentionOf(job.config, job.task) };
  return runTrial(job as TrialRequest);
}
