/**
 * Slow, obvious float64 reference of the composed network (architecture.md), written from
 * the maths and used only by tests to check the native kernels. It reads the same network
 * description the addon receives (`Reservoir.describe()`).
 */
import type { NativeNetworkSpec, NativePopulation } from '../../lib/native';

/** GELU in the tanh form the library documents. */
function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)));
}

/** Dense float64 copy of the recurrent matrix. */
export function denseW(spec: NativeNetworkSpec): Float64Array {
  const n = spec.n;
  const w = new Float64Array(n * n);
  if ('dense' in spec.w) {
    w.set(spec.w.dense);
  } else if ('blockValues' in spec.w) {
    const m = spec.w;
    const bs = m.blockSize;
    for (let br = 0; br < n / bs; br++) {
      for (let p = m.blockRowPtr[br]!; p < m.blockRowPtr[br + 1]!; p++) {
        for (let r = 0; r < bs; r++)
          for (let c = 0; c < bs; c++)
            w[(br * bs + r) * n + m.blockCol[p]! * bs + c]! += m.blockValues[(p * bs + r) * bs + c]!;
      }
    }
  } else {
    const m = spec.w;
    for (let i = 0; i < n; i++)
      for (let p = m.rowPtr[i]!; p < m.rowPtr[i + 1]!; p++) w[i * n + m.colIdx[p]!]! += m.values[p]!;
  }
  return w;
}

/** out = M x for a rows×cols row-major block starting at `offset` of `m`. */
function matvec(m: Float32Array, offset: number, rows: number, cols: number, x: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c++) acc += m[offset + r * cols + c]! * x[c]!;
    out.push(acc);
  }
  return out;
}

/** The state of one sequence: y plus, per attention population, the keys and values seen so far. */
interface SequenceState {
  y: Float64Array;
  history: Map<number, { keys: number[][]; values: number[][] }[]>;
  step: number;
}

/** Result of a reference run for one batch. */
export interface ReferenceRun {
  /** [B][T][n] */
  states: Float64Array;
  /** [B][T][n] */
  drives: Float64Array;
  /** [B][T][units][heads][k] attention weights of `attentionUnits` of the first attention population, age 0 = newest. */
  attention: Float64Array;
  /** [B][T][n] the fast outputs o (before the leak) of every population. */
  fast: Float64Array;
}

/** Runs B sequences of x [B, T, D] from a zero state. */
export function referenceRun(
  spec: NativeNetworkSpec,
  x: Float32Array,
  b: number,
  t: number,
  attentionUnits: number[] = [],
): ReferenceRun {
  const n = spec.n;
  const d = spec.inputDim;
  const w = denseW(spec);
  const capturePop = spec.populations.findIndex((p) => p.kind === 'attention');
  const cp = capturePop >= 0 ? spec.populations[capturePop]! : undefined;
  const capStride = cp ? attentionUnits.length * (cp.heads ?? 1) * (cp.context ?? 1) : 0;
  const states = new Float64Array(b * t * n);
  const drives = new Float64Array(b * t * n);
  const attention = new Float64Array(b * t * capStride);
  const fast = new Float64Array(b * t * n);
  for (let s = 0; s < b; s++) {
    const st: SequenceState = { y: new Float64Array(n), history: new Map(), step: 0 };
    for (let step = 0; step < t; step++) {
      const u = x.subarray((s * t + step) * d, (s * t + step + 1) * d);
      const z = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let k = 0; k < n; k++) acc += w[i * n + k]! * st.y[k]!;
        for (let k = 0; k < d; k++) acc += spec.wIn[i * d + k]! * u[k]!;
        z[i] = acc + spec.bias[i]!;
      }
      drives.set(z, (s * t + step) * n);
      const yNew = Float64Array.from(st.y);
      spec.populations.forEach((p, pi) => {
        const capture =
          pi === capturePop
            ? attention.subarray((s * t + step) * capStride, (s * t + step + 1) * capStride)
            : undefined;
        const o = unitOutputs(p, pi, z, u, st, attentionUnits, capture);
        for (let i = 0; i < p.units * p.width; i++) {
          const j = p.offset + i;
          yNew[j] = (1 - p.leakRate) * st.y[j]! + p.leakRate * o[i]!;
          fast[(s * t + step) * n + j] = o[i]!;
        }
      });
      st.y = yNew;
      st.step++;
      states.set(st.y, (s * t + step) * n);
    }
  }
  return { states, drives, attention, fast };
}

