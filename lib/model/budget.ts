/**
 * Sizing an architecture to a trainable-parameter budget, counted as the published STREAM
 * results count it for our models: readout weights only, (features + 1) × outputs.
 */
import { invalidArg } from '../errors';
import { architecture, type Architecture } from '../architectures/index';
import * as v from '../validate';

/** The budgets of the published STREAM results. */
export const BUDGETS = { '1k': 1_000, '10k': 10_000, '100k': 100_000, '1M': 1_000_000 } as const;
/** A budget name. */
export type BudgetName = keyof typeof BUDGETS;

/** Parses "1k", "10k", "100k", "1M" or a plain number. */
export function parseBudget(b: string | number): number {
  if (typeof b === 'number' && Number.isInteger(b) && b > 0) return b;
  if (typeof b === 'string' && b in BUDGETS) return BUDGETS[b as BudgetName];
  if (typeof b === 'string' && /^\d+$/.test(b)) return Number(b);
  return invalidArg('budget', '1k, 10k, 100k, 1M or a positive integer', b);
}

/** Size options of an architecture for a budget. */
export interface BudgetSize {
  /** Readout features (states + input + 1). */
  features: number;
  /** The architecture's size options: `{ units }` (ESN, RAN-A), `{ attentionUnits, memoryUnits }` (RAN-C). */
  options: Record<string, number>;
}

/**
 * The largest reservoir whose readout fits the budget: features × outputs ≤ budget, with
 * features capped at `maxFeatures` (default 1000) so that every STREAM task trains in about
 * a second; the cap binds at 100k and 1M for tasks with few outputs. With `readoutState:
 * "both"` the readout reads two features per state entry (y and o), so the reservoir is half
 * as large.
 */
export function sizeForBudget(
  kind: Architecture,
  budget: number,
  inputDim: number,
  outputs: number,
  width = 16,
  maxFeatures = 1000,
  options: { readoutState?: unknown } = {},
): BudgetSize {
  const arch = architecture(kind);
  v.integer('budget', budget, 1);
  v.integer('inputDim', inputDim, 0);
  v.integer('outputs', outputs, 1);
  v.integer('width', width, 1);
  v.integer('maxFeatures', maxFeatures, 2);
  const perState = options.readoutState === 'both' ? 2 : 1;
  const features = Math.min(maxFeatures, Math.floor(budget / outputs));
  const size = arch.sizeFor(Math.floor((features - inputDim - 1) / perState), width);
  if (size === undefined) {
    const smallest = arch.smallestState(width) * perState;
    invalidArg(
      'budget',
      `at least ${(inputDim + 1 + smallest) * outputs} for ${outputs} outputs${smallest > 1 ? ` at width ${width}` : ''}`,
      budget,
    );
  }
  return { features: size.states * perState + inputDim + 1, options: size.options as Record<string, number> };
}
