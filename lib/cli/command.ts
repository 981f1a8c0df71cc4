/**
 * What every `ran` command shares: its description for the help texts, argument parsing that
 * turns mistakes into usage errors (exit code 2), and checks of output paths made before any
 * work starts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, type ParseArgsConfig } from 'util';

/** One `ran <name>` command: lib/cli/main.ts dispatches to it by name. */
export interface Command {
  /** The word after `ran`. */
  readonly name: string;
  /** Its usage line, e.g. "ran predict MODEL.ran (--data DIR | --x X.npy) --out Y.npy". */
  readonly usage: string;
  /** What it does, in a few words (for `ran --help`). */
  readonly summary: string;
  /** The text of `ran <name> --help`. */
  readonly help: string;
  /** Runs the command on the arguments after its name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

/** A mistake on the command line: printed with a pointer to the help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Throws a UsageError. */
export function usage(message: string): never {
  throw new UsageError(message);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values and positionals of `argv` for a command's options (`--help`/`-h` are added). */
export function parseCommand<O extends Options>(
  argv: string[],
  options: O,
  positionals = 0,
): {
  values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean };
  positionals: string[];
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals > 0,
      strict: true,
    });
  } catch (e) {
    usage(e instanceof Error ? e.message : String(e));
  }
  if (parsed.positionals.length > positionals) usage(`unexpected argument "${parsed.positionals[positionals]}"`);
  return parsed;
}

/** The items of a comma-separated list (or all of them for undefined / "all"), each checked. */
export function parseList<T extends string>(
  value: string | undefined,
  all: readonly T[],
  name: string,
  canon: (s: string) => T = (s) => s as T,
): T[] {
  if (value === undefined || value === 'all') return [...all];
  const unknown = (s: string): never => usage(`unknown ${name} "${s}"; known: ${all.join(', ')}`);
  const out = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      let v: T;
      try {
        v = canon(s);
      } catch {
        return unknown(s);
      }
      return all.includes(v) ? v : unknown(s);
    });
  if (out.length === 0) usage(`--${name}s: no ${name} given`);
  return out;
}

/** A positive integer option, or `fallback` when absent. */
export function positive(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${flag} must be a positive integer, got "${value}"`);
  return n;
}

/**
 * Checks that `file` can be written (its folder exists and is writable, it is not a folder), so
 * that a long run does not end in a failed write. Throws a UsageError naming the flag.
 */
export function checkOutputPath(flag: string, file: string): void {
  if (file === '') usage(`--${flag} needs a file name`);
  const dir = path.dirname(path.resolve(file));
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return usage(`--${flag} ${file}: the folder ${dir} does not exist`);
  }
  if (!stat.isDirectory()) usage(`--${flag} ${file}: ${dir} is not a folder`);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory())
    usage(`--${flag} ${file}: is a folder, expected a file name`);
  try {
    fs.accessSync(fs.existsSync(file) ? file : dir, fs.constants.W_OK);
  } catch {
    usage(`--${flag} ${file}: ${fs.existsSync(file) ? 'the file' : `the folder ${dir}`} is not writable`);
  }
}

/** Checks that `dir` is an existing folder (for --data). */
export function checkInputFolder(flag: string, dir: string | undefined): string {
  if (dir === undefined) usage(`--${flag} DIR is required`);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) usage(`--${flag}: no folder "${dir}"`);
  return dir;
}

/** Checks that `file` is an existing file (for inputs). */
export function checkInputFile(what: string, file: string | undefined): string {
  if (file === undefined) usage(`${what} is required`);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) usage(`${what}: no file "${file}"`);
  return file;
}
