/**
 * The run options of `Reservoir.run`/`runAsync` that name other objects (a readout, its
 * training targets and steps, attention units), checked against the reservoir and turned
 * into the addon's options: the one place they are validated.
 */
import { ErrorCodes, RanError, invalidArg } from '../errors';
import type { NativeNetworkSpec, NativeRunOptions } from '../native';
import { Ridge } from '../readout/ridge';
import * as v from '../validate';
import type { RunOptions, TrainTarget } from './reservoir';

function checkReadout(name: string, r: unknown, featureDim: number): Ridge {
  if (!(r instanceof Ridge)) invalidArg(name, 'a Ridge', r);
  if (r.features !== featureDim)
    throw new RanError(ErrorCodes.SHAPE, `\`${name}\` has ${r.features} features, this reservoir has ${featureDim}`);
  return r;
}

/** `readout` and `outputSteps`. */
export function readoutOptions(o: RunOptions, n: NativeRunOptions, featureDim: number, b: number, t: number): void {
  if (o.readout === undefined) invalidArg('options.outputSteps', 'undefined without options.readout', o.outputSteps);
  const readout = checkReadout('options.readout', o.readout, featureDim);
  const w = readout.weights;
  if (!w) throw new RanError(ErrorCodes.STATE, '`options.readout` has no weights yet: call solve() first');
  n.readout = w;
  n.readoutOutputs = readout.outputs;
  if (o.outputSteps === 'last') {
    n.outputSelect = 'last';
  } else if (o.outputSteps !== undefined) {
    const m = v.indexMatrix('options.outputSteps', o.outputSteps, b, t);
    n.outputSelect = 'steps';
    n.outputSteps = m.data;
    n.outputStepsPerSequence = m.shape[1];
  }
}

/** `train`: the readout's statistics, targets and selected steps. */
export function trainOptions(tr: TrainTarget, n: NativeRunOptions, featureDim: number, b: number, t: number): void {
  if (tr === null || typeof tr !== 'object') invalidArg('options.train', '{ readout, targets, select }', tr);
  const readout = checkReadout('options.train.readout', tr.readout, featureDim);
  const y = v.tensor3('options.train.targets', tr.targets, readout.outputs);
  if (y.shape[0] !== b || y.shape[1] !== t) {
    throw new RanError(
      ErrorCodes.SHAPE,
      `\`options.train.targets\` has shape [${y.shape.join(', ')}], the input is [${b}, ${t}, …]`,
    );
  }
  n.stats = readout.stats;
  n.targets = y.data;
  const s = tr.select;
  if (s === 'last') {
    n.select = 'last';
  } else if (s !== null && typeof s === 'object' && 'steps' in s) {
    const m = v.indexMatrix('options.train.select.steps', s.steps, b, t);
    n.select = 'steps';
    n.steps = m.data;
    n.stepsPerSequence = m.shape[1];
  } else if (s !== null && typeof s === 'object' && 'washout' in s) {
    n.select = 'washout';
    n.washout = v.integer('options.train.select.washout', s.washout, 0);
  } else {
    invalidArg('options.train.select', "{ steps }, { washout } or 'last'", s);
  }
}

/** `attentionUnits` and `attentionStats`; returns the shape of the captured weights per step, if any. */
export function attentionOptions(
  o: RunOptions,
  n: NativeRunOptions,
  spec: NativeNetworkSpec,
): { units: number; heads: number; context: number } | undefined {
  const idx = spec.populations.findIndex((p) => p.kind === 'attention');
  if (o.attentionStats !== undefined && v.boolean('options.attentionStats', o.attentionStats)) {
    if (idx < 0)
      invalidArg(
        'options.attentionStats',
        'undefined or false: this reservoir has no attention units',
        o.attentionStats,
      );
    n.attentionStats = true;
  }
  const units = o.attentionUnits;
  if (units === undefined) return undefined;
  const pop = idx < 0 ? undefined : spec.populations[idx];
  if (pop === undefined)
    invalidArg('options.attentionUnits', 'undefined: this reservoir has no attention units', units);
  if (!Array.isArray(units) || units.length === 0)
    invalidArg('options.attentionUnits', 'a non-empty array of unit indices', units);
  units.forEach((u, i) => {
    v.integer(`options.attentionUnits[${i}]`, u, 0, pop.units - 1);
    if (units.indexOf(u) < i) invalidArg(`options.attentionUnits[${i}]`, 'a unit not already listed', u);
  });
  n.attentionPopulation = idx;
  n.attentionUnits = Int32Array.from(units);
  return { units: units.length, heads: pop.heads ?? 1, context: pop.context ?? 1 };
}
