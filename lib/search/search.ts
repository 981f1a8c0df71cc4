/**
 * Seeded random search in two rounds. Round 1: trial 0 is the architecture's defaults, the
 * others are drawn from each regime of `REGIMES` in turn. Round 2: the remaining trials are
 * drawn from the regime of round 1's best trial. Nothing depends on a task's name, so a
 * generated task and the same data read from a folder get the same search. The trial with
 * the best validation score is reported on test.
 */
import { architecture } from '../architectures/index';
import { ARCHITECTURES, type Architecture, type ReservoirConfig } from '../model/config';
import { DEFAULT_RIDGES } from '../model/model';
import { sizeForBudget } from '../model/budget';
import { Random } from '../random';
import { REGIMES, sample, spaceFor, type Regime } from './space';
import type { TaskSource, TrialRequest, TrialResult } from './trial';

/** Shapes a search needs to size its reservoirs. */
export interface TaskShape {
  inputDim: number;
  outputs: number;
}

/** Options of the trial configs of one search. */
export interface SearchPlan {
  architecture: Architecture;
  budget: number;
  trials: number;
  seed: number;
  /** Cap on readout features (default 1000). */
  maxFeatures?: number;
}

/** Trials in round 1 (trial 0 and about half of the others); the rest form round 2. */
export function firstRoundSize(trials: number): number {
  return trials <= 1 ? trials : 1 + Math.ceil((trials - 1) / 2);
}

/** The regime trial `i` of round 1 is drawn from (trial 0, the defaults, counts as `wide`). */
export function firstRoundRegime(i: number): Regime {
  return i === 0 ? 'wide' : REGIMES[(i - 1) % REGIMES.length]!;
}

/**
 * Configs of a search's trials, reproducible from the plan: round 1 (independent of
 * `secondRound`), then round 2 drawn from the regime `secondRound` (default `wide`).
 */
export function planTrials(plan: SearchPlan, shape: TaskShape, secondRound: Regime = 'wide'): ReservoirConfig[] {
  const stream = plan.seed * 7919 + ARCHITECTURES.indexOf(plan.architecture);
  const first = new Random(stream);
  const second = new Random(stream * 4 + 1 + REGIMES.indexOf(secondRound));
  const n1 = firstRoundSize(plan.trials);
  const size = sizeForBudget(plan.architecture, plan.budget, shape.inputDim, shape.outputs, 16, plan.maxFeatures);
  const configs: ReservoirConfig[] = [];
  for (let i = 0; i < plan.trials; i++) {
    const point =
      i === 0
        ? {}
        : i < n1
          ? sample(spaceFor(plan.architecture, firstRoundRegime(i)), first)
          : sample(spaceFor(plan.architecture, secondRound), second);
    // Every trial of a search draws its weights from the same seed: trials differ in their
    // hyperparameters only (as in the NumPy peer, which draws W once per search), and a
    // worker draws and measures each (size, connectivity)'s recurrent matrix once
    // (reservoirs/recurrentCache.ts).
    const base = { inputDim: shape.inputDim, seed: plan.seed * 1000 };
    configs.push({ kind: plan.architecture, options: { ...base, ...size.options, ...point } });
  }
  return configs;
}

/** The regime of round 2: the regime of round 1's best trial (`results` in trial order). */
export function secondRoundRegime(firstRound: readonly TrialResult[]): Regime {
  const best = bestTrial(firstRound);
  return firstRoundRegime(firstRound.indexOf(best));
}

/** Trial requests of a search (ids start at `firstId`). */
export function trialRequests(
  task: TaskSource,
  configs: ReservoirConfig[],
  firstId: number,
  threads: number,
  ridges: readonly number[] = DEFAULT_RIDGES,
): TrialRequest[] {
  return configs.map((config, i) => ({
    id: firstId + i,
    task,
    config,
    ridges: [...ridges],
    threads,
    affinity: affinityOf(config),
  }));
}

/**
 * What decides a config's recurrent matrix, defaults filled in (trial 0, the defaults, then
 * shares its matrix with the trials that name the same values).
 */
function affinityOf(config: ReservoirConfig): string {
  type Shape = { seed?: number; units?: number; attentionUnits?: number; connectivity?: unknown };
  let o = config.options as Shape;
  try {
    o = architecture(config.kind).normalize(config.options);
  } catch {
    // An invalid config fails in its trial; any affinity will do.
  }
  return `${config.kind}|${o.seed}|${o.units ?? o.attentionUnits}|${JSON.stringify(o.connectivity)}`;
}

function key(x: number): number {
  return Number.isNaN(x) ? Infinity : x;
}

/** The best trial: lowest validation score, ties to the lowest validation MSE, then to the earliest trial. */
export function bestTrial(results: readonly TrialResult[]): TrialResult {
  let best = results[0]!;
  for (const r of results) {
    if (key(r.valid) < key(best.valid) || (key(r.valid) === key(best.valid) && key(r.validMse) < key(best.validMse)))
      best = r;
  }
  return best;
}
