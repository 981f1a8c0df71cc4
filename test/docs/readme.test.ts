import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The README's examples are run as written (the package import mapped to lib/), so they stay true.
function block(after: string): string {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const start = readme.indexOf(after);
  const code = readme.slice(start).match(/```ts\n([\s\S]*?)```/);
  if (start < 0 || !code) throw new Error(`README has no ts block after "${after}"`);
  return code[1]!;
}

async function run(source: string): Promise<string[]> {
  const js = ts.transpileModule(
    `(async () => {\n${source.replace(/^import (.*) from 'recurrent-attention';$/m, 'const $1 = lib;').replace(/^import \{/m, 'const {')}\n})()`,
    {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None },
    },
  ).outputText;
  const logs: string[] = [];
  const fake = { log: (...a: unknown[]) => logs.push(a.map(String).join(' ')) };
  const lib = require('../../lib');
  // The README's code runs as written, with the package mapped to lib/: a Function built from its text.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  await (new Function('lib', 'console', 'require', `return ${js}`) as (...a: unknown[]) => Promise<void>)(
    lib,
    fake,
    require,
  );
  return logs;
}

describe('README examples', () => {
  test('the ten-line ESN example forecasts Mackey–Glass one step ahead', async () => {
    const logs = await run(block('## Ten lines'));
    const mse = Number(logs[0]!.split(' ').pop());
    expect(mse).toBeLessThan(1e-5);
  });

  test('the training example fits RAN-A on Sequential MNIST, saves and reloads it', async () => {
    const dir = fs.mkdtempSync(path.join(require('os').tmpdir() as string, 'ran-readme-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const logs = await run(block('## Training on a task'));
      const [ridge, error] = logs[0]!.split(' ').map(Number);
      expect(ridge).toBeGreaterThan(0);
      expect(error).toBeLessThan(0.5); // chance: 0.887
      expect(fs.existsSync(path.join(dir, 'mnist.ran'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
