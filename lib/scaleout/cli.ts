/** Argument helpers shared by `ran fit`, `ran merge` and `ran search`. */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, type ParseArgsConfig } from 'util';
import { ARCHITECTURES, type Architecture, type ReservoirConfig } from '../model/config';
import { parseBudget } from '../model/budget';
import { planTrials } from '../search/search';
import type { TaskData } from '../tasks/types';
import { parseShard, type Shard } from './shard';

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

/** Parsed options of a command (throws UsageError with the parser's message). */
export function parseCommand(argv: string[], options: NonNullable<ParseArgsConfig['options']>): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | string[] | undefined>, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A string option that must be given. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.length === 0) throw new UsageError(`--${name} is required`);
  return v;
}

/** A positive integer option. */
export function positiveInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${String(value)}"`);
  return n;
}

/** A non-negative integer option. */
export function naturalInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0, got "${String(value)}"`);
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
  const list = String(value).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (list.length === 0 || list.some((x) => !Number.isFinite(x) || x < 0)) throw new UsageError(`--${name} must be numbers >= 0 separated by commas, got "${String(value)}"`);
  return list;
}

/** An architecture name. */
export function parseArchitecture(value: unknown): Architecture {
  if (!(ARCHITECTURES as readonly unknown[]).includes(value)) throw new UsageError(`--model must be one of ${ARCHITECTURES.join(', ')}, got "${String(value)}"`);
  return value as Architecture;
}

/** Checks, before any work, that `file` can be written: its folder exists and is writable, and it is not a folder. */
export function checkOutputPath(file: string, name: string): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--${name}: no folder "${dir}" to write "${file}" in`);
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(`--${name}: folder "${dir}" is not writable`);
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) throw new UsageError(`--${name}: "${file}" is a folder`);
}

/** Checks that --data names a folder. */
export function checkDataFolder(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--data: no folder "${dir}"`);
}

/** Shapes a search or a default config needs. */
export function shapeOf(task: TaskData): { inputDim: number; outputs: number } {
  return { inputDim: task.train.x.shape[2], outputs: task.train.y.shape[2] };
}

/** The defaults of an architecture sized for a budget (a search's trial 0). */
export function defaultConfig(architecture: Architecture, budget: string, seed: number, maxFeatures: number, task: TaskData): ReservoirConfig {
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
  const c = (json !== null && typeof json === 'object' && 'config' in json ? (json as { config: unknown }).config : json) as ReservoirConfig;
  if (c === null || typeof c !== 'object' || !(ARCHITECTURES as readonly string[]).includes(c.kind) || c.options === null || typeof c.options !== 'object') {
    throw new UsageError(`--config: "${file}" must hold {"kind": "${ARCHITECTURES.join('|')}", "options": {...}}`);
  }
  return c;
}

/** Writes a command's help and runs it; usage errors exit 2, other errors 1, with `ran <name>:` first. */
export async function runCommand(name: string, help: string, argv: string[], body: (argv: string[]) => Promise<number>): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  try {
    return await body(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`ran ${name}: ${e.message}\n(see ran ${name} --help)\n`);
      return 2;
    }
    const err = e as { code?: string; message?: string };
    process.stderr.write(`ran ${name}: ${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}\n`);
    return 1;
  }
}
