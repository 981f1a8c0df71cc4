/** The name and version of this package, as written in file headers. */
export function libraryInfo(): { name: string; version: string } {
  try {
    // lib/scaleout (ts-jest) and dist/scaleout (compiled) are both two levels below the package root.
    const pkg = require('../../package.json') as { name?: unknown; version?: unknown };
    return {
      name: typeof pkg.name === 'string' ? pkg.name : 'recurrent-attention',
      version: typeof pkg.version === 'string' ? pkg.version : 'unknown',
    };
  } catch {
    return { name: 'recurrent-attention', version: 'unknown' };
  }
}
