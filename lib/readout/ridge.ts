/**
 * Ridge regression readout (architecture.md, "Readout"): XᵀX and XᵀY accumulated in float64
 * natively, solved by Cholesky, or for several λ from one tridiagonalisation of XᵀX.
 */
import { ErrorCodes, RanError, invalidArg, shapeMismatch } from '../errors';
import { native, type NativeRidgeStats } from '../native';
import * as v from '../validate';
import { memoryLimit } from '../reservoirs/limits';
import { defaultThreads } from '../threads';
import { toRows, type RowsLike } from './rows';

export type { RowsLike } from './rows';

/** Options of a ridge readout. */
export interface RidgeOptions {
  /** Number of features per row (a reservoir's `featureDim`, which includes the constant 1). */
  features: number;
  /** Number of outputs (targets per row). */
  outputs: number;
  /** Regularisation λ ≥ 0 used by `solve()` (default 1e-6). */
  ridge?: number;
  /**
   * Keep the rows themselves instead of XᵀX (default false): a collector of query rows, e.g.
   * validation features, for {@link Ridge.predictSweep}. It cannot be solved.
   */
  rowsOnly?: boolean;
}

/** Options of `Ridge.addRows`. */
export interface AddRowsOptions {
  /**
   * Native threads accumulating XᵀX and XᵀY (default: `RAN_THREADS` or the number of cores).
   * The statistics do not depend on it, bit for bit.
   */
  threads?: number;
}

/** Saved statistics: can be merged with others or reloaded later. */
export interface RidgeStatistics {
  features: number;
  outputs: number;
  rows: number;
  xtx: Float64Array;
  xty: Float64Array;
}

/** A ridge-regression readout: accumulate rows (or stream reservoir states), then solve. */
export class Ridge {
  /** Features per row. */
  readonly features: number;
  /** Outputs per row. */
  readonly outputs: number;
  /** λ used by `solve()` without argument. */
  ridge: number;
  /** True for a collector of rows (see {@link RidgeOptions.rowsOnly}). */
  readonly rowsOnly: boolean;
  private nativeStats: NativeRidgeStats | undefined;
  private w: Float64Array | undefined;

  constructor(options: RidgeOptions) {
    const o = v.options('options', options);
    v.knownKeys('options', o, ['features', 'outputs', 'ridge', 'rowsOnly']);
    this.features = v.integer('features', o.features, 1, 65536);
    this.outputs = v.integer('outputs', o.outputs, 1, 65536);
    this.ridge = v.number('ridge', o.ridge ?? 1e-6, 0, Number.MAX_VALUE);
    this.rowsOnly = v.boolean('rowsOnly', o.rowsOnly ?? false);
    if (this.rowsOnly) return;
    // Refuse now, not at the first row, when the statistics could never be allocated.
    const bytes = 8 * this.features * (this.features + this.outputs);
    if (bytes > memoryLimit()) {
      throw new RanError(
        ErrorCodes.TOO_LARGE,
        `a ridge readout of ${this.features} features needs ${(bytes / 1e9).toFixed(3)} GB of statistics, above the memory limit of ${(memoryLimit() / 1e9).toFixed(3)} GB`,
      );
    }
  }

  /**
   * The native statistics (XᵀX, XᵀY, row count), allocated on first use: a readout that only
   * predicts (loaded from a file, or a λ candidate) never pays for the features² matrix.
   */
  get stats(): NativeRidgeStats {
    if (!this.nativeStats)
      this.nativeStats = new (native().RidgeStats)(this.features, this.outputs, { rowsOnly: this.rowsOnly });
    return this.nativeStats;
  }

  /** Number of rows accumulated so far. */
  get rows(): number {
    return this.nativeStats ? this.nativeStats.rows : 0;
  }

  /** Trainable parameters: features × outputs (the constant's weights included). */
  get trainableParameters(): number {
    return this.features * this.outputs;
  }

  /** The solved weights [features × outputs] row-major, or undefined before `solve()`. */
  get weights(): Float64Array | undefined {
    return this.w;
  }

