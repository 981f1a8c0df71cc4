#!/usr/bin/env node
// A JSON prediction service for a trained `.ran` model, on node:http alone (no framework: the
// whole request path — size bound, parse, validate, predict — fits on a screen, and nothing
// is installed besides recurrent-attention).
//
//   node examples/serve/server.js --model model.ran [--port 8080] [--host 127.0.0.1]
//        [--max-body 1048576] [--max-queued 256]
//
//   POST /predict  {"x": [[[…D numbers…] × T steps] × B sequences], "last": false}
//                  → 200 {"outputs": [B][T][outputs]}   (with "last": true: [B][outputs])
//   GET  /health   → 200 {"ok": true, "inputDim", "outputs", "kind"}
//   GET  /metrics  → 200 {rss, eventLoopDelay: {p50, p99, max} ms, requests, pending}
//   POST /metrics/reset  restarts the event-loop delay histogram
//
// Bad input never crashes it: a body over --max-body bytes → 413, malformed JSON or a wrong
// shape → 400 with a message, the model's queue full → 503 with Retry-After. Predictions run
// off the event loop (Model.predict uses the native asynchronous path); many requests share
// one loaded model.
'use strict';
const http = require('http');
const { monitorEventLoopDelay } = require('perf_hooks');
const ran = require('recurrent-attention');

/** An error answered with `status` and `message`. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The request body as a string, at most `limit` bytes (413 past it). */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return reject(new HttpError(413, `the body is ${declared} bytes, the limit is ${limit}`));
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped (the answer closes the connection).
      if (size > limit) reject(new HttpError(413, `the body is over the limit of ${limit} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `{"x": [B][T][D]}` as a float32 tensor; 400 with the offending path otherwise. */
function parseInput(text, inputDim) {
  let body;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the body is not valid JSON: ${e.message}`);
  }
  if (body === null || typeof body !== 'object' || !Array.isArray(body.x)) throw new HttpError(400, 'expected a JSON object {"x": [[[numbers]]]} with x of shape [B][T][D]');
  if (body.last !== undefined && typeof body.last !== 'boolean') throw new HttpError(400, '"last" must be true or false');
  const x = body.x;
  const b = x.length;
  const t = Array.isArray(x[0]) ? x[0].length : 0;
  if (b === 0 || t === 0) throw new HttpError(400, 'x must hold at least one sequence of at least one step');
  const data = new Float32Array(b * t * inputDim);
  for (let i = 0; i < b; i++) {
    if (!Array.isArray(x[i]) || x[i].length !== t) throw new HttpError(400, `x[${i}] must be an array of ${t} steps (all sequences the same length)`);
    for (let k = 0; k < t; k++) {
      const step = x[i][k];
      if (!Array.isArray(step) || step.length !== inputDim) throw new HttpError(400, `x[${i}][${k}] must be an array of ${inputDim} numbers`);
      for (let d = 0; d < inputDim; d++) {
        const v = step[d];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new HttpError(400, `x[${i}][${k}][${d}] must be a finite number`);
        data[(i * t + k) * inputDim + d] = v;
      }
    }
  }
  return { x: { data, shape: [b, t, inputDim] }, last: body.last === true };
}

/** Outputs [B, T, O] as nested arrays ([B][O] for the last step only). */
function toJson(out, last) {
  const [b, t, o] = out.shape;
  const rows = [];
  for (let i = 0; i < b; i++) {
    const row = (k) => Array.from(out.data.subarray((i * t + k) * o, (i * t + k + 1) * o));
    rows.push(last ? row(t - 1) : Array.from({ length: t }, (_, k) => row(k)));
  }
  return rows;
}

/** The status of a library error: the caller's fault (4xx), busy (503) or ours (500). */
function statusOf(e) {
  if (e instanceof HttpError) return e.status;
  const code = e && e.code;
  if (code === 'ERR_RAN_INVALID_ARG' || code === 'ERR_RAN_SHAPE' || code === 'ERR_RAN_NOT_FINITE') return 400;
  if (code === 'ERR_RAN_TOO_LARGE') return 413;
  if (code === 'ERR_RAN_BUSY') return 503;
  return 500;
}

function send(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * An http.Server answering predictions of `model`. Options: maxBodyBytes (default 1 MiB).
 * `server.stats` counts answers by status; `server.eventLoopDelay` is the histogram.
 */
function createServer(model, options = {}) {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const inputDim = model.reservoir.inputDim;
  // Samples every millisecond; a sample is the interval between two ticks, so its delay is
  // the sample minus the 1 ms resolution.
  const resolutionMs = 1;
  const eventLoopDelay = monitorEventLoopDelay({ resolution: resolutionMs });
  eventLoopDelay.enable();
  const stats = {};
  const count = (status) => (stats[status] = (stats[status] ?? 0) + 1);

  async function predict(req, res) {
    const { x, last } = parseInput(await readBody(req, maxBodyBytes), inputDim);
    const out = await model.predict(x);
    count(200);
    send(res, 200, { outputs: toJson(out, last) });
  }

  function metrics(res) {
    const ms = (ns) => Math.max(0, ns / 1e6 - resolutionMs);
    send(res, 200, {
      rss: process.memoryUsage().rss,
      eventLoopDelay: { p50: ms(eventLoopDelay.percentile(50)), p99: ms(eventLoopDelay.percentile(99)), max: ms(eventLoopDelay.max) },
      requests: stats,
      pending: model.reservoir.pendingRuns,
    });
  }

  const server = http.createServer((req, res) => {
    const route = `${req.method} ${req.url}`;
    let work;
    if (route === 'POST /predict') work = predict(req, res);
    else if (route === 'GET /health') work = Promise.resolve(send(res, 200, { ok: true, kind: model.reservoir.kind, inputDim, outputs: model.readout.outputs }));
    else if (route === 'GET /metrics') work = Promise.resolve(metrics(res));
    else if (route === 'POST /metrics/reset') work = Promise.resolve(eventLoopDelay.reset()).then(() => send(res, 200, { ok: true }));
    else work = Promise.reject(new HttpError(404, `no route ${route}; try POST /predict, GET /health, GET /metrics`));
    work.catch((e) => {
      const status = statusOf(e);
      count(status);
      if (status === 500) console.error(e);
      if (res.headersSent) return res.destroy();
      send(res, status, { error: e.message, code: e.code }, status === 503 ? { 'retry-after': '1' } : status === 413 ? { connection: 'close' } : {});
    });
  });
  server.stats = stats;
  server.eventLoopDelay = eventLoopDelay;
  server.on('close', () => eventLoopDelay.disable());
  // A client that opens a connection and sends nothing does not hold it for ever.
  server.requestTimeout = 30000;
  server.headersTimeout = 10000;
  return server;
}

function parseArgs(argv) {
  const o = { port: 8080, host: '127.0.0.1', maxBody: 1024 * 1024, maxQueued: 256 };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--model') o.model = v;
    else if (k === '--port') o.port = Number(v);
    else if (k === '--host') o.host = v;
    else if (k === '--max-body') o.maxBody = Number(v);
    else if (k === '--max-queued') o.maxQueued = Number(v);
    else throw new Error(`unknown option ${k}; options: --model, --port, --host, --max-body, --max-queued`);
  }
  if (!o.model) throw new Error('--model <file.ran> is required');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const model = await ran.loadModel(o.model);
  model.maxQueued = o.maxQueued;
  const server = createServer(model, { maxBodyBytes: o.maxBody });
  server.listen(o.port, o.host, () => {
    const { port } = server.address();
    console.log(`listening on http://${o.host}:${port}`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections?.();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

module.exports = { createServer, parseInput };
