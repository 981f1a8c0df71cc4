/**
 * .npy reader/writer. The fixtures in test/fixtures/npy/ were written by NumPy itself
 * (Debian's python3-numpy) with the script test/fixtures/npy/make_fixtures.py; rerun it
 * with `/usr/bin/python3 test/fixtures/npy/make_fixtures.py` to regenerate them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeNpy, encodeNpy, NpyError, readNpy, writeNpy, type NpyData } from '../../lib/io/npy';

const FIX = path.join(__dirname, '..', 'fixtures', 'npy');
const fx = (name: string): string => path.join(FIX, name);

describe('reading NumPy-written fixtures', () => {
  test('float32 (2, 3)', () => {
    const a = readNpy(fx('f4_2x3.npy'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(a.data).toBeInstanceOf(Float32Array);
    expect(Array.from(a.data as Float32Array)).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
  });

  test('float64 (2, 2, 2), including extremes and −0', () => {
    const a = readNpy(fx('f8_2x2x2.npy'));
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([2, 2, 2]);
    expect(Array.from(a.data as Float64Array)).toEqual([0.1, -2.5, 1e-300, 3.0, Math.PI, -0, 1e300, 7.25]);
    expect(Object.is((a.data as Float64Array)[5], -0)).toBe(true);
  });

  test('int32 (5,) with the extremes', () => {
    const a = readNpy(fx('i4_5.npy'));
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([5]);
    expect(Array.from(a.data as Int32Array)).toEqual([0, -1, 2147483647, -2147483648, 42]);
  });

  test('int64 (2, 3) as BigInt64Array', () => {
    const a = readNpy(fx('i8_2x3.npy'));
    expect(a.dtype).toBe('int64');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as BigInt64Array)).toEqual([0n, -1n, 2n ** 40n, -(2n ** 40n), 5n, 2n ** 53n]);
  });

  test('0-d scalar, empty (0, 3) and a version 2.0 header', () => {
    const s = readNpy(fx('f8_scalar.npy'));
    expect(s.shape).toEqual([]);
    expect(Array.from(s.data as Float64Array)).toEqual([2.5]);
    const e = readNpy(fx('f4_empty_0x3.npy'));
    expect(e.shape).toEqual([0, 3]);
    expect(e.data.length).toBe(0);
    const v2 = fs.readFileSync(fx('f4_v2_3.npy'));
    expect(v2[6]).toBe(2);
    expect(Array.from(readNpy(fx('f4_v2_3.npy')).data as Float32Array)).toEqual([1.5, -2, 3.25]);
  });

  test('our encoder writes the same bytes as NumPy (version 1.0 headers)', () => {
    for (const f of ['f4_2x3.npy', 'f8_2x2x2.npy', 'i4_5.npy', 'i8_2x3.npy', 'f8_scalar.npy', 'f4_empty_0x3.npy']) {
      const bytes = fs.readFileSync(fx(f));
      expect(Buffer.from(encodeNpy(decodeNpy(bytes))).equals(bytes)).toBe(true);
    }
  });
});

describe('round trip of the four dtypes', () => {
  const cases: Array<[string, NpyData, number[]]> = [
    ['float32', Float32Array.from([1.5, -0.25, 3.4028234663852886e38, 1e-45]), [2, 2]],
    ['float64', Float64Array.from([Math.PI, -Math.E, 5e-324, Number.MAX_VALUE, NaN, Infinity]), [3, 1, 2]],
    ['int32', Int32Array.from([7, -8, 2147483647, -2147483648]), [4]],
    ['int64', BigInt64Array.from([9007199254740993n, -5n, 0n]), [1, 3]],
  ];
  test.each(cases)('%s', (dtype, data, shape) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-npy-'));
    try {
      const file = path.join(dir, 'a.npy');
      writeNpy(file, { data, shape });
      const back = readNpy(file);
      expect(back.dtype).toBe(dtype);
      expect(back.shape).toEqual(shape);
      expect(Buffer.from(back.data.buffer).equals(Buffer.from(data.buffer))).toBe(true);
      expect((fs.statSync(file).size - data.byteLength) % 64).toBe(0); // header padded to a multiple of 64
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a header longer than 65 535 bytes switches to version 2.0', () => {
    const shape = Array.from({ length: 25000 }, () => 1);
    const bytes = encodeNpy({ data: Float32Array.from([4]), shape });
    expect(bytes[6]).toBe(2);
    const back = decodeNpy(bytes);
    expect(back.shape.length).toBe(25000);
    expect(Array.from(back.data as Float32Array)).toEqual([4]);
  });
});

describe('errors carry code ERR_RAN_NPY and name the file', () => {
  const expectNpyError = (f: () => unknown, re: RegExp, file?: string): void => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NpyError);
    expect((err as NpyError).code).toBe('ERR_RAN_NPY');
    expect((err as Error).message).toMatch(re);
    if (file) expect((err as Error).message).toContain(file);
  };

  test('big-endian, Fortran order, other dtypes, truncated data (NumPy-made)', () => {
    expectNpyError(
      () => readNpy(fx('bad_bigendian_f4.npy')),
      /unsupported dtype '>f4'.*expected one of '<f4'/,
      'bad_bigendian_f4.npy',
    );
    expectNpyError(
      () => readNpy(fx('bad_fortran_f8.npy')),
      /fortran_order is True; expected C order/,
      'bad_fortran_f8.npy',
    );
    expectNpyError(() => readNpy(fx('bad_uint8.npy')), /unsupported dtype '\|u1'/, 'bad_uint8.npy');
    expectNpyError(() => readNpy(fx('bad_bool.npy')), /unsupported dtype '\|b1'/, 'bad_bool.npy');
    expectNpyError(
      () => readNpy(fx('bad_truncated_f8.npy')),
      /truncated data: shape \(2, 2, 2\).*needs 64 bytes, found 59/,
      'bad_truncated_f8.npy',
    );
  });

  test('bad magic, unknown version, malformed header, trailing bytes, shape/data mismatch', () => {
    expectNpyError(() => decodeNpy(Buffer.from('PK\x03\x04 not numpy at all'), 'x.npz'), /magic string/, 'x.npz');
    const good = fs.readFileSync(fx('f4_2x3.npy'));
    const v9 = Buffer.from(good);
    v9[6] = 9;
    expectNpyError(() => decodeNpy(v9), /version 9\.0; expected 1\.0 or 2\.0/);
    const mangled = Buffer.from(good);
    mangled.write('{"nope": 1}', 10, 'latin1');
    expectNpyError(() => decodeNpy(mangled), /malformed \.npy header/);
    expectNpyError(() => decodeNpy(Buffer.concat([good, Buffer.from([0, 0, 0, 0])])), /4 unexpected trailing bytes/);
    expectNpyError(() => decodeNpy(good.subarray(0, 20)), /truncated \.npy header/);
    expectNpyError(
      () => encodeNpy({ data: new Float32Array(5), shape: [2, 3] }, 'out.npy'),
      /needs 6 elements, the data has 5/,
      'out.npy',
    );
  });
});

describe('typed arrays from another realm', () => {
  test('an array made in another vm context is stored with its own dtype', () => {
    const vm = require('vm') as typeof import('vm');
    const foreign = vm.runInNewContext('new Float32Array([1.5, -2, 3])') as Float32Array;
    expect(foreign instanceof Float32Array).toBe(false);
    const bytes = encodeNpy({ data: foreign, shape: [3] });
    const back = decodeNpy(bytes);
    expect(back.dtype).toBe('float32');
    expect(Array.from(back.data as Float32Array)).toEqual([1.5, -2, 3]);
  });
});