/** x divided by its length (with 1e-12 added to the squared length, as the kernel does). */
function normalized(x: number[]): number[] {
  const len = Math.sqrt(x.reduce((a, c) => a + c * c, 0) + 1e-12);
  return x.map((v) => v / len);
}

/** Each head's part of x divided by its length: the cosine-score variant. */
function normalizeHeads(x: number[], heads: number): number[] {
  const dh = x.length / heads;
  const out: number[] = [];
  for (let h = 0; h < heads; h++) out.push(...normalized(x.slice(h * dh, (h + 1) * dh)));
  return out;
}

/** Whether unit m writes a slot at this step: always, or (gated writes) |g_m·u| > θ‖u‖. */
function writes(p: NativePopulation, m: number, u: ArrayLike<number>): boolean {
  if (!p.gatedWrites) return true;
  const dIn = p.inputDim!;
  let dot = 0;
  let norm2 = 0;
  for (let i = 0; i < dIn; i++) {
    dot += p.writeGate![m * dIn + i]! * u[i]!;
    norm2 += u[i]! * u[i]!;
  }
  return Math.abs(dot) > p.writeThreshold! * Math.sqrt(norm2);
}

/** What unit m's keys and values are computed from: the drive, W_in^m u, or y(t−1). */
function slotSource(p: NativePopulation, m: number, zu: number[], u: ArrayLike<number>, y: Float64Array): number[] {
  const dw = p.width;
  if (p.slotContent === 'input') return matvec(p.wSlot!, m * dw * p.inputDim!, dw, p.inputDim!, u);
  if (p.slotContent === 'state') return Array.from(y.subarray(p.offset + m * dw, p.offset + (m + 1) * dw));
  return zu;
}

function unitOutputs(
  p: NativePopulation,
  pi: number,
  z: Float64Array,
  u: ArrayLike<number>,
  st: SequenceState,
  captureUnits: number[],
  capture?: Float64Array,
): number[] {
  const out: number[] = [];
  const dw = p.width;
  if (p.kind === 'tanh') {
    for (let i = 0; i < p.units; i++) out.push(Math.tanh(z[p.offset + i]!));
    return out;
  }
  if (!st.history.has(pi))
    st.history.set(
      pi,
      Array.from({ length: p.units }, () => ({ keys: [], values: [] })),
    );
  const hist = st.history.get(pi)!;
  for (let m = 0; m < p.units; m++) {
    const zu = Array.from(z.subarray(p.offset + m * dw, p.offset + (m + 1) * dw));
    const wm = p.shared ? 0 : m;
    if (p.kind === 'memory') {
      const P = p.slots!;
      const scores = matvec(p.keys!, wm * P * dw, P, dw, zu).map((s) => s / p.temperature!);
      let weights: number[];
      if (p.retrieval === 'relu') {
        weights = scores.map((s) => Math.max(0, s));
      } else {
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const sum = e.reduce((a, c) => a + c, 0);
        weights = e.map((v) => v / sum);
      }
      for (let j = 0; j < dw; j++) {
        let acc = 0;
        for (let q = 0; q < P; q++) acc += weights[q]! * p.values![(wm * P + q) * dw + j]!;
        out.push(Math.tanh(acc));
      }
      continue;
    }
    // Attention unit: the context holds the last k (key, value) pairs, newest included.
    const k = p.context!;
    const heads = p.heads!;
    const dh = dw / heads;
    const cosine = p.scores === 'cosine';
    const src = slotSource(p, m, zu, u, st.y);
    const key = matvec(p.wK!, wm * dw * dw, dw, dw, src);
    const val = matvec(p.wV!, wm * dw * dw, dw, dw, src);
    const q0 = matvec(p.wQ!, wm * dw * dw, dw, dw, zu);
    const q = cosine ? normalizeHeads(q0, heads) : q0;
    const h = hist[m]!;
    if (writes(p, m, u)) {
      h.keys.push(cosine ? normalizeHeads(key, heads) : key);
      h.values.push(val);
    }
    if (h.keys.length > k) {
      h.keys.shift();
      h.values.shift();
    }
    const att = new Array<number>(dw).fill(0);
    for (let hd = 0; hd < heads; hd++) {
      const scores = h.keys.map((kv, s) => {
        let acc = 0;
        for (let j = hd * dh; j < (hd + 1) * dh; j++) acc += q[j]! * kv[j]!;
        const age = h.keys.length - 1 - s;
        const bias = p.relativeBias ? p.positionBias![(wm * heads + hd) * k + age]! : 0;
        return (cosine ? acc * p.sharpness! : acc / (Math.sqrt(dh) * p.temperature!)) + bias;
      });
      const mx = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - mx));
      const sum = e.reduce((a, c) => a + c, 0);
      const a = e.map((v) => v / sum);
      for (let j = hd * dh; j < (hd + 1) * dh; j++) {
        let acc = 0;
        for (let s = 0; s < a.length; s++) acc += a[s]! * h.values[s]![j]!;
        att[j] = acc;
      }
      const ci = captureUnits.indexOf(m);
      if (capture && ci >= 0) {
        for (let s = 0; s < a.length; s++) {
          const age = a.length - 1 - s; // history is oldest first
          capture[(ci * heads + hd) * k + age] = a[s]!;
        }
      }
    }
    const r = zu.map((v, j) => v + att[j]!);
    let pre = r;
    const dff = p.ffHidden ?? 0;
    if (dff > 0) {
      const hid = matvec(p.w1!, wm * dff * dw, dff, dw, r).map((v) =>
        p.activation === 'gelu' ? gelu(v) : Math.max(0, v),
      );
      const f = matvec(p.w2!, wm * dw * dff, dw, dff, hid);
      pre = r.map((v, j) => v + f[j]!);
    }
    for (const v of pre) out.push(Math.tanh(v));
  }
  return out;
}

