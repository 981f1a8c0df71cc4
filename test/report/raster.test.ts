import { colourRamp, encodePng, heatmap } from '../../lib/report/raster';
import { Random } from '../../lib/random';
import { readPng } from './png';

test('encodePng writes a PNG whose pixels read back exactly, for several sizes', () => {
  const rng = new Random(9);
  for (const [w, h] of [
    [1, 1],
    [3, 2],
    [240, 8],
    [17, 31],
  ] as const) {
    const rgb = Uint8Array.from({ length: w * h * 3 }, () => rng.integer(256));
    const img = readPng(encodePng({ width: w, height: h, rgb }));
    expect([img.width, img.height, img.channels]).toEqual([w, h, 3]);
    expect(Buffer.from(img.pixels).equals(Buffer.from(rgb))).toBe(true);
  }
  expect(() => encodePng({ width: 2, height: 2, rgb: new Uint8Array(5) })).toThrow(/needs 12 bytes/);
});

test('heatmap maps [lo, hi] through the ramp, clamps outside, leaves NaN white; colourRamp parses rgb() and #hex', () => {
  const ramp = colourRamp((t) => (t < 0.5 ? '#000000' : `rgb(${Math.round(255 * t)}, 0, 0)`));
  expect(Array.from(ramp.subarray(0, 3))).toEqual([0, 0, 0]);
  expect(Array.from(ramp.subarray(255 * 3))).toEqual([255, 0, 0]);
  const values = [[0, 1, 2, NaN]];
  const img = heatmap(4, 1, (r, c) => values[r]![c]!, ramp, 0, 1);
  expect(Array.from(img.rgb)).toEqual([0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 255, 255]);
});
