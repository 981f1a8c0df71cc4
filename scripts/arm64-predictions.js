#!/usr/bin/env node
// Fits a small ESN and a small RAN-A on fixed synthetic data with the built package (./dist) and
// either writes their test predictions to a JSON file or compares them with such a file.
// scripts/arm64-test.sh runs `write` with the x64 Node and `compare` with the arm64 Node under
// qemu-user, so that the arm64 prebuilt binary is checked against x64 on the same inputs.
//
// Usage: node scripts/arm64-predictions.js write FILE [PACKAGE_DIR]
//        node scripts/arm64-predictions.js compare FILE [PACKAGE_DIR]
// PACKAGE_DIR (default: this repository) is required as a package: its dist/ and the binary its
// loader picks (scripts/arm64-test.sh passes a copy holding only dist/ and prebuilds/linux-arm64/).
//
// Tolerance (compare): every prediction within TOLERANCE × (1 + |x64 value|) of the x64 one.
// The two builds cannot agree bit for bit: Eigen's float32 kernels use 4-wide NEON with fused
// multiply-adds on arm64 and 4-, 8- or 16-wide SSE/AVX with or without them on x64, so sums are
// rounded in another order (about 1e-7 relative per state update). Reservoirs with spectral
// radius < 1 do not amplify that, and λ is fixed (no validation choice that could flip), so
// agreement at a few 1e-5 is expected; 1e-3 is loose enough to be stable and tight enough to
// catch a wrong kernel, a wrong weight draw or a wrong loader (those differ at order 1).
'use strict';
const fs = require('fs');
const path = require('path');

const TOLERANCE = 1e-3;
const ran = require(path.resolve(process.argv[4] || path.join(__dirname, '..')));

/** Two input channels; targets: channel 0 delayed by 2 steps, and x0(t−1)·x1(t). */
function data(seed, batch, steps) {
  const rng = new ran.Random(seed);
  const x = new Float32Array(batch * steps * 2);
  const y = new Float32Array(batch * steps * 2);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform() * 2 - 1;
  for (let b = 0; b < batch; b++) {
    for (let t = 2; t < steps; t++) {
      const i = (b * steps + t) * 2;
      y[i] = x[i - 4];
      y[i + 1] = x[i - 2] * x[i + 1];
    }
  }
  return { x: ran.tensor3(x, [batch, steps, 2]), y: ran.tensor3(y, [batch, steps, 2]), washout: 20 };
}

const MODELS = {
  esn: { kind: 'esn', options: { inputDim: 2, units: 60, seed: 11 } },
  'ran-a': { kind: 'ran-a', options: { inputDim: 2, units: 8, width: 8, context: 4, ffHidden: 16, seed: 12 } },
};

async function predictions() {
  const train = data(1, 6, 120);
  const test = data(2, 2, 120);
  const out = {};
  for (const [name, config] of Object.entries(MODELS)) {
    const model = new ran.Model(config);
    const report = await model.fit(train, { ridges: [1e-5], threads: 2 });
    const y = await model.predict(test.x, { threads: 2 });
    out[name] = { ridge: report.ridge, shape: y.shape, values: Array.from(y.data) };
  }
  return out;
}

async function main() {
  const [mode, file] = process.argv.slice(2);
  if (!['write', 'compare'].includes(mode) || !file) {
    console.error('usage: arm64-predictions.js write|compare FILE [PACKAGE_DIR]');
    process.exit(2);
  }
  const info = ran.buildInfo();
  const here = { arch: process.arch, node: process.version, napi: process.versions.napi, variant: info.variant, simd: info.simd };
  const models = await predictions();
  if (mode === 'write') {
    fs.writeFileSync(file, JSON.stringify({ ...here, models }));
    console.log(`arm64-predictions: wrote ${Object.keys(models).join(', ')} predictions of ${JSON.stringify(here)} to ${file}`);
    return;
  }
  const ref = JSON.parse(fs.readFileSync(file, 'utf8'));
  let failed = false;
  for (const [name, got] of Object.entries(models)) {
    const want = ref.models[name];
    let worst = 0;
    let maxAbs = 0;
    for (let i = 0; i < want.values.length; i++) {
      // A NaN on either side counts as an infinite difference.
      const d = Math.abs(got.values[i] - want.values[i]);
      const abs = Number.isNaN(d) ? Infinity : d;
      maxAbs = Math.max(maxAbs, abs);
      worst = Math.max(worst, abs / (1 + Math.abs(want.values[i])));
    }
    const sameShape = JSON.stringify(got.shape) === JSON.stringify(want.shape) && got.values.length === want.values.length;
    const ok = sameShape && got.ridge === want.ridge && worst <= TOLERANCE;
    failed ||= !ok;
    console.log(
      `arm64-predictions: ${ok ? 'ok  ' : 'FAIL'} ${name}: ${got.values.length} predictions, max |Δ| ${maxAbs.toExponential(2)}, ` +
        `max |Δ|/(1+|y|) ${worst.toExponential(2)} (tolerance ${TOLERANCE}) between ${JSON.stringify(here)} and x64 ${JSON.stringify({ ...ref, models: undefined })}`,
    );
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
