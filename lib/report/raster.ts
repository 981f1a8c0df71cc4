/**
 * Heatmaps as PNG images: one pixel per cell, embedded as a data URL in a Vega-Lite image
 * mark. A 240-step × 8-age attention map is a few kilobytes this way, where one SVG path per
 * cell took megabytes.
 */
import { deflateSync } from 'zlib';
import { crc32 } from '../model/file';

/** An 8-bit RGB image, rows top to bottom: `rgb[(row · width + column) · 3 + channel]`. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The PNG file of an image (8-bit truecolour, no interlace, filter 0 on every row). */
export function encodePng(image: RgbImage): Buffer {
  const { width, height, rgb } = image;
  if (rgb.length !== width * height * 3)
    throw new RangeError(`image of ${width}×${height} needs ${width * height * 3} bytes, got ${rgb.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + width * 3));
  for (let y = 0; y < height; y++) rows.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (1 + width * 3) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A data URL of a PNG. */
export function pngDataUrl(image: RgbImage): string {
  return `data:image/png;base64,${encodePng(image).toString('base64')}`;
}

/** A colour ramp as 256 RGB entries, from a function of t ∈ [0, 1] returning "rgb(r, g, b)" or "#rrggbb" (Vega's schemes). */
export function colourRamp(colour: (t: number) => string): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = colour(i / 255);
    const m = /^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/.exec(c);
    const parts = m
      ? [Number(m[1]), Number(m[2]), Number(m[3])]
      : [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16));
    lut.set(parts, i * 3);
  }
  return lut;
}

/**
 * A heatmap: `value(row, column)` mapped through `ramp` after scaling [lo, hi] to [0, 1]
 * (clamped); NaN cells are white.
 */
export function heatmap(
  width: number,
  height: number,
  value: (row: number, column: number) => number,
  ramp: Uint8Array,
  lo: number,
  hi: number,
): RgbImage {
  const rgb = new Uint8Array(width * height * 3).fill(255);
  const span = hi > lo ? hi - lo : 1;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = value(r, c);
      if (Number.isNaN(v)) continue;
      const k = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255)));
      rgb.set(ramp.subarray(k * 3, k * 3 + 3), (r * width + c) * 3);
    }
  }
  return { width, height, rgb };
}
