import * as fs from 'fs';
import { cpuVariant } from '../../lib/native';

describe('CPU variant selection', () => {
  const saved = process.env['RAN_CPU_VARIANT'];
  afterEach(() => {
    if (saved === undefined) delete process.env['RAN_CPU_VARIANT'];
    else process.env['RAN_CPU_VARIANT'] = saved;
  });

  test('RAN_CPU_VARIANT forces a level; an unknown value is ignored', () => {
    process.env['RAN_CPU_VARIANT'] = 'x86-64-v3';
    expect(cpuVariant()).toBe('x86-64-v3');
    process.env['RAN_CPU_VARIANT'] = 'pentium';
    expect(['x86-64-v2', 'x86-64-v3', 'x86-64-v4']).toContain(cpuVariant());
  });

  test('the detected level agrees with the CPU flags', () => {
    delete process.env['RAN_CPU_VARIANT'];
    const line = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '' : '';
    const flags = new Set(line.split(':')[1]?.trim().split(/\s+/) ?? []);
    const v = cpuVariant();
    if (v === 'x86-64-v4') expect(flags.has('avx512f') && flags.has('avx512vl') && flags.has('fma')).toBe(true);
    if (v === 'x86-64-v3') expect(flags.has('avx2') && flags.has('fma') && !flags.has('avx512vl')).toBe(true);
    if (v === 'x86-64-v2') expect(flags.has('avx2') && flags.has('fma') && flags.has('bmi2')).toBe(false);
  });
});
