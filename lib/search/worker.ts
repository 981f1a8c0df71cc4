/** worker_threads entry: runs trials sent by the pool, one at a time. */
import { parentPort } from 'worker_threads';
import { runTrial, type TrialRequest } from './trial';

parentPort?.on('message', (req: TrialRequest) => {
  void runTrial(req).then((r) => parentPort?.postMessage(r));
});
