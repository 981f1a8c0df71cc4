/**
 * Does a configuration use its attention? Replays it on a few sequences and summarises the
 * attention weights of every attention unit (issue 14 §2): the entropy of the weights
 * relative to log(filled slots) (1 = uniform: the unit averages its context), the weight
 * on the newest slot, and the mean lag in steps of the attended mass.
 */
import { architecture } from '../architectures/index';
import type { ReservoirConfig } from '../model/config';
import { sliceBatch, type Tensor3 } from '../tensor';

/** Attention statistics averaged over units, heads, sequences and steps with ≥ 2 filled slots. */
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

/** Cap on attention weights held at once (floats): bounds the memory of a replay. */
const MAX_WEIGHTS = 8_000_000;

/**
 * Replays `config` on up to `maxSequences` sequences of `x` (after fitting data keys on
 * `trainX` when the config asks for them); undefined when the config has no attention
 * units or k = 1 (one slot: attention is the identity).
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
    // The run captures the first attention population.
    const pop = reservoir.describe().populations.find((p) => p.kind === 'attention')!;
    const units = pop.units;
    const heads = pop.heads ?? 1;
    const k = pop.context ?? 1;
    if (units < 1 || k < 2) return undefined;
    const [b, t] = x.shape;
    const sequences = Math.max(
      1,
      Math.min(b, maxSequences, Math.floor(MAX_WEIGHTS / Math.max(1, t * units * heads * k))),
    );
    const run = reservoir.run(sliceBatch(x, 0, sequences), {
      attentionUnits: Array.from({ length: units }, (_, i) => i),
      threads: 1,
    });
    const a = run.attention!.data;
    let entropy = 0;
    let newest = 0;
    let lag = 0;
    let n = 0;
    for (let s = 0; s < sequences; s++) {
      for (let step = 1; step < t; step++) {
        const filled = Math.min(step + 1, k);
        for (let uh = 0; uh < units * heads; uh++) {
          const off = ((s * t + step) * units * heads + uh) * k;
          let h = 0;
          let l = 0;
          for (let age = 0; age < filled; age++) {
            const w = a[off + age]!;
            if (w > 0) h -= w * Math.log(w);
            l += age * w;
          }
          entropy += h / Math.log(filled);
          newest += a[off]!;
          lag += l;
          n++;
        }
      }
    }
    return { context: k, entropy: entropy / n, newest: newest / n, lag: lag / n };
  } finally {
    reservoir.dispose();
  }
}
