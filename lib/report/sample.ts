/**
 * One test sequence run through a reservoir rebuilt from an evaluation's best config: its
 * input, a few state dimensions over time and, for RAN-A / RAN-C, attention weights.
 */
import { readTaskFolder } from '../io/taskFolder';
import { architecture, type PopulationShape } from '../architectures/index';
import { createReservoir, type ReservoirConfig } from '../model/config';
import type { StreamCell } from '../stream/evaluate';
import { DecomposedReservoir } from '../reservoirs/decomposed';
import { buildTask } from '../tasks/index';
import type { Difficulty } from '../tasks/configs';
import { isTaskName } from '../tasks/names';
import type { TaskData } from '../tasks/types';

/** Longest stretch of a sample that is plotted (the last steps of longer sequences). */
export const MAX_SAMPLE_STEPS = 240;
/** Number of state dimensions plotted. */
export const TRACE_DIMENSIONS = 8;

/** Attention weights of one unit and head over the plotted steps. */
export interface AttentionTrace {
  /** Index of the unit in the attention population. */
  unit: number;
  /** Weight of each (step, age): `weights[i][age]`, age 0 = the current step's item. */
  weights: number[][];
}

/** What {@link runSample} measured. */
export interface SampleTrace {
  /** Task the sequence comes from. */
  task: string;
  /** Model label ("ESN", "RAN-A", "RAN-C"). */
  model: string;
  /** Seed whose best config was rebuilt. */
  seed: number;
  /** Test score of that config on that seed. */
  score: number;
  /** Index of the test sequence. */
  sequence: number;
  /** Length of the whole sequence. */
  length: number;
  /** First plotted step (steps `start … start + steps.length − 1`). */
  start: number;
  /** Plotted step indices. */
  steps: number[];
  /** Input at every plotted step: `input[i][d]`. */
  input: number[][];
  /** Plotted state dimensions: index into the state vector and a label. */
  dimensions: { index: number; label: string }[];
  /** `states[i][j]`: dimension j at plotted step i. */
  states: number[][];
  /** Prediction steps of the sequence that fall in the plotted range. */
  predictionSteps: number[];
  /** Target class at the last prediction step (classification tasks). */
  targetClass?: number;
  /** Attention weights (reservoirs with attention units only). */
  attention?: { heads: number; context: number; units: AttentionTrace[] };
}

/** Display name of an architecture ("ran-a" → "RAN-A"). */
export function modelLabel(kind: string): string {
  return architecture(kind, 'model').label;
}

/** The populations of a config's reservoir, in state order. */
function populationsOf(config: ReservoirConfig): PopulationShape[] {
  const arch = architecture(config.kind, 'config.kind');
  return arch.populations(arch.normalize(config.options));
}

/** Units of the first attention population (the one a run captures weights of), 0 without one. */
export function attentionUnitCount(config: ReservoirConfig): number {
  return populationsOf(config).find((p) => p.kind === 'attention')?.units ?? 0;
}

/** The best seed of a cell (lowest finite test score), or undefined when every seed failed. */
function bestSeed(cell: StreamCell): StreamCell['perSeed'][number] | undefined {
  const ok = cell.perSeed.filter((s) => Number.isFinite(s.score));
  return ok.sort((a, b) => a.score - b.score)[0];
}

/**
 * The cell whose config is replayed: the best model of `task` (lowest finite mean), or with
 * `attentionOnly` the best model that has attention units.
 */
export function pickCell(cells: readonly StreamCell[], task: string, attentionOnly = false): StreamCell | undefined {
  return cells
    .filter((c) => c.task === task && Number.isFinite(c.mean) && bestSeed(c) !== undefined)
    .filter((c) => !attentionOnly || attentionUnitCount(bestSeed(c)!.config) > 0)
    .sort((a, b) => a.mean - b.mean)[0];
}

/** The task whose sample is shown: sequential_mnist when it was evaluated, else the first task. */
export function pickTask(cells: readonly StreamCell[]): string | undefined {
  const tasks = cells.map((c) => c.task);
  return tasks.includes('sequential_mnist') ? 'sequential_mnist' : tasks[0];
}

