import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cpuVariant, detectCpuVariant, forcedCpuVariant, forcedPrebuildFile, missingCpuFlags } from '../../lib/native';
import { RanError } from '../../lib/errors';

const V3 = ['sse4_2', 'popcnt', 'avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'];
const V4 = [...V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

/** The error `fn` throws (fails the test when it throws nothing). */
function thrown(fn: () => unknown): RanError {
  try {
    fn();
  } catch (e) {
    // a RanError, possibly from a module instance of jest.isolateModules (another class object)
    expect(e).toBeInstanceOf(Error);
    expect(typeof (e as RanError).code).toBe('string');
    return e as RanError;
  }
  throw new Error('expected an error');
}

describe('CPU variant selection', () => {
  const saved = { RAN_CPU: process.env['RAN_CPU'], RAN_CPU_VARIANT: process.env['RAN_CPU_VARIANT'] };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  test('RAN_CPU takes baseline|v3|v4; RAN_CPU_VARIANT keeps its x86-64-v* values as an alias', () => {
    expect(forcedCpuVariant({})).toBeUndefined();
    expect(forcedCpuVariant({ RAN_CPU: '' })).toBeUndefined();
    expect(forcedCpuVariant({ RAN_CPU: 'baseline' })).toBe('x86-64-v2');
    expect(forcedCpuVariant({ RAN_CPU: 'v3' })).toBe('x86-64-v3');
    expect(forcedCpuVariant({ RAN_CPU: 'V4' })).toBe('x86-64-v4');
    expect(forcedCpuVariant({ RAN_CPU_VARIANT: 'x86-64-v2' })).toBe('x86-64-v2');
    expect(forcedCpuVariant({ RAN_CPU_VARIANT: 'x86-64-v4' })).toBe('x86-64-v4');
    // the same variant under both names is not a conflict
    expect(forcedCpuVariant({ RAN_CPU: 'v3', RAN_CPU_VARIANT: 'x86-64-v3' })).toBe('x86-64-v3');
    process.env['RAN_CPU'] = 'v3';
    delete process.env['RAN_CPU_VARIANT'];
    expect(cpuVariant()).toBe('x86-64-v3');
  });

  test('arm64 has one build, armv8-a: no x86 flags are read, RAN_CPU=baseline names it', () => {
    const arch = Object.getOwnPropertyDescriptor(process, 'arch')!;
    Object.defineProperty(process, 'arch', { ...arch, value: 'arm64' });
    try {
      delete process.env['RAN_CPU_VARIANT'];
      delete process.env['RAN_CPU'];
      expect(cpuVariant()).toBe('armv8-a');
      process.env['RAN_CPU'] = 'baseline';
      expect(cpuVariant()).toBe('armv8-a');
      // an x86 level stays what was forced: the loader then reports that no such file exists
      process.env['RAN_CPU'] = 'v3';
      expect(cpuVariant()).toBe('x86-64-v3');
      expect(missingCpuFlags('armv8-a', new Set())).toEqual([]);
    } finally {
      Object.defineProperty(process, 'arch', arch);
    }
  });

  test('a bad value names the variable and the allowed values', () => {
    const e = thrown(() => forcedCpuVariant({ RAN_CPU: 'pentium' }));
    expect(e.code).toBe('ERR_RAN_INVALID_ARG');
    expect(e.message).toContain('`RAN_CPU`');
    expect(e.message).toContain('baseline, v3 or v4');
    expect(e.message).toContain('"pentium"');
    const old = thrown(() => forcedCpuVariant({ RAN_CPU_VARIANT: 'avx2' }));
    expect(old.message).toContain('`RAN_CPU_VARIANT`');
    // cpuVariant() reads the same variables: no silent fallback to detection any more
    process.env['RAN_CPU_VARIANT'] = 'pentium';
    expect(thrown(() => cpuVariant()).code).toBe('ERR_RAN_INVALID_ARG');
  });

  test('RAN_CPU and RAN_CPU_VARIANT naming different variants is an error', () => {
    const e = thrown(() => forcedCpuVariant({ RAN_CPU: 'v4', RAN_CPU_VARIANT: 'x86-64-v2' }));
    expect(e.code).toBe('ERR_RAN_INVALID_ARG');
    expect(e.message).toMatch(/RAN_CPU.*RAN_CPU_VARIANT.*different/);
  });

  test('levels from flags', () => {
    expect(detectCpuVariant(new Set(['sse4_2']))).toBe('x86-64-v2');
    expect(detectCpuVariant(new Set(V3))).toBe('x86-64-v3');
    expect(detectCpuVariant(new Set(V4))).toBe('x86-64-v4');
    expect(detectCpuVariant(undefined)).toBe('x86-64-v2');
    expect(missingCpuFlags('x86-64-v4', new Set(V3))).toEqual(['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl']);
    expect(missingCpuFlags('x86-64-v2', new Set())).toEqual([]);
  });

  test('the detected level agrees with the CPU flags', () => {
    delete process.env['RAN_CPU'];
    delete process.env['RAN_CPU_VARIANT'];
    const line = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '' : '';
    const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    const v = cpuVariant();
    if (v === 'x86-64-v4') expect(flags.has('avx512f') && flags.has('avx512vl') && flags.has('fma')).toBe(true);
    if (v === 'x86-64-v3') expect(flags.has('avx2') && flags.has('fma') && !flags.has('avx512vl')).toBe(true);
    if (v === 'x86-64-v2') expect(flags.has('avx2') && flags.has('fma') && flags.has('bmi2')).toBe(false);
  });
});

describe('a forced variant loads that prebuilt file or fails', () => {
  let dir: string;
  const base = 'recurrent-attention.napi.glibc.node';
  beforeAll(() => {
    // A prebuilds/linux-x64 folder with the baseline and the v3 twin, no v4.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ran-variant-'));
    fs.writeFileSync(path.join(dir, base), '');
    fs.mkdirSync(path.join(dir, 'cpu', 'x86-64-v3'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cpu', 'x86-64-v3', base), '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const prebuild = (): { dir: string; file: string } => ({ dir, file: path.join(dir, base) });

  test('baseline is the tagged file, v3/v4 their twins under cpu/', () => {
    expect(forcedPrebuildFile(prebuild(), 'x86-64-v2', new Set(V4), 'RAN_CPU=baseline')).toBe(path.join(dir, base));
    expect(forcedPrebuildFile(prebuild(), 'x86-64-v3', new Set(V4), 'RAN_CPU=v3')).toBe(path.join(dir, 'cpu', 'x86-64-v3', base));
    // flags unknown (not Linux, /proc unreadable): the user's choice is trusted
    expect(forcedPrebuildFile(prebuild(), 'x86-64-v3', undefined, 'RAN_CPU=v3')).toBe(path.join(dir, 'cpu', 'x86-64-v3', base));
  });

  test('a variant absent from prebuilds is an error listing the ones present, not a fallback', () => {
    const e = thrown(() => forcedPrebuildFile(prebuild(), 'x86-64-v4', new Set(V4), 'RAN_CPU=v4'));
    expect(e.code).toBe('ERR_RAN_NATIVE_LOAD');
    expect(e.message).toContain('RAN_CPU=v4');
    expect(e.message).toContain(path.join('cpu', 'x86-64-v4'));
    expect(e.message).toContain('baseline, v3');
    const none = thrown(() => forcedPrebuildFile({ dir }, 'x86-64-v2', new Set(V4), 'RAN_CPU=baseline'));
    expect(none.code).toBe('ERR_RAN_NATIVE_LOAD');
    expect(none.message).toContain('build:prebuilds');
  });

  test('a variant the CPU cannot run is refused before loading, naming the missing flags', () => {
    const e = thrown(() => forcedPrebuildFile(prebuild(), 'x86-64-v3', new Set(['sse4_2', 'avx']), 'RAN_CPU=v3'));
    expect(e.code).toBe('ERR_RAN_NATIVE_LOAD');
    expect(e.message).toContain('avx2');
    expect(e.message).toContain('illegal instruction');
    expect(e.message).toContain('runs baseline');
  });

  test('the loader itself reports a bad RAN_CPU before loading anything', () => {
    const saved = process.env['RAN_CPU'];
    process.env['RAN_CPU'] = 'avx9000';
    try {
      jest.isolateModules(() => {
        const fresh = require('../../lib/native') as typeof import('../../lib/native');
        const e = thrown(() => fresh.native());
        expect(e.code).toBe('ERR_RAN_INVALID_ARG');
        expect(e.message).toContain('`RAN_CPU`');
      });
    } finally {
      if (saved === undefined) delete process.env['RAN_CPU'];
      else process.env['RAN_CPU'] = saved;
    }
  });
});
