/** Shared helpers of the benchmark runners (the shipped one here and those of bench/ in a clone). */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { buildInfo } from '../native';

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

let cachedBase: Record<string, unknown> | undefined;

/** Fields every line carries: binary variant, SIMD level, Node version. */
export function baseFields(): Record<string, unknown> {
  if (!cachedBase) {
    const info = buildInfo();
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
