/** `ran fit`: trains a model on a task folder and saves it, in one process or as shard i of n. */
import { readTaskFolder } from '../../io/taskFolder';
import type { ReservoirConfig } from '../../model/config';
import { saveModel } from '../../model/file';
import { DEFAULT_RIDGES } from '../../model/model';
import { libraryInfo } from '../../scaleout/library';
import { encodeShard, fitInOneProcess, fitJob, runShard } from '../../scaleout/fit';
import { saveStats } from '../../scaleout/file';
import { bestLine, runSearch, searchSpec } from '../../scaleout/search';
import * as a from '../../scaleout/cli';
import { checkInputFolder, checkOutputPath, parseCommand, positive, usage, type Command } from '../command';
import { defaultThreads } from '../../threads';
import { parseBudget } from '../../model/budget';

const HELP = `ran fit — train a model on a task folder and save it

Usage:
  ran fit --data DIR --model esn|ran-a|ran-c [options | --config file.json] --out model.ran
  ran fit --data DIR … --shard i/n --stats-out part-i.ranstats     (one shard; then ran merge)

The reservoir is the architecture's defaults sized for --budget, with --config's options and
the options below on top; with --trials N a random search (as ran search) picks it instead.
λ is chosen on the validation split among --ridges (or fixed by --lambda).

Options:
  --data DIR              folder with X_train.npy, Y_train.npy, T_train.npy, …, meta.json
  --model NAME            esn, ran-a or ran-c (or the "kind" of --config)
  --config FILE.json      {"kind", "options"} or the best line of ran search --save
  --set name=value        any reservoir option (repeatable), e.g. --set spectralRadius=0.9
  --units N               reservoir units (ESN, RAN-A)
  --seed N                search seed (default 0): trial k's reservoir seed is 1000·N + k
  --budget 1k|10k|…       trainable-parameter budget that sizes the defaults (default 10k)
  --max-features N        cap on readout features (default 1000)
  --trials N              search N configurations first (not with --shard)
  --workers N             search worker threads (default: one per core)
  --ridges a,b,…          λ candidates (default 1e-8 … 100, one per decade)
  --lambda X              use this λ (no validation choice)
  --batch-size N          sequences per native call (default 256)
  --threads N             native threads (default RAN_THREADS or all cores)
  --shard i/n             run shard i of n only and write its statistics (--stats-out)
  --stats-out FILE        the shard's .ranstats file (docs/scale-out.md)
  --out FILE.ran          the model file (docs/model-file.md)
  --json                  print what was done as one JSON line`;

/** A positive integer option given as a string (or absent). */
const positiveOf = (v: string | undefined, fallback: number, flag: string): number => positive(v, fallback, flag);

const OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  config: { type: 'string' },
  set: { type: 'string', multiple: true },
  units: { type: 'string' },
  seed: { type: 'string' },
  budget: { type: 'string' },
  'max-features': { type: 'string' },
  trials: { type: 'string' },
  workers: { type: 'string' },
  ridges: { type: 'string' },
  lambda: { type: 'string' },
  'batch-size': { type: 'string' },
  threads: { type: 'string' },
  shard: { type: 'string' },
  'stats-out': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Option values: strings (`--set` gives a list). */
type Values = Record<string, string | undefined> & { set?: string[] | string };

