/** The thread count of native calls: `RAN_THREADS` if set, else the machine's cores. */
import * as os from 'os';
import { integer } from './validate';

/** Default number of threads used by native kernels. */
export function defaultThreads(): number {
  const env = process.env['RAN_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    return integer('RAN_THREADS', n, 1, 1024);
  }
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}
