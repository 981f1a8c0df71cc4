/** Shared helpers of the benchmark scripts. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { nativeBinding } from '../lib/index';

/** One result line: the spec's five keys first, then extra fields. */
export interface Line {
  workload: string;
  impl: string;
  metric: string;
  value: number;
  threads: number;
  [extra: string]: unknown;
}

/** Progress and tables go to stderr; stdout carries only the JSON lines. */
export function log(...a: unknown[]): void {
  process.stderr.write(a.map(String).join(' ') + '\n');
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The compiled benchmarks live in dist-bench/{bench,lib,test}; lib/native.ts loads the addon
 * from `<dist-bench>/build/Release` (its package root is one level above lib/). Link that
 * to the repository's build/ (made by `npm run build:native`) once.
 */
export function ensureAddon(): void {
  const root = path.resolve(__dirname, '..');
  const link = path.join(root, 'build');
  if (fs.existsSync(path.join(root, 'lib', 'native.ts'))) return; // running from sources
  if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(root, '..', 'build'), link, 'dir');
}

let cachedBase: Record<string, unknown> | undefined;

/** Fields every line carries: binary variant, SIMD level, Node version. */
export function baseFields(): Record<string, unknown> {
  if (!cachedBase) {
    const info = nativeBinding().buildInfo();
    cachedBase = { variant: info.variant, simd: info.simd, node: process.version };
  }
  return cachedBase;
}

/** lscpu's model name (falls back to os.cpus()). */
export function cpuModel(): string {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8' });
    const m = /^Model name:\s*(.+)$/m.exec(out);
    if (m) return m[1]!.trim();
  } catch {
    /* no lscpu */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}
