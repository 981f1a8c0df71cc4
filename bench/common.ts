/**
 * Shared helpers of the benchmark scripts of the repository: those of the shipped runner
 * (lib/benchmarks/common.ts), plus `ensureAddon` for the compiled copy in dist-bench/.
 */
import * as fs from 'fs';
import * as path from 'path';

export * from '../lib/benchmarks/common';

/**
 * The compiled benchmarks live in dist-bench/{bench,lib,test}; lib/native/loader.ts loads the addon
 * from `<dist-bench>/build/Release` (its package root is two levels above lib/native/). Link that
 * to the repository's build/ (made by `npm run build:native`) once.
 */
export function ensureAddon(): void {
  const root = path.resolve(__dirname, '..');
  const link = path.join(root, 'build');
  if (fs.existsSync(path.join(root, 'lib', 'native', 'index.ts'))) return; // running from sources
  if (!fs.existsSync(link)) fs.symlinkSync(path.resolve(root, '..', 'build'), link, 'dir');
}
