/** `ran merge`: the model of a sharded fit from the statistics of its shards. */
import { saveModel } from '../../model/file';
import { loadStats, loadStatsHeader, statsError } from '../../scaleout/file';
import { StatsSum, checkParts } from '../../scaleout/merge';
import { isDeepStrictEqual } from 'util';
import { solveStatistics } from '../../scaleout/solve';
import * as a from '../../scaleout/cli';
import { checkOutputPath, parseCommand, usage, type Command } from '../command';

const HELP = `ran merge — the model of a sharded fit (ran fit --shard i/n --stats-out …)

Usage:
  ran merge part-0.ranstats part-1.ranstats … --out model.ran [--lambda X] [--json]

Every part must come from the same fit (reservoir, data, λ candidates, batch size, n) and the
shards must be exactly 0..n−1: a missing, duplicated or foreign part is an error naming it.
The statistics are summed in shard order, λ is chosen on the merged validation statistics
(or fixed by --lambda), and the model is written as ran fit would write it (docs/scale-out.md).

Options:
  --out FILE.ran   the model file
  --lambda X       use this λ instead of choosing among the fit's candidates
  --json           print the result as one JSON line`;

const OPTIONS = { out: { type: 'string' }, lambda: { type: 'string' }, json: { type: 'boolean' } } as const;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, Infinity);
  if (positionals.length === 0) usage('no .ranstats parts given');
  const out = values.out;
  if (out === undefined) usage('--out FILE.ran is required');
  checkOutputPath('out', out);
  const headers = [];
  for (const name of positionals) headers.push({ name, header: await loadStatsHeader(name) });
  const ordered = checkParts(headers);
  const job = ordered[0]!.header.job;
  // One part in memory at a time: its payload is checked (CRC-32) and added, then dropped.
  const sum = new StatsSum(job.readout.features, job.readout.outputs);
  for (const { name, header } of ordered) {
    const part = await loadStats(name);
    if (!isDeepStrictEqual(part.header, header)) throw statsError(`${name} changed while merging`);
    sum.add(part.stats);
  }
  const ridges = values.lambda !== undefined ? a.parseRidges(values.lambda, 'lambda').slice(0, 1) : job.ridges;
  const { model, report } = await solveStatistics(job.reservoir, sum.result(), ridges);
  await saveModel(model, out);
  model.reservoir.dispose();
  const line = { out, shards: job.shards, ridge: report.ridge, rows: report.rows, validation: report.validation };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(line)}\n`
      : `${job.shards} shard(s) merged: ${report.rows} rows, λ = ${report.ridge} -> ${out}\n`,
  );
  return 0;
}

/** `ran merge`. */
export const merge: Command = {
  name: 'merge',
  usage: 'ran merge part-*.ranstats --out model.ran',
  summary: 'the model of a sharded fit (ran fit --shard) from its parts',
  help: HELP,
  run,
};