  /** Sets weights directly (e.g. from a saved model). */
  setWeights(w: Float64Array): void {
    if (!v.isTypedArray(w, 'Float64Array')) invalidArg('weights', 'a Float64Array', w);
    if (w.length !== this.features * this.outputs) shapeMismatch('weights', this.features * this.outputs, w.length);
    const bad = w.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0)
      throw new RanError(
        ErrorCodes.NOT_FINITE,
        `\`weights\` must be finite, found ${w[bad]} at [${Math.floor(bad / this.outputs)}, ${bad % this.outputs}]`,
      );
    this.w = w;
  }

  /**
   * Adds rows x [r × features] and y [r × outputs]: flat Float64Array or Float32Array rows, or
   * the tensor forms `run` accepts — `{ data, shape }` with shape [r, width] or [B, T, width]
   * (B·T rows), nested arrays [r][width] or [B][T][width] (see {@link RowsLike}).
   */
  addRows(x: RowsLike, y: RowsLike, options: AddRowsOptions = {}): void {
    const xs = toRows('x', x, this.features);
    const ys = toRows('y', y, this.outputs);
    const o = v.options('options', options);
    v.knownKeys('options', o, ['threads']);
    const threads = o.threads === undefined ? defaultThreads() : v.integer('options.threads', o.threads, 1, 1024);
    this.stats.addRows(xs, ys, { threads });
  }

  /** Adds the statistics of another readout of the same shape (e.g. from another batch or worker). */
  merge(other: Ridge): void {
    if (!(other instanceof Ridge)) invalidArg('other', 'a Ridge', other);
    this.stats.merge(other.stats);
  }

  /** Forgets all rows and the weights. */
  reset(): void {
    this.stats.reset();
    this.w = undefined;
  }

  /** Solves (XᵀX + λI) W = XᵀY by Cholesky and keeps W; throws ERR_RAN_SINGULAR if not positive definite. */
  solve(ridge: number = this.ridge): Float64Array {
    v.number('ridge', ridge, 0, Number.MAX_VALUE);
    this.w = this.stats.solve(ridge);
    this.ridge = ridge;
    return this.w;
  }

  /** Asynchronous `solve`, off the event loop. */
  async solveAsync(ridge: number = this.ridge): Promise<Float64Array> {
    v.number('ridge', ridge, 0, Number.MAX_VALUE);
    this.w = await this.stats.solveAsync(ridge);
    this.ridge = ridge;
    return this.w;
  }

  /**
   * Outputs of the rows held by `queries` (a `rowsOnly` collector, e.g. validation features)
   * for every λ: one [rows × outputs] array per λ, from one factorisation — a tridiagonalisation of XᵀX, or
   * of the Gram matrix X Xᵀ of the training rows when there are fewer rows than features
   * (the same solutions). The decomposition is kept until rows are added, so a following
   * `sweep` or `solveAt` for one of these λ does not repeat it. A singular λ throws
   * ERR_RAN_SINGULAR, or with `skipSingular` gives `undefined`.
   */
  async predictSweepAsync(
    queries: Ridge,
    ridges: readonly number[],
    options: { skipSingular?: boolean } = {},
  ): Promise<(Float64Array | undefined)[]> {
    const q = this.queriesOf(queries);
    const all = await this.stats.predictSweepAsync(q.stats, this.lambdas(ridges), {
      skipSingular: options.skipSingular === true,
    });
    return this.splitBy(all, ridges.length, q.rows * this.outputs);
  }

  /** Synchronous {@link Ridge.predictSweepAsync}. */
  predictSweep(
    queries: Ridge,
    ridges: readonly number[],
    options: { skipSingular?: boolean } = {},
  ): (Float64Array | undefined)[] {
    const q = this.queriesOf(queries);
    return this.splitBy(
      this.stats.predictSweep(q.stats, this.lambdas(ridges), { skipSingular: options.skipSingular === true }),
      ridges.length,
      q.rows * this.outputs,
    );
  }

  /** The rows a collector holds, in the order they were added: x [rows × features], y [rows × outputs]. */
  keptRows(): { x: Float64Array; y: Float64Array } {
    if (!this.nativeStats) return { x: new Float64Array(0), y: new Float64Array(0) };
    return this.stats.keptRows();
  }

  /**
   * Weights for each λ from one tridiagonalisation of XᵀX (the Gram matrix X Xᵀ when there are fewer
   * rows than features; the same solutions) (does not change `weights`).
   * A λ for which XᵀX + λI is singular throws ERR_RAN_SINGULAR, or with `skipSingular`
   * gives `undefined` in its place.
   */
  sweep(ridges: readonly number[], options: { skipSingular?: boolean } = {}): (Float64Array | undefined)[] {
    return this.split(
      this.stats.solve(this.lambdas(ridges), { skipSingular: options.skipSingular === true }),
      ridges.length,
    );
  }

  /** Asynchronous `sweep`. */
  async sweepAsync(
    ridges: readonly number[],
    options: { skipSingular?: boolean } = {},
  ): Promise<(Float64Array | undefined)[]> {
    return this.split(
      await this.stats.solveAsync(this.lambdas(ridges), { skipSingular: options.skipSingular === true }),
      ridges.length,
    );
  }

  /** Outputs of rows x [r × features] (any {@link RowsLike} form) with the solved weights: [r × outputs]. */
  predict(rows: RowsLike, weights: Float64Array | undefined = this.w): Float64Array {
    if (!weights) throw new RanError(ErrorCodes.STATE, 'the readout has no weights yet: call solve() first');
    const x = toRows('x', rows, this.features);
    if (!v.isTypedArray(weights, 'Float64Array') || weights.length !== this.features * this.outputs)
      invalidArg('weights', `a Float64Array of ${this.features * this.outputs} values`, weights);
    if (x.length % this.features !== 0)
      throw new RanError(ErrorCodes.SHAPE, `\`x\` length ${x.length} is not a multiple of ${this.features} features`);
    const r = x.length / this.features;
    const out = new Float64Array(r * this.outputs);
    for (let i = 0; i < r; i++) {
      for (let o = 0; o < this.outputs; o++) {
        let acc = 0;
        for (let f = 0; f < this.features; f++)
          acc += (x[i * this.features + f] as number) * (weights[f * this.outputs + o] as number);
        out[i * this.outputs + o] = acc;
      }
    }
    return out;
  }

  /** A copy of the accumulated statistics. */
  exportStatistics(): RidgeStatistics {
    const e = this.stats.export();
    return { features: this.features, outputs: this.outputs, rows: e.rows, xtx: e.xtx, xty: e.xty };
  }

  /** Replaces the statistics by saved ones of the same shape. */
  importStatistics(s: RidgeStatistics): void {
    if (s === null || typeof s !== 'object') invalidArg('statistics', '{ features, outputs, rows, xtx, xty }', s);
    if (s.features !== this.features || s.outputs !== this.outputs) {
      throw new RanError(
        ErrorCodes.SHAPE,
        `saved statistics are ${String(s.features)}×${String(s.outputs)}, this readout is ${this.features}×${this.outputs}`,
      );
    }
    this.stats.import({ xtx: s.xtx, xty: s.xty, rows: s.rows });
  }

  private lambdas(ridges: readonly number[]): Float64Array {
    if (!Array.isArray(ridges) || ridges.length === 0)
      invalidArg('ridges', 'a non-empty array of numbers >= 0', ridges);
    ridges.forEach((r, i) => v.number(`ridges[${i}]`, r, 0, Number.MAX_VALUE));
    return Float64Array.from(ridges);
  }

  private queriesOf(queries: Ridge): Ridge {
    if (!(queries instanceof Ridge) || !queries.rowsOnly)
      invalidArg('queries', 'a Ridge made with { rowsOnly: true }', queries);
    if (queries.features !== this.features || queries.outputs !== this.outputs) {
      throw new RanError(
        ErrorCodes.SHAPE,
        `\`queries\` is ${queries.features}×${queries.outputs}, this readout is ${this.features}×${this.outputs}`,
      );
    }
    return queries;
  }

  private split(all: Float64Array, count: number): (Float64Array | undefined)[] {
    return this.splitBy(all, count, this.features * this.outputs);
  }

  private splitBy(all: Float64Array, count: number, size: number): (Float64Array | undefined)[] {
    return Array.from({ length: count }, (_, i) => {
      const w = all.slice(i * size, (i + 1) * size);
      return Number.isNaN(w[0]) ? undefined : w;
    });
  }
}
