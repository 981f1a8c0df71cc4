/** `ran search`: a seeded random search on a task folder, whole or as shard i of n; merging of the parts. */
import * as fs from 'fs';
import { readTaskFolder } from '../../io/taskFolder';
import { parseBudget } from '../../model/budget';
import * as a from '../../scaleout/cli';
import { checkInputFolder, checkOutputPath, parseCommand, positive, usage, type Command } from '../command';
import { bestLine, mergeSearchParts, parseSearchPart, runSearchShard, searchSpec, type TrialLine } from '../../scaleout/search';
import { defaultThreads } from '../../threads';

const HELP = `ran search — seeded random search of a reservoir on a task folder

Usage:
  ran search --data DIR --model esn|ran-a|ran-c --trials N [--seed S] [--out trials.jsonl] [--save best.json]
  ran search … --shard i/n --out part-i.jsonl          the trials k ≡ i (mod n) only
  ran search --merge part-*.jsonl [--save best.json]    the best trial of all parts

Trial 0 is the architecture's defaults sized for --budget, trial k > 0 a draw from its space
that depends on (seed, k) only, so a sharded search runs the same configurations. Each trial
is fitted on the training split with λ chosen on validation; the best trial (lowest validation
score, ties to the lowest index) is printed as one JSON line, the same sharded or not.
--out writes a header line and one line per trial (failed trials with their error); the exit
code is 1 when any trial failed. --save writes the best line (usable by ran fit --config).

Options:
  --data DIR, --model NAME, --trials N, --seed S (default 0)
  --budget 1k|10k|…      trainable-parameter budget (default 10k)
  --max-features N       cap on readout features (default 1000)
  --workers N            worker threads (default: one per core)
  --shard i/n            run shard i of n (needs --out)
  --out FILE.jsonl       the trial lines
  --merge                the positional arguments are parts to merge
  --save FILE.json       also write the best line to this file`;

const OPTIONS = {
  data: { type: 'string' },
  model: { type: 'string' },
  trials: { type: 'string' },
  seed: { type: 'string' },
  budget: { type: 'string' },
  'max-features': { type: 'string' },
  workers: { type: 'string' },
  shard: { type: 'string' },
  out: { type: 'string' },
  merge: { type: 'boolean' },
  save: { type: 'string' },
} as const;

function finish(lines: TrialLine[], save: unknown): number {
  const best = `${JSON.stringify(bestLine(lines))}\n`;
  process.stdout.write(best);
  if (save !== undefined) fs.writeFileSync(String(save), best);
  const failed = lines.filter((l) => l.error !== undefined);
  if (failed.length > 0) process.stderr.write(`ran search: ${failed.length} trial(s) failed, e.g. trial ${failed[0]!.id}: ${failed[0]!.error}\n`);
  return failed.length > 0 ? 1 : 0;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, Infinity);
  if (values.save !== undefined) checkOutputPath('save', values.save);
  if (values.merge) {
    if (positionals.length === 0) usage('--merge needs the part files');
    const parts = positionals.map((name) => {
      let text: string;
      try {
        text = fs.readFileSync(name, 'utf8');
      } catch (e) {
        usage(`cannot read "${name}": ${(e as Error).message}`);
      }
      return { name, ...parseSearchPart(text, name) };
    });
    return finish(mergeSearchParts(parts).lines, values.save);
  }
  if (positionals.length > 0) usage(`unexpected argument "${positionals[0]}" (parts go with --merge)`);
  const dir = checkInputFolder('data', values.data);
  const shard = values.shard !== undefined ? a.shardOption(values.shard) : { index: 0, count: 1 };
  if (values.shard !== undefined && values.out === undefined) usage('--shard needs --out part-i.jsonl');
  if (values.out !== undefined) checkOutputPath('out', values.out);
  const architecture = a.parseArchitecture(values.model);
  let budget: number;
  try {
    budget = parseBudget(String(values.budget ?? '10k'));
  } catch (e) {
    usage(`--budget: ${(e as Error).message}`);
  }
  if (values.trials === undefined) usage('--trials N is required');
  const trials = positive(values.trials, 1, 'trials');
  const task = readTaskFolder(dir);
  const spec = searchSpec(task, { architecture, budget, trials, seed: a.naturalInt(values.seed, 0, 'seed'), maxFeatures: positive(values['max-features'], 1000, 'max-features'), shards: shard.count });
  const lines = await runSearchShard(dir, task, spec, shard, positive(values.workers, defaultThreads(), 'workers'));
  if (values.out !== undefined) {
    const text = [{ search: spec, shard: shard.index }, ...lines].map((l) => JSON.stringify(l)).join('\n');
    fs.writeFileSync(String(values.out), `${text}\n`);
  }
  if (shard.count > 1) {
    const failed = lines.filter((l) => l.error !== undefined).length;
    process.stderr.write(`ran search: shard ${shard.index}/${shard.count}: ${lines.length} trial(s), ${failed} failed -> ${values.out}\n`);
    return failed > 0 ? 1 : 0;
  }
  return finish(lines, values.save);
}

/** `ran search`. */
export const search: Command = {
  name: 'search',
  usage: 'ran search --data DIR --model M --trials N [--shard i/n --out part.jsonl | --merge parts…]',
  summary: 'seeded random search on a task folder, whole or as shard i of n; merging of the parts',
  help: HELP,
  run,
};
