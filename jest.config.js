/**
 * Test folders are named after what they test (test/reservoirs tests lib/reservoirs, ...).
 * Three jest projects split them by what they exercise and need:
 *   binding      the tests that exercise the native binding through the TypeScript API. CI runs
 *                them against the node-gyp build (.ci/run), the prebuilt binary alone
 *                (scripts/pack-test.sh) and the sanitizer build (scripts/sanitize.sh), with
 *                `jest --selectProjects binding`.
 *   unit         every other test that runs from the sources alone.
 *   integration  tests of the compiled package (dist/) or that need Chromium:
 *                `npm run test:integration` builds dist/ first; .ci/run runs it after `npm test`.
 * `npm test` runs binding and unit; `npx jest test/<folder>` runs one folder whichever project holds it.
 */
const BINDING = ['test/native/', 'test/reservoirs/', 'test/readout/', 'test/validation/'];
const INTEGRATION = [
  'test/cli/',
  'test/examples/',
  'test/scaleout/cli.test.ts',
  'test/reliability/exports.test.ts',
  'test/reliability/workers.test.ts',
  'test/report/browser.test.ts',
  'test/report/size.test.ts',
];

const shared = {
  rootDir: __dirname,
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
};
const under = (paths) => paths.map((p) => `<rootDir>/${p}`);

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'binding', roots: under(BINDING) },
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test'], testPathIgnorePatterns: ['/node_modules/', ...under([...BINDING, ...INTEGRATION])] },
    { ...shared, displayName: 'integration', globalSetup: '<rootDir>/test/integration-setup.js', roots: ['<rootDir>/test'], testMatch: under(INTEGRATION).map((p) => (p.endsWith('/') ? `${p}**/*.test.ts` : p)) },
  ],
};
