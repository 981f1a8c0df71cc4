/**
 * The scored model of the report's sample, fitted again from its configuration and seed (the
 * same fit as its trial: train split, λ chosen on the validation split among the default
 * candidates, so the same weights): its predictions against the targets on one test sequence
 * and its validation score for each candidate λ.
 */
import { readTaskFolder } from '../io/taskFolder';
import { createReservoir } from '../model/config';
import { Model } from '../model/model';
import type { StreamCell } from '../stream/evaluate';
import { buildTask } from '../tasks/index';
import type { Difficulty } from '../tasks/configs';
import { isTaskName } from '../tasks/names';
import type { TaskData } from '../tasks/types';
import { MAX_SAMPLE_STEPS, modelLabel } from './sample';

/** Outputs plotted against their targets. */
export interface ReplayOutput {
  /** "y0", or "class 3" for a classification task. */
  label: string;
  /** Target and prediction at each plotted step. */
  target: number[];
  predicted: number[];
}

/** What {@link replayModel} measured. */
export interface ReplayTrace {
  task: string;
  model: string;
  seed: number;
  /** Index of the test sequence. */
  sequence: number;
  classification: boolean;
  /** The λ kept and the validation score of every candidate. */
  ridge: number;
  validation: { ridge: number; score: number }[];
  /** The refitted model's test score (the trial's, when the replay is faithful). */
  testScore: number;
  /** Prediction steps of the sequence that are plotted (its last MAX_SAMPLE_STEPS steps). */
  steps: number[];
  /** Regression: up to 3 output dimensions at `steps`. */
  outputs: ReplayOutput[];
  /** Classification: every class output at the last prediction step, and the target class. */
  classes?: { output: number[]; target: number };
}

function bestSeed(cell: StreamCell): StreamCell['perSeed'][number] | undefined {
  return cell.perSeed.filter((s) => Number.isFinite(s.score)).sort((a, b) => a.score - b.score)[0];
}

function taskOf(cell: StreamCell, seed: number, options: { dataDir?: string; difficulty?: Difficulty }): TaskData {
  if (isTaskName(cell.task)) return buildTask(cell.task, { difficulty: options.difficulty ?? 'small', seed });
  if (options.dataDir !== undefined) return readTaskFolder(options.dataDir);
  throw new Error(`no generator for task "${cell.task}"`);
}

/** Refits the best seed's configuration of `cell` and predicts test sequence `sequence`. */
export async function replayModel(
  cell: StreamCell,
  options: { dataDir?: string; difficulty?: Difficulty; sequence?: number } = {},
): Promise<ReplayTrace> {
  const best = bestSeed(cell);
  if (!best) throw new Error(`every seed of ${cell.task}/${cell.model} failed`);
  const task = taskOf(cell, best.seed, options);
  const model = new Model(createReservoir(best.config));
  try {
    const fit = await model.fit(task, { threads: 1 });
    const testScore = await model.evaluate(task.test, task.classification, { threads: 1 });
    const [b, t, d] = task.test.x.shape;
    const sequence = Math.min(options.sequence ?? 0, b - 1);
    const out = await model.predict(
      { data: task.test.x.data.subarray(sequence * t * d, (sequence + 1) * t * d), shape: [1, t, d] },
      { threads: 1 },
    );
    const o = out.shape[2];
    const nT = task.test.t.shape[1];
    const start = Math.max(0, t - MAX_SAMPLE_STEPS);
    const steps = Array.from(task.test.t.data.subarray(sequence * nT, (sequence + 1) * nT)).filter((s) => s >= start);
    const at = (data: Float32Array, step: number, k: number): number => data[(sequence * t + step) * o + k]!;
    const trace: ReplayTrace = {
      task: cell.task,
      model: modelLabel(cell.model),
      seed: best.seed,
      sequence,
      classification: task.classification,
      ridge: fit.ridge,
      validation: fit.validation ?? [],
      testScore,
      steps,
      outputs: [],
    };
    const last = steps[steps.length - 1];
    if (task.classification && last !== undefined) {
      const output = Array.from(out.data.subarray(last * o, (last + 1) * o));
      const y = Array.from({ length: o }, (_, k) => at(task.test.y.data, last, k));
      trace.classes = { output, target: y.indexOf(Math.max(...y)) };
    } else {
      trace.outputs = Array.from({ length: Math.min(3, o) }, (_, k) => ({
        label: `y${k}`,
        target: steps.map((s) => at(task.test.y.data, s, k)),
        predicted: steps.map((s) => out.data[s * o + k]!),
      }));
    }
    return trace;
  } finally {
    model.reservoir.dispose();
  }
}
