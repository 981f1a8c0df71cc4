/** worker_threads entry: runs jobs sent by the pool, one at a time. */
import { parentPort } from 'worker_threads';
import { runJob } from './job';
import type { WorkerReply, WorkerRequest } from './messages';
import { cachedRecurrentKeys, installRecurrent, logRecurrent, takeRecurrentLog } from '../reservoirs/recurrentCache';

logRecurrent();
parentPort?.on('message', (m: WorkerRequest) => {
  for (const e of m.install) installRecurrent(e);
  void runJob(m.job).then((result) => {
    const { drawn, used } = takeRecurrentLog();
    const reply: WorkerReply = { result, drawn, used, cached: cachedRecurrentKeys() };
    parentPort?.postMessage(reply);
  });
});
