/** Argument helpers of `ran fit`, `ran merge` and `ran search` (the common ones are in lib/cli/command.ts). */
import * as fs from 'fs';
import { UsageError } from '../cli/command';
import { ARCHITECTURES, type Architecture, type ReservoirConfig } from '../model/config';
import { parseBudget } from '../model/budget';
import { planTrials } from '../search/search';
import type { TaskData } from '../tasks/types';
import { parseShard, type Shard } from './shard';

/** A non-negative integer option. */
export function naturalInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0, got "${value}"`);
  return n;
}

/** The --shard option "i/n". */
export function shardOption(value: unknown): Shard {
  try {
    return parseShard(String(value));
  } catch {
    throw new UsageError(`--shard must be "i/n" with 0 <= i < n (e.g. 0/4), got "${String(value)}"`);
  }
}

/** λ candidates from "1e-8,1e-6" (each ≥ 0). */
export function parseRidges(value: unknown, name: string): number[] {
  const list = String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (list.length === 0 || list.some((x) => !Number.isFinite(x) || x < 0))
    throw new UsageError(`--${name} must be numbers >= 0 separated by commas, got "${String(value)}"`);
  return list;
}

/** An architecture name. */
export function parseArchitecture(value: unknown): Architecture {
  if (!(ARCHITECTURES as readonly unknown[]).includes(value))
    throw new UsageError(`--model must be one of ${ARCHITECTURES.join(', ')}, got "${String(value)}"`);
  return value as Architecture;
}

/** Shapes a search or a default config needs. */
export function shapeOf(task: TaskData): { inputDim: number; outputs: number } {
  return { inputDim: task.train.x.shape[2], outputs: task.train.y.shape[2] };
}

/** The defaults of an architecture sized for a budget (a search's trial 0). */
export function defaultConfig(
  architecture: Architecture,
  budget: string,
  seed: number,
  maxFeatures: number,
  task: TaskData,
): ReservoirConfig {
  let b: number;
  try {
    b = parseBudget(budget);
  } catch (e) {
    throw new UsageError(`--budget: ${(e as Error).message}`);
  }
  return planTrials({ architecture, budget: b, trials: 1, seed, maxFeatures }, shapeOf(task))[0]!;
}

/** A config from a JSON file: `{kind, options}`, or a `ran search` best line `{config: {kind, options}}`. */
export function readConfigFile(file: string): ReservoirConfig {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--config: cannot read JSON from "${file}" (${(e as Error).message})`);
  }
  const c = (json !== null && typeof json === 'object' && 'config' in json ? json.config : json) as ReservoirConfig;
  if (
    c === null ||
    typeof c !== 'object' ||
    !(ARCHITECTURES as readonly string[]).includes(c.kind) ||
    c.options === null ||
    typeof c.options !== 'object'
  ) {
    throw new UsageError(`--config: "${file}" must hold {"kind": "${ARCHITECTURES.join('|')}", "options": {...}}`);
  }
  return c;
}