function parseSet(list: unknown): Record<string, number | string | boolean> {
  const out: Record<string, number | string | boolean> = {};
  for (const item of (list as string[] | undefined) ?? []) {
    const m = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(item);
    if (!m) usage(`--set must be name=value, got "${item}"`);
    const raw = m[2]!;
    out[m[1]!] = raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return out;
}

/** The reservoir of a fit: the defaults or the search's best, then --config, --set and --units on top. */
async function chooseConfig(
  values: Values,
  dir: string,
  task: ReturnType<typeof readTaskFolder>,
): Promise<ReservoirConfig> {
  const file = values.config !== undefined ? a.readConfigFile(values.config) : undefined;
  const architecture = a.parseArchitecture(values.model ?? file?.kind);
  if (file && file.kind !== architecture) usage(`--model ${architecture} but --config holds a ${file.kind}`);
  const seed = a.naturalInt(values.seed, 0, 'seed');
  const maxFeatures = positiveOf(values['max-features'], 1000, 'max-features');
  const budget = values.budget ?? '10k';
  let base = a.defaultConfig(architecture, budget, seed, maxFeatures, task);
  if (values.trials !== undefined) {
    const trials = positiveOf(values.trials, 8, 'trials');
    const spec = searchSpec(task, { architecture, budget: parseBudget(budget), trials, seed, maxFeatures, shards: 1 });
    const lines = await runSearch(dir, task, spec, positiveOf(values.workers, defaultThreads(), 'workers'));
    base = bestLine(lines).config;
  }
  const options = { ...base.options, ...(file?.options ?? {}), ...parseSet(values.set) } as Record<string, unknown>;
  if (values.units !== undefined) options.units = positiveOf(values.units, 1, 'units');
  return { kind: architecture, options } as unknown as ReservoirConfig;
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommand(argv, OPTIONS);
  const dir = checkInputFolder('data', values.data);
  const shard = values.shard !== undefined ? a.shardOption(values.shard) : undefined;
  if (shard) {
    if (values['stats-out'] === undefined) usage('--shard needs --stats-out FILE.ranstats');
    if (values.out !== undefined)
      usage('--shard writes statistics (--stats-out), not a model: merge the parts with ran merge --out');
    if (values.trials !== undefined)
      usage('--shard needs a fixed reservoir: run ran search first and pass its best with --config');
    checkOutputPath('stats-out', String(values['stats-out']));
  } else {
    if (values['stats-out'] !== undefined) usage('--stats-out goes with --shard i/n');
    if (values.out === undefined) usage('--out FILE.ran is required');
    checkOutputPath('out', values.out);
  }
  const ridges =
    values.lambda !== undefined
      ? a.parseRidges(values.lambda, 'lambda').slice(0, 1)
      : values.ridges !== undefined
        ? a.parseRidges(values.ridges, 'ridges')
        : [...DEFAULT_RIDGES];
  const batchSize = positiveOf(values['batch-size'], 256, 'batch-size');
  const threads = values.threads !== undefined ? positiveOf(values.threads, 1, 'threads') : undefined;
  const task = readTaskFolder(dir);
  const config = await chooseConfig(values as Values, dir, task);
  const started = Date.now();
  if (shard) {
    const job = fitJob(task, config, shard.count, { ridges, batchSize });
    const stats = await runShard(task, job, shard.index, threads);
    await saveStats(String(values['stats-out']), encodeShard(job, shard.index, stats, libraryInfo()));
    const line = {
      shard: `${shard.index}/${shard.count}`,
      statsOut: values['stats-out'],
      rows: stats.train.rows,
      validRows: stats.valid.rows,
      seconds: (Date.now() - started) / 1000,
    };
    process.stdout.write(
      values.json
        ? `${JSON.stringify(line)}\n`
        : `shard ${line.shard}: ${line.rows} training rows, ${line.validRows} validation rows -> ${line.statsOut} (${line.seconds.toFixed(1)} s)\n`,
    );
    return 0;
  }
  const { model, report } = await fitInOneProcess(task, config, { ridges, batchSize, threads });
  await saveModel(model, String(values.out));
  model.reservoir.dispose();
  const line = {
    out: values.out,
    ridge: report.ridge,
    rows: report.rows,
    validation: report.validation,
    config,
    seconds: (Date.now() - started) / 1000,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(line)}\n`
      : `${config.kind} fitted on ${report.rows} rows, λ = ${report.ridge} -> ${line.out} (${line.seconds.toFixed(1)} s)\n`,
  );
  return 0;
}

/** `ran fit`. */
export const fit: Command = {
  name: 'fit',
  usage: 'ran fit --data DIR --model esn|ran-a|ran-c [--config F.json] --out model.ran',
  summary: 'train a model on a task folder and save it (--shard i/n: one shard of a sharded fit)',
  help: HELP,
  run,
};
