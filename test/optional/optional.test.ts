import { loadOptional, missingDependency, resolveOptional } from '../../lib/optional';

describe('optional peer dependencies', () => {
  test('a missing package is ERR_RAN_MISSING_DEPENDENCY naming it, what needs it and the install command', async () => {
    await expect(loadOptional('no-such-package-ran-test', 'the frobnicator')).rejects.toMatchObject({
      code: 'ERR_RAN_MISSING_DEPENDENCY',
      message:
        'the frobnicator needs the optional package no-such-package-ran-test, which is not installed: run `npm install no-such-package-ran-test@latest`',
    });
    expect(() => resolveOptional('no-such-package-ran-test/data.json', 'x')).toThrow(
      /optional package no-such-package-ran-test/,
    );
  });

  test('the install command uses the ranges of package.json peerDependencies, which are optional and dev dependencies too', () => {
    const pkg = require('../../package.json') as Record<string, Record<string, unknown>>;
    for (const name of ['vega', 'vega-lite', 'mnist']) {
      expect(pkg['peerDependenciesMeta']![name]).toEqual({ optional: true });
      expect(pkg['devDependencies']![name]).toBe(pkg['peerDependencies']![name]);
      expect(pkg['dependencies']![name]).toBeUndefined();
    }
    expect(missingDependency(['vega', 'vega-lite'], '--report').message).toBe(
      `--report needs the optional packages vega and vega-lite, which are not installed: run \`npm install vega@${String(pkg['peerDependencies']!['vega'])} vega-lite@${String(pkg['peerDependencies']!['vega-lite'])}\``,
    );
  });

  test('an installed optional package loads and resolves', async () => {
    const vega = await loadOptional<{ parse: unknown }>('vega', 'test');
    expect(typeof vega.parse).toBe('function');
    expect(resolveOptional('mnist/package.json', 'test')).toMatch(/mnist[/\\]package\.json$/);
  });
});
