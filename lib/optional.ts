/**
 * Optional peer dependencies (package.json `peerDependenciesMeta`): vega and vega-lite for the
 * HTML report, mnist for Sequential MNIST's built-in digits. A default install has none of them;
 * they are loaded on first use only, and a missing one is an error that says what to install.
 */
import { ErrorCodes, RanError } from './errors';

/** The version range of an optional package, as package.json's peerDependencies gives it. */
export function optionalRange(name: string): string {
  const pkg = require('../package.json') as { peerDependencies?: Record<string, string> };
  return pkg.peerDependencies?.[name] ?? 'latest';
}

/** ERR_RAN_MISSING_DEPENDENCY: "<purpose> needs the optional package(s) …: npm install …". */
export function missingDependency(names: readonly string[], purpose: string): RanError {
  const list = names.join(' and ');
  const install = names.map((n) => `${n}@${optionalRange(n)}`).join(' ');
  return new RanError(
    ErrorCodes.MISSING_DEPENDENCY,
    `${purpose} needs the optional package${names.length > 1 ? 's' : ''} ${list}, which ${names.length > 1 ? 'are' : 'is'} not installed: run \`npm install ${install}\``,
  );
}

/** True when `e` says that `name` itself (not something inside it) could not be found. */
function isNotFound(e: unknown, name: string): boolean {
  const err = e as { code?: string; message?: string } | null;
  if (!err || (err.code !== 'MODULE_NOT_FOUND' && err.code !== 'ERR_MODULE_NOT_FOUND')) return false;
  return new RegExp(`['"]${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(/[^'"]*)?['"]`).test(err.message ?? '');
}

/** Loads an optional package; ERR_RAN_MISSING_DEPENDENCY naming it when it is not installed. */
export async function loadOptional<T>(name: string, purpose: string, group: readonly string[] = [name]): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (e) {
    if (isNotFound(e, name)) throw missingDependency(group, purpose);
    throw e;
  }
}

/** The path of a file inside an optional package (require.resolve); ERR_RAN_MISSING_DEPENDENCY when absent. */
export function resolveOptional(request: string, purpose: string): string {
  const name = request.startsWith('@') ? request.split('/').slice(0, 2).join('/') : request.split('/')[0]!;
  try {
    return require.resolve(request);
  } catch (e) {
    if (isNotFound(e, name)) throw missingDependency([name], purpose);
    throw e;
  }
}
