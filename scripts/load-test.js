#!/usr/bin/env node
// Load test of the example service (examples/serve/) on 127.0.0.1, with autocannon. Trains
// and saves a small RAN-A, starts the service, then in one run:
//   1. warm-up (not counted), then 3 s idle: the event-loop delay of the idle service, a
//      control for what the machine alone costs;
//   2. sequential baseline: one connection, one request at a time, for --baseline seconds;
//   3. concurrent: --connections connections for --seconds, while a second client sends
//      deliberately malformed bodies at 20 requests/s (each must get 400);
// then stops the service and fails (exit 1) when a bound is broken: any error or non-2xx
// answer to a valid request, a malformed request not answered 400, the service's event-loop
// delay p99 ≥ 10 ms (unless the idle control already is: then the machine is too loaded to
// tell, and it says so), its RSS growing by more than 64 MiB, or the service not stopping.
// Prints the figures (requests/s, p50/p99 latency, the concurrent/sequential ratio) as JSON
// and as a Markdown table for docs/serving.md.
//   node scripts/load-test.js [--connections 32] [--seconds 15] [--baseline 8]
'use strict';
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const autocannon = require('autocannon');

const ROOT = path.resolve(__dirname, '..');
const BOUNDS = { eventLoopDelayP99Ms: 10, rssGrowthBytes: 64 * 1024 * 1024 };

function options(argv) {
  const o = { connections: 32, seconds: 15, baseline: 8 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o)) throw new Error(`unknown option ${argv[i]}; options: --connections, --seconds, --baseline`);
    o[key] = Number(argv[i + 1]);
    if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > (key === 'connections' ? 1000 : 60)) throw new Error(`${argv[i]} must be an integer in [1, ${key === 'connections' ? 1000 : 60}]`);
  }
  return o;
}

/** Starts the service; resolves with its URL once it listens. */
function startService(model) {
  const child = spawn(process.execPath, [path.join(ROOT, 'examples/serve/server.js'), '--model', model, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service did not start within 30 s')), 30000);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
}

function stopService(child) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, 10000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
    child.kill('SIGTERM');
  });
}

async function json(url, method = 'GET') {
  const res = await fetch(url, { method });
  return res.json();
}

/** Valid request bodies: one sequence of 50 steps of the input, last output only. */
function validBodies() {
  return [0, 1, 2, 3].map((k) => JSON.stringify({ x: [Array.from({ length: 50 }, (_, t) => [Math.sin(0.3 * t + k)])], last: true }));
}

const MALFORMED = ['{"x": [[[0.1], [0.2]]', '{"x": "not an array"}', '{"x": [[[0.1, 0.2]]]}', '{"x": [[["NaN"]]]}', 'null', '{"x": [[[0.1]], [[0.1], [0.2]]]}', '{"x": [[[0.1]]], "last": "yes"}', ''];

function run(opts) {
  return autocannon({ method: 'POST', headers: { 'content-type': 'application/json' }, ...opts });
}

function figures(r) {
  const codes = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  return { requestsPerSecond: r.requests.average, total: r.requests.total, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, codes };
}

