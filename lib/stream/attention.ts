/**
 * Does a configuration use its attention? Replays it on a few sequences and summarises the
 * attention weights of every attention unit (issue 14 §2): the entropy of the weights
 * relative to log(filled slots) (1 = uniform: the unit averages its context), the weight
 * on the newest slot, and the mean lag in steps of the attended mass.
 */
import { architecture } from '../architectures/index';
import type { ReservoirConfig } from '../model/config';
import { sliceBatch, type Tensor3 } from '../tensor';

/**
 * Attention statistics: per attention unit, means over sequences, steps and heads with ≥ 2
 * filled slots (a unit that never had two counts as one slot: entropy 0, newest 1, lag 0),
 * averaged over the units.
 */
export interface AttentionUse {
  /** Context length k. */
  context: number;
  /** Mean entropy of the weights / log(filled slots), in [0, 1]. */
  entropy: number;
  /** Mean weight on the newest slot (the current step's item). */
  newest: number;
  /** Mean lag of the attended mass, Σ age · a, in steps. */
  lag: number;
}

/**
 * Replays `config` on up to `maxSequences` sequences of `x` (after fitting data keys on
 * `trainX` when the config asks for them); undefined when the config has no attention
 * units or k = 1 (one slot: attention is the identity). The statistics are the run's own
 * (`attentionStats`, per unit over the steps and heads where that unit had two filled slots,
 * counted per sequence: with gated writes a unit fills its context only when it writes, so
 * the step number does not tell how many slots are filled), averaged over the units.
 */
export function attentionUse(
  config: ReservoirConfig,
  x: Tensor3,
  trainX: Tensor3,
  maxSequences = 20,
): AttentionUse | undefined {
  const arch = architecture(config.kind, 'config.kind');
  if (!arch.populations(arch.normalize(config.options)).some((p) => p.kind === 'attention')) return undefined;
  const reservoir = arch.create(config.options);
  try {
    arch.prepare?.(reservoir, trainX, { threads: 1 });
    const pop = reservoir.describe().populations.find((p) => p.kind === 'attention')!;
    const k = pop.context ?? 1;
    if (pop.units < 1 || k < 2) return undefined;
    const sequences = Math.max(1, Math.min(x.shape[0], maxSequences));
    const stats = reservoir.run(sliceBatch(x, 0, sequences), { attentionStats: true, threads: 1 }).attentionStats!;
    const mean = (a: Float64Array): number => a.reduce((sum, v) => sum + v, 0) / a.length;
    return {
      context: k,
      entropy: mean(stats.relativeEntropy),
      newest: mean(stats.newestWeight),
      lag: mean(stats.meanLag),
    };
  } finally {
    reservoir.dispose();
  }
}
