/**
 * Seeded random search: trial 0 is the architecture's defaults, the others are drawn from
 * its space; the trial with the best validation score is reported on test.
 */
import { ARCHITECTURES, type Architecture, type ReservoirConfig } from '../model/config';
import { DEFAULT_RIDGES } from '../model/model';
import { sizeForBudget } from '../model/budget';
import { Random } from '../random';
import { sample, spaceFor } from './space';
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
  /** STREAM task name: picks the task family's space (`spaceFor`); none = the default spaces. */
  task?: string;
}

/** Configs of a search's trials, reproducible from the plan. */
export function planTrials(plan: SearchPlan, shape: TaskShape): ReservoirConfig[] {
  const rng = new Random(plan.seed * 7919 + ARCHITECTURES.indexOf(plan.architecture));
  const configs: ReservoirConfig[] = [];
  const space = spaceFor(plan.architecture, plan.task);
  for (let i = 0; i < plan.trials; i++) {
    const point = i === 0 ? {} : sample(space, rng);
    // Every trial of a search draws its weights from the same seed: trials differ in their
    // hyperparameters only (as in the NumPy peer, which draws W once per search), and a
    // worker draws and measures each (size, connectivity)'s recurrent matrix once
    // (reservoirs/recurrentCache.ts).
    const seed = plan.seed * 1000;
    const size = sizeForBudget(plan.architecture, plan.budget, shape.inputDim, shape.outputs, 16, plan.maxFeatures);
    const base = { inputDim: shape.inputDim, seed };
    if (plan.architecture === 'esn') configs.push({ kind: 'esn', options: { ...base, units: size.units, ...point } });
    else if (plan.architecture === 'ran-a') configs.push({ kind: 'ran-a', options: { ...base, units: size.units, ...point } });
    else configs.push({ kind: 'ran-c', options: { ...base, attentionUnits: size.attentionUnits, memoryUnits: size.memoryUnits, ...point } });
  }
  return configs;
}

/** Trial requests of a search (ids start at `firstId`). */
export function trialRequests(task: TaskSource, configs: ReservoirConfig[], firstId: number, threads: number, ridges: readonly number[] = DEFAULT_RIDGES): TrialRequest[] {
  return configs.map((config, i) => ({ id: firstId + i, task, config, ridges: [...ridges], threads, affinity: affinityOf(config) }));
}

/** What decides a config's recurrent matrix besides its architecture's defaults. */
function affinityOf(config: ReservoirConfig): string {
  const o = config.options as { seed?: number; units?: number; attentionUnits?: number; connectivity?: number };
  return `${config.kind}|${o.seed}|${o.units ?? o.attentionUnits}|${o.connectivity}`;
}

/** The best trial: lowest validation score, ties to the lowest id. */
export function bestTrial(results: readonly TrialResult[]): TrialResult {
  let best = results[0]!;
  for (const r of results) if (r.valid < best.valid || (r.valid === best.valid && r.id < best.id)) best = r;
  return best;
}
