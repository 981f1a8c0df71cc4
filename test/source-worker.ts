/**
 * Starts a worker thread that runs a TypeScript file of lib/ from source: the worker compiles
 * each .ts module it requires with TypeScript's transpileModule (no type check, no dist/). So
 * tests exercise real worker threads on the code under test, not a build that may be stale.
 */
import { Worker } from 'worker_threads';

/** A worker running the TypeScript module `file` (an absolute path). */
export function sourceWorker(file: string): Worker {
  const code = `
    const fs = require('fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true };
    require.extensions['.ts'] = (module, filename) => {
      const out = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { compilerOptions: options, fileName: filename });
      module._compile(out.outputText, filename);
    };
    require(${JSON.stringify(file)});
  `;
  return new Worker(code, { eval: true });
}