async function main() {
  const o = options(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-load-'));
  const model = path.join(dir, 'model.ran');
  execFileSync(process.execPath, [path.join(ROOT, 'examples/serve/train.js'), model], { stdio: 'inherit' });
  const { child, url } = await startService(model);
  // The load generator yields the CPU to the service it measures (the service keeps its
  // priority): on a machine with few cores the two would otherwise share them equally.
  os.setPriority(process.pid, Math.min(19, os.getPriority(process.pid) + 10));
  const requests = validBodies().map((body) => ({ method: 'POST', path: '/predict', body }));
  let report;
  try {
    await run({ url, connections: 4, duration: 2, requests });
    // Control: the event-loop delay of the idle service for 3 s (what the machine alone costs).
    await json(`${url}/metrics/reset`, 'POST');
    await new Promise((r) => setTimeout(r, 3000));
    const start = await json(`${url}/metrics`);
    const sequential = figures(await run({ url, connections: 1, pipelining: 1, duration: o.baseline, requests }));
    await json(`${url}/metrics/reset`, 'POST');
    const before = await json(`${url}/metrics`);
    const [concurrent, malformed] = await Promise.all([
      run({ url, connections: o.connections, pipelining: 1, duration: o.seconds, requests }),
      run({ url, connections: 2, overallRate: 20, duration: o.seconds, requests: MALFORMED.map((body) => ({ method: 'POST', path: '/predict', body })) }),
    ]);
    const end = await json(`${url}/metrics`);
    report = {
      date: new Date().toISOString(),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
      cores: os.availableParallelism?.() ?? os.cpus().length,
      node: process.version,
      connections: o.connections,
      seconds: o.seconds,
      sequential,
      concurrent: figures(concurrent),
      malformed: figures(malformed),
      ratio: figures(concurrent).requestsPerSecond / sequential.requestsPerSecond,
      eventLoopDelayMs: end.eventLoopDelay,
      idleEventLoopDelayMs: start.eventLoopDelay,
      rss: { start: start.rss, end: end.rss },
      serverAnswers: { before: before.requests, end: end.requests },
    };
  } finally {
    const stopped = await stopService(child);
    if (report) report.stoppedCleanly = stopped;
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(JSON.stringify(report, null, 2));
  printTable(report);
  const broken = check(report);
  for (const b of broken) console.error(`BOUND BROKEN: ${b}`);
  process.exit(broken.length === 0 ? 0 : 1);
}

function check(r) {
  const broken = [];
  const c = r.concurrent;
  const s = r.sequential;
  if (s.errors || s.timeouts || s.non2xx) broken.push(`sequential: ${s.errors} errors, ${s.timeouts} timeouts, ${s.non2xx} non-2xx answers`);
  if (c.errors || c.timeouts || c.non2xx) broken.push(`concurrent: ${c.errors} errors, ${c.timeouts} timeouts, ${c.non2xx} non-2xx answers`);
  const m = r.malformed;
  if (m.errors || m.timeouts || Object.keys(m.codes).some((k) => k !== '400') || !(m.codes['400'] > 0)) broken.push(`malformed requests must all get 400: ${JSON.stringify(m.codes)}, ${m.errors} errors`);
  if ((r.serverAnswers.end['500'] ?? 0) > 0) broken.push(`the service answered 500 ${r.serverAnswers.end['500']} times`);
  if (!(r.eventLoopDelayMs.p99 < BOUNDS.eventLoopDelayP99Ms)) {
    // When the idle service already misses the bound, the machine (not the service) is what
    // was measured: reported, not failed.
    if (r.idleEventLoopDelayMs.p99 < BOUNDS.eventLoopDelayP99Ms) broken.push(`event-loop delay p99 ${r.eventLoopDelayMs.p99.toFixed(2)} ms ≥ ${BOUNDS.eventLoopDelayP99Ms} ms`);
    else console.error(`INCONCLUSIVE: event-loop delay p99 ${r.eventLoopDelayMs.p99.toFixed(2)} ms under load, but ${r.idleEventLoopDelayMs.p99.toFixed(2)} ms idle: this machine is too loaded to measure the ${BOUNDS.eventLoopDelayP99Ms} ms bound`);
  }
  if (r.rss.end - r.rss.start > BOUNDS.rssGrowthBytes) broken.push(`RSS grew by ${((r.rss.end - r.rss.start) / 2 ** 20).toFixed(1)} MiB > ${BOUNDS.rssGrowthBytes / 2 ** 20} MiB`);
  if (!r.stoppedCleanly) broken.push('the service did not stop cleanly on SIGTERM within 10 s');
  return broken;
}

function printTable(r) {
  const mib = (b) => (b / 2 ** 20).toFixed(1);
  console.log(`\n| run | connections | requests/s | p50 ms | p99 ms | requests | errors | non-2xx |`);
  console.log(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const [name, f, n] of [['sequential baseline', r.sequential, 1], ['concurrent', r.concurrent, r.connections], ['malformed (must be 400)', r.malformed, 2]]) {
    console.log(`| ${name} | ${n} | ${f.requestsPerSecond.toFixed(1)} | ${f.p50Ms} | ${f.p99Ms} | ${f.total} | ${f.errors} | ${f.non2xx} |`);
  }
  console.log(`\nconcurrent / sequential requests/s: ${r.ratio.toFixed(2)}×; event-loop delay p50 ${r.eventLoopDelayMs.p50.toFixed(2)} ms, p99 ${r.eventLoopDelayMs.p99.toFixed(2)} ms, max ${r.eventLoopDelayMs.max.toFixed(2)} ms (idle control: p99 ${r.idleEventLoopDelayMs.p99.toFixed(2)} ms); RSS ${mib(r.rss.start)} → ${mib(r.rss.end)} MiB; load average ${r.loadAverage.join(', ')} on ${r.cores} cores`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
