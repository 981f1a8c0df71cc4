/** `ran search`: a seeded random search on a task folder, whole or as shards of its two rounds; merging of the parts. */
import * as fs from 'fs';
import { readTaskFolder } from '../../io/taskFolder';
import { parseBudget } from '../../model/budget';
import * as a from '../../scaleout/cli';
import {
  bestLine,
  firstRound,
  formatPart,
  mergeSearchParts,
  parseSearchPart,
  regimeOf,
  roundRange,
  runRound,
  runSearch,
  searchSpec,
  type SearchPart,
  type TrialLine,
} from '../../scaleout/search';
import { defaultThreads } from '../../threads';
import {
  checkInputFile,
  checkInputFolder,
  checkOutputPath,
  parseCommand,
  positive,
  usage,
  type Command,
} from '../command';

const HELP = `ran search — seeded random search of a reservoir on a task folder

Usage:
  ran search --data DIR --model esn|ran-a|ran-c --trials N [--seed S] [--out trials.jsonl] [--save best.json]
  ran search … --shard i/n --out r1-i.jsonl                     round 1, trials k ≡ i (mod n)
  ran search … --shard i/n --round 2 --out r2-i.jsonl r1-*.jsonl  round 2, from every round-1 part
  ran search --merge r1-*.jsonl r2-*.jsonl [--save best.json]   the best trial of all parts

The search has two rounds (lib/search/search.ts). Round 1 is trial 0 (the architecture's
defaults sized for --budget) and about half of the others, drawn from each search regime in
turn; their configurations depend on (seed, trial) only. Round 2 draws the remaining trials
from the regime of round 1's best trial, so its shards need every round-1 part. Each trial is
fitted on the training split with λ chosen on validation. The best trial (lowest validation
score, ties to the lowest validation MSE, then to the lowest index) is printed as one JSON line,
the same sharded or not. --out writes header and trial lines (failed trials with their error);
the exit code is 1 when any trial failed. --save writes the best line (for ran fit --config).

Options:
  --data DIR, --model NAME, --trials N, --seed S (default 0)
  --budget 1k|10k|…      trainable-parameter budget (default 10k)
  --max-features N       cap on readout features (default 1000)
  --workers N            worker threads (default: one per core)
  --shard i/n            run shard i of n of one round (needs --out)
  --round 1|2            the round of a shard (default 1); round 2 takes the round-1 parts as arguments
  --out FILE.jsonl       the trial lines
  --merge                the arguments are parts (of both rounds) to merge
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
  round: { type: 'string' },
  out: { type: 'string' },
  merge: { type: 'boolean' },
  save: { type: 'string' },
} as const;

function readParts(files: readonly string[]): SearchPart[] {
  return files.flatMap((name) => parseSearchPart(fs.readFileSync(checkInputFile('a part', name), 'utf8'), name));
}

function finish(lines: TrialLine[], save: string | undefined): number {
  const best = `${JSON.stringify(bestLine(lines))}\n`;
  process.stdout.write(best);
  if (save !== undefined) fs.writeFileSync(save, best);
  const failed = lines.filter((l) => l.error !== undefined);
  if (failed.length > 0)
    process.stderr.write(
      `ran search: ${failed.length} trial(s) failed, e.g. trial ${failed[0]!.id}: ${failed[0]!.error}\n`,
    );
  return failed.length > 0 ? 1 : 0;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS, Infinity);
  if (values.save !== undefined) checkOutputPath('save', values.save);
  if (values.merge) {
    if (positionals.length === 0) usage('--merge needs the part files');
    return finish(mergeSearchParts(readParts(positionals)).lines, values.save);
  }
  const dir = checkInputFolder('data', values.data);
  const round = values.round === undefined ? 1 : Number(values.round);
  if (round !== 1 && round !== 2) usage(`--round must be 1 or 2, got "${values.round}"`);
  if (values.round !== undefined && values.shard === undefined) usage('--round goes with --shard i/n');
  if (values.shard !== undefined && values.out === undefined) usage('--shard needs --out part.jsonl');
  if (round === 1 && positionals.length > 0)
    usage(`unexpected argument "${positionals[0]}" (round-1 parts go with --round 2, other parts with --merge)`);
  if (round === 2 && positionals.length === 0) usage('--round 2 needs every round-1 part as arguments');
  if (values.out !== undefined) checkOutputPath('out', values.out);
  const architecture = a.parseArchitecture(values.model);
  let budget: number;
  try {
    budget = parseBudget(values.budget ?? '10k');
  } catch (e) {
    return usage(`--budget: ${(e as Error).message}`);
  }
  if (values.trials === undefined) usage('--trials N is required');
  const shard = values.shard !== undefined ? a.shardOption(values.shard) : { index: 0, count: 1 };
  const task = readTaskFolder(dir);
  const spec = searchSpec(task, {
    architecture,
    budget,
    trials: positive(values.trials, 1, 'trials'),
    seed: a.naturalInt(values.seed, 0, 'seed'),
    maxFeatures: positive(values['max-features'], 1000, 'max-features'),
    shards: shard.count,
  });
  const workers = positive(values.workers, defaultThreads(), 'workers');
  if (values.shard === undefined) {
    const lines = await runSearch(dir, task, spec, workers);
    const n1 = roundRange(spec, 1)[1];
    const first = lines.slice(0, n1);
    if (values.out !== undefined)
      fs.writeFileSync(
        values.out,
        formatPart({ search: spec, shard: 0, round: 1 }, first) +
          formatPart({ search: spec, shard: 0, round: 2, regime: regimeOf(first) }, lines.slice(n1)),
      );
    return finish(lines, values.save);
  }
  let regime: ReturnType<typeof firstRound>['regime'] = 'wide';
  if (round === 2) {
    const first = firstRound(readParts(positionals));
    const d = (Object.keys(spec) as (keyof typeof spec)[]).find((k) => spec[k] !== first.spec[k]);
    if (d !== undefined) usage(`the round-1 parts are of another search: their "${d}" differs`);
    regime = first.regime;
  }
  const lines = await runRound(dir, task, spec, shard, round, regime, workers);
  fs.writeFileSync(
    values.out!,
    formatPart({ search: spec, shard: shard.index, round, ...(round === 2 ? { regime } : {}) }, lines),
  );
  const failed = lines.filter((l) => l.error !== undefined).length;
  process.stderr.write(
    `ran search: round ${round}, shard ${shard.index}/${shard.count}: ${lines.length} trial(s), ${failed} failed -> ${values.out}\n`,
  );
  return failed > 0 ? 1 : 0;
}

/** `ran search`. */
export const search: Command = {
  name: 'search',
  usage: 'ran search --data DIR --model M --trials N [--shard i/n [--round 2] --out part.jsonl | --merge parts…]',
  summary: 'seeded random search on a task folder, whole or in shards; merging of the parts',
  help: HELP,
  run,
};
