/** worker_threads entry: runs jobs sent by the pool, one at a time. */
import { parentPort } from 'worker_threads';
import { runJob, type Job } from './job';

parentPort?.on('message', (job: Job) => {
  void runJob(job).then((r) => parentPort?.postMessage(r));
});
