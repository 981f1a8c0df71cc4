/**
 * Test folders are named after what they test (test/reservoirs tests lib/reservoirs, ...).
 * Two jest projects split them by what they exercise:
 *   binding  the tests that exercise the native binding through the TypeScript API. CI runs them
 *            against the node-gyp build (.ci/run), the prebuilt binary alone (scripts/pack-test.sh)
 *            and the sanitizer build (scripts/sanitize.sh), with `jest --selectProjects binding`.
 *   unit     every other test folder.
 * `npx jest test/<folder>` runs one folder whichever project holds it.
 */
const BINDING = ['native', 'reservoirs', 'readout', 'validation'];

const shared = {
  rootDir: __dirname,
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
};
const folder = (name) => `<rootDir>/test/${name}/`;

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'binding', roots: BINDING.map(folder) },
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test'], testPathIgnorePatterns: ['/node_modules/', ...BINDING.map(folder)] },
  ],
};
