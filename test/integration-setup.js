// globalSetup of the jest project `integration` (jest.config.js): those tests run the compiled
// package, so say so before they fail one by one on a missing or stale dist/.
const fs = require('fs');
const path = require('path');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

module.exports = async () => {
  const root = path.resolve(__dirname, '..');
  const built = ['dist/index.js', 'dist/cli/main.js'].map((f) => path.join(root, f));
  const missing = built.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) {
    throw new Error(`the integration tests run the compiled package, and ${missing.map((f) => path.relative(root, f)).join(', ')} is missing: run \`npm run test:integration\` (it builds dist/ first) or \`npm run build:ts\``);
  }
  if (newestSource(path.join(root, 'lib')) > fs.statSync(built[0]).mtimeMs) {
    process.stderr.write('\nintegration tests: lib/ has changed since dist/ was built; they test the older build (`npm run test:integration` rebuilds it)\n');
  }
};