/** Evenly spread state dimensions, labelled by unit for reservoirs of multi-dimensional units. */
function traceDimensions(config: ReservoirConfig, stateSize: number): { index: number; label: string }[] {
  const populations = populationsOf(config);
  // Every unit in state order, with its population's kind and width.
  const units = populations.flatMap((p) => Array.from({ length: p.units }, () => ({ kind: p.kind, width: p.width })));
  const starts: number[] = [];
  units.reduce((at, u) => (starts.push(at), at + u.width), 0);
  const multi = units.every((u) => u.width > 1);
  const count = Math.min(TRACE_DIMENSIONS, stateSize);
  const picks: number[] = [];
  if (multi && units.length >= count) {
    // one dimension from each of `count` units spread over the reservoir, cycling the dimension
    for (let j = 0; j < count; j++) {
      const u = Math.floor((j * units.length) / count);
      picks.push(starts[u]! + (j % units[u]!.width));
    }
  } else {
    for (let j = 0; j < count; j++) picks.push(Math.floor((j * stateSize) / count));
  }
  return picks.map((index) => {
    if (!multi) return { index, label: `x${index}` };
    let unit = 0;
    while (unit + 1 < starts.length && starts[unit + 1]! <= index) unit++;
    const kind = populations.length > 1 ? `${units[unit]!.kind} ` : '';
    return { index, label: `${kind}unit ${unit}, dim ${index - starts[unit]!}` };
  });
}

/**
 * Rebuilds `cell`'s best config (data keys included, from the same training inputs),
 * generates its task at the evaluation's `difficulty` with that seed (or reads it) and runs
 * test sequence `sequence`, returning the plotted parts. The reservoir is disposed afterwards.
 */
export function runSample(
  cell: StreamCell,
  options: { dataDir?: string; sequence?: number; difficulty?: Difficulty } = {},
): SampleTrace {
  const best = bestSeed(cell);
  if (!best) throw new Error(`every seed of ${cell.task}/${cell.model} failed`);
  let data: TaskData;
  if (isTaskName(cell.task))
    data = buildTask(cell.task, { difficulty: options.difficulty ?? 'small', seed: best.seed });
  else if (options.dataDir !== undefined) data = readTaskFolder(options.dataDir);
  else throw new Error(`no generator for task "${cell.task}"`);
  const [b, t, d] = data.test.x.shape;
  const sequence = Math.min(options.sequence ?? 0, b - 1);
  const x = data.test.x.data.slice(sequence * t * d, (sequence + 1) * t * d);
  const reservoir = createReservoir(best.config);
  try {
    // The scored model stored drive vectors of its training inputs as keys (Model.fit does the same).
    if (reservoir instanceof DecomposedReservoir && reservoir.options.keys === 'data')
      reservoir.fitKeys(data.train.x, { threads: 1 });
    const unitCount = attentionUnitCount(best.config);
    const attentionUnits = unitCount > 0 ? Array.from({ length: Math.min(4, unitCount) }, (_, i) => i) : undefined;
    const run = reservoir.run({ data: x, shape: [1, t, d] }, { states: true, attentionUnits, threads: 1 });
    if (!run.states) throw new Error('the run returned no states');
    const n = reservoir.stateSize;
    const start = Math.max(0, t - MAX_SAMPLE_STEPS);
    const steps = Array.from({ length: t - start }, (_, i) => start + i);
    const dimensions = traceDimensions(best.config, n);
    const states = steps.map((s) => dimensions.map((dim) => run.states!.data[s * n + dim.index]!));
    const input = steps.map((s) => Array.from(x.subarray(s * d, (s + 1) * d)));
    const nT = data.test.t.shape[1];
    const allPredictionSteps = Array.from(data.test.t.data.subarray(sequence * nT, (sequence + 1) * nT));
    const predictionSteps = allPredictionSteps.filter((s) => s >= start);
    const trace: SampleTrace = {
      task: cell.task,
      model: modelLabel(cell.model),
      seed: best.seed,
      score: best.score,
      sequence,
      length: t,
      start,
      steps,
      input,
      dimensions,
      states,
      predictionSteps,
    };
    if (data.classification && allPredictionSteps.length > 0) {
      const last = allPredictionSteps[allPredictionSteps.length - 1]!;
      const outs = data.test.y.shape[2];
      const y = data.test.y.data.subarray((sequence * t + last) * outs, (sequence * t + last + 1) * outs);
      let arg = 0;
      for (let k = 1; k < outs; k++) if (y[k]! > y[arg]!) arg = k;
      trace.targetClass = arg;
    }
    if (run.attention && attentionUnits) {
      const [, , units, heads, context] = run.attention.shape;
      const a = run.attention.data;
      // [1, T, units, heads, context]: head 0 of each unit
      trace.attention = {
        heads,
        context,
        units: attentionUnits.slice(0, units).map((unit, u) => ({
          unit,
          weights: steps.map((s) =>
            Array.from(a.subarray((s * units + u) * heads * context, ((s * units + u) * heads + 1) * context)),
          ),
        })),
      };
    }
    return trace;
  } finally {
    reservoir.dispose();
  }
}