/**
 * Features of every step, float64 [B*T][F]: [y; u; 1], or with `readoutState` the y of the
 * populations read as y, then the fast outputs o (`fast`, from referenceRun) of those read as o.
 */
export function referenceFeatures(
  spec: NativeNetworkSpec,
  states: Float64Array,
  x: Float32Array,
  b: number,
  t: number,
  includeInput = true,
  fast?: Float64Array,
): Float64Array {
  const n = spec.n;
  const d = includeInput ? spec.inputDim : 0;
  const rows: [Float64Array, number][] = [];
  for (const p of spec.populations)
    if (p.readoutState !== 'o') for (let i = 0; i < p.units * p.width; i++) rows.push([states, p.offset + i]);
  for (const p of spec.populations)
    if (p.readoutState === 'o' || p.readoutState === 'both')
      for (let i = 0; i < p.units * p.width; i++) rows.push([fast!, p.offset + i]);
  const f = rows.length + d + 1;
  const out = new Float64Array(b * t * f);
  for (let r = 0; r < b * t; r++) {
    rows.forEach(([src, i], c) => (out[r * f + c] = src[r * n + i]!));
    for (let k = 0; k < d; k++) out[r * f + rows.length + k] = x[r * spec.inputDim + k]!;
    out[r * f + rows.length + d] = 1;
  }
  return out;
}

/**
 * The attention statistics of `run(x, { attentionStats: true })`, the obvious way, from float64 weights
 * [B][T][units][heads][k] (age 0 = newest) of every unit of one attention population over a run from a zero
 * state: per unit, over the (sequence, step, head) with filled = min(step + 1, k) ≥ 2, the means of
 * −Σ w log w / log(filled), of w[age 0] and of Σ age · w.
 */
export function referenceAttentionStats(
  weights: Float64Array,
  b: number,
  t: number,
  units: number,
  heads: number,
  k: number,
): { relativeEntropy: number[]; newestWeight: number[]; meanLag: number[] } {
  const sums = Array.from({ length: units }, (): [number, number, number, number] => [0, 0, 0, 0]);
  for (let s = 0; s < b; s++) {
    for (let step = 0; step < t; step++) {
      const filled = Math.min(step + 1, k);
      if (filled < 2) continue;
      for (let m = 0; m < units; m++) {
        for (let h = 0; h < heads; h++) {
          const w = weights.subarray(
            (((s * t + step) * units + m) * heads + h) * k,
            (((s * t + step) * units + m) * heads + h + 1) * k,
          );
          let entropy = 0;
          let lag = 0;
          for (let age = 0; age < filled; age++) {
            if (w[age]! > 0) entropy -= w[age]! * Math.log(w[age]!);
            lag += age * w[age]!;
          }
          const acc = sums[m]!;
          acc[0] += entropy / Math.log(filled);
          acc[1] += w[0]!;
          acc[2] += lag;
          acc[3] += 1;
        }
      }
    }
  }
  const mean = (j: number, none: number): number[] => sums.map((a) => (a[3] > 0 ? a[j]! / a[3] : none));
  return { relativeEntropy: mean(0, 0), newestWeight: mean(1, 1), meanLag: mean(2, 0) };
}
