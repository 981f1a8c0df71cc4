/** What the trial pool and its worker threads say to each other. */
import type { SharedRecurrent } from '../reservoirs/recurrentCache';
import type { Job, JobResult } from './job';

/** A job, with the recurrent matrices other workers drew that it needs. */
export interface WorkerRequest {
  job: Job;
  install: SharedRecurrent[];
}

/** A job's result, what the worker drew for it, the cache keys it used and those it now holds. */
export interface WorkerReply {
  result: JobResult;
  drawn: SharedRecurrent[];
  used: string[];
  cached: string[];
  /** Matrices the job used that were cached before it (the pool's own thread sends them: no copy). */
  held?: SharedRecurrent[];
}
