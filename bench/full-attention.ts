/**
 * The quadratic baseline of bench/scaling.ts: full causal softmax attention over the whole
 * sequence, in plain TypeScript. A benchmark baseline, not a library feature.
 *
 * One layer of H heads of width d (model width H·d), built to match RAN-A's units: the same
 * drive x(t) = W_in u(t) + b (without the recurrence), per head q, k, v = W_Q x_h, W_K x_h,
 * W_V x_h (d×d, N(0, 1/d)), then attention over *every* earlier step instead of the last k,
 * and o(t) = tanh(x(t) + h(t)) as a RAN-A unit without its feed-forward half. Step t costs
 * O(H·d·t), a sequence of T steps O(H·d·T²).
 *
 * The way an inference loop runs it: keys and values are cached (memory O(H·d·T), allocated
 * for T steps up front) and one row of scores is live at a time (O(T)); the T×T score matrix
 * of training-style attention is never materialised (its size is computed by the benchmark,
 * not measured). Weights and the cache are float32 like the native kernels; the arithmetic is
 * in JavaScript numbers (float64).
 */
import { Random } from '../lib/random';

/** Sizes of the baseline. */
export interface FullAttentionOptions {
  /** Heads H (bench/scaling.ts uses RAN-A's unit count M). */
  heads: number;
  /** Head width d (RAN-A's unit width). */
  width: number;
  inputDim: number;
  /** Steps the key/value cache is allocated for. */
  maxSteps: number;
  seed: number;
  /** Softmax temperature, as RAN-A's (default 1). */
  temperature?: number;
}

/** Full causal multi-head attention, one step at a time, with a key/value cache. */
export class FullAttention {
  readonly heads: number;
  readonly width: number;
  readonly inputDim: number;
  readonly maxSteps: number;
  /** Output size H·d (the readout features are these, then u(t), then 1). */
  readonly size: number;
  private readonly wIn: Float32Array;
  private readonly bias: Float32Array;
  private readonly wQ: Float32Array;
  private readonly wK: Float32Array;
  private readonly wV: Float32Array;
  // [head][step][d]: one head's keys over time are contiguous for the score loop.
  private readonly keys: Float32Array;
  private readonly values: Float32Array;
  private readonly scores: Float64Array;
  private readonly x: Float64Array;
  private readonly q: Float64Array;
  private readonly h: Float64Array;
  private readonly scale: number;
  private t = 0;

  constructor(o: FullAttentionOptions) {
    this.heads = o.heads;
    this.width = o.width;
    this.inputDim = o.inputDim;
    this.maxSteps = o.maxSteps;
    const d = o.width,
      n = o.heads * d;
    this.size = n;
    const rng = new Random(o.seed);
    this.wIn = Float32Array.from({ length: n * o.inputDim }, () => rng.uniformIn(-1, 1));
    this.bias = Float32Array.from({ length: n }, () => rng.uniformIn(-0.2, 0.2));
    const sd = 1 / Math.sqrt(d);
    const draw = (): Float32Array => Float32Array.from({ length: o.heads * d * d }, () => rng.normal() * sd);
    this.wQ = draw();
    this.wK = draw();
    this.wV = draw();
    this.keys = new Float32Array(o.heads * o.maxSteps * d);
    this.values = new Float32Array(o.heads * o.maxSteps * d);
    this.scores = new Float64Array(o.maxSteps);
    this.x = new Float64Array(n);
    this.q = new Float64Array(d);
    this.h = new Float64Array(d);
    this.scale = 1 / (Math.sqrt(d) * (o.temperature ?? 1));
  }

  /** Bytes of the key/value cache (grows as H·d·T: allocated for `maxSteps`). */
  get cacheBytes(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  /** Bytes of the one live score row. */
  get scoreRowBytes(): number {
    return this.scores.byteLength;
  }

  /** Copies of the weights (row-major; per head d×d blocks), for an independent check. */
  weights(): { wIn: Float32Array; bias: Float32Array; wQ: Float32Array; wK: Float32Array; wV: Float32Array } {
    return {
      wIn: this.wIn.slice(),
      bias: this.bias.slice(),
      wQ: this.wQ.slice(),
      wK: this.wK.slice(),
      wV: this.wV.slice(),
    };
  }

  /** Steps run so far. */
  get steps(): number {
    return this.t;
  }

  /** One step: reads u (inputDim values), writes o(t) into out[0..size). */
  step(u: ArrayLike<number>, out: Float64Array | Float32Array): void {
    const t = this.t;
    if (t >= this.maxSteps) throw new RangeError(`the key/value cache holds ${this.maxSteps} steps`);
    const { heads: H, width: d, inputDim: D, maxSteps: S, x, q, h, scores, keys, values } = this;
    for (let i = 0; i < H * d; i++) {
      let acc = this.bias[i]!;
      for (let j = 0; j < D; j++) acc += this.wIn[i * D + j]! * u[j]!;
      x[i] = acc;
    }
    for (let head = 0; head < H; head++) {
      const xo = head * d,
        wo = head * d * d,
        co = (head * S + t) * d;
      for (let r = 0; r < d; r++) {
        let aq = 0,
          ak = 0,
          av = 0;
        for (let c = 0; c < d; c++) {
          const xc = x[xo + c]!,
            w = wo + r * d + c;
          aq += this.wQ[w]! * xc;
          ak += this.wK[w]! * xc;
          av += this.wV[w]! * xc;
        }
        q[r] = aq;
        keys[co + r] = ak;
        values[co + r] = av;
      }
      // Scores against every cached key, τ = 0..t: the O(t) part of the step.
      const base = head * S * d;
      let max = -Infinity;
      for (let tau = 0; tau <= t; tau++) {
        const ko = base + tau * d;
        let s = 0;
        for (let c = 0; c < d; c++) s += q[c]! * keys[ko + c]!;
        s *= this.scale;
        scores[tau] = s;
        if (s > max) max = s;
      }
      h.fill(0);
      let sum = 0;
      for (let tau = 0; tau <= t; tau++) {
        const a = Math.exp(scores[tau]! - max);
        sum += a;
        const vo = base + tau * d;
        for (let c = 0; c < d; c++) h[c]! += a * values[vo + c]!;
      }
      for (let c = 0; c < d; c++) out[xo + c] = Math.tanh(x[xo + c]! + h[c]! / sum);
    }
    this.t = t + 1;
  }
}
