import { buildTask, isBalanced, type Split } from '../../lib/tasks';
import { isZero, oneHotIndex, row, steps } from './helpers';

/** Collects failures instead of calling expect per element (keeps the suite fast). */
function check(split: Split, f: (b: number, fail: (msg: string) => void) => void): string[] {
  const bad: string[] = [];
  for (let b = 0; b < split.x.shape[0] && bad.length < 5; b++) f(b, (m) => bad.push(`sample ${b}: ${m}`));
  return bad;
}

test('discrete_postcasting: one-hot inputs, Y[t] = X[t−d], zero rows before d, T = d..L−1', () => {
  const { test: s } = buildTask('discrete_postcasting', { seed: 11 });
  const [, L] = s.x.shape;
  const d = 5;
  expect(
    check(s, (b, fail) => {
      if (steps(s.t, b).join() !== Array.from({ length: L - d }, (_, i) => i + d).join()) fail('T');
      for (let t = 0; t < L; t++) {
        if (oneHotIndex(row(s.x, b, t)) < 0) fail(`X row ${t} not one-hot`);
        if (t < d ? !isZero(row(s.y, b, t)) : row(s.y, b, t).join() !== row(s.x, b, t - d).join()) fail(`Y row ${t}`);
      }
    }),
  ).toEqual([]);
});

test('continuous_postcasting: X in [−0.8, 0.8), Y[t] = X[t−d], 0 before d', () => {
  const { test: s } = buildTask('continuous_postcasting', { seed: 11 });
  const L = s.x.shape[1];
  expect(
    check(s, (b, fail) => {
      for (let t = 0; t < L; t++) {
        const x = s.x.data[b * L + t] as number;
        if (!(x >= -0.8 && x < 0.8)) fail(`X ${x}`);
        const y = s.y.data[b * L + t] as number;
        if (y !== (t < 5 ? 0 : (s.x.data[b * L + t - 5] as number))) fail(`Y row ${t}`);
      }
    }),
  ).toEqual([]);
});

test('discrete_pattern_completion: periodic targets, mask channel exactly at T, visible symbols = targets', () => {
  const { test: s } = buildTask('discrete_pattern_completion', { seed: 11 });
  const L = s.x.shape[1];
  const S = 3;
  const B = 4;
  expect(
    check(s, (b, fail) => {
      const T = new Set(steps(s.t, b));
      if (T.size !== Math.floor(60 * 0.2)) fail('mask count');
      for (let t = 0; t < L; t++) {
        const xi = oneHotIndex(row(s.x, b, t));
        const yi = oneHotIndex(row(s.y, b, t));
        if (xi < 0 || yi < 0) fail(`row ${t} not one-hot`);
        if (t >= B && yi !== oneHotIndex(row(s.y, b, t - B))) fail(`Y not periodic at ${t}`);
        if (T.has(t) ? xi !== S : xi !== yi) fail(`X row ${t}`);
      }
    }),
  ).toEqual([]);
});

test('continuous_pattern_completion: X = −1 exactly at T, else the periodic target in [0, 1)', () => {
  const { test: s } = buildTask('continuous_pattern_completion', { seed: 11 });
  const L = s.x.shape[1];
  expect(
    check(s, (b, fail) => {
      const T = new Set(steps(s.t, b));
      if (T.size !== 12) fail('mask count');
      for (let t = 0; t < L; t++) {
        const x = s.x.data[b * L + t] as number;
        const y = s.y.data[b * L + t] as number;
        if (!(y >= 0 && y < 1)) fail(`Y ${y}`);
        if (t >= 4 && y !== s.y.data[b * L + t - 4]) fail(`Y not periodic at ${t}`);
        if (T.has(t) ? x !== -1 : x !== y) fail(`X row ${t}`);
      }
    }),
  ).toEqual([]);
});

/** Independent balance check: minimum prefix sum ≥ 0 and total 0, via reduce. */
function balancedByPrefix(s: string): boolean {
  const prefix = s.split('').reduce<number[]>((acc, c) => [...acc, (acc.at(-1) ?? 0) + (c === '(' ? 1 : -1)], []);
  return prefix.length > 0 && Math.min(...prefix) >= 0 && prefix.at(-1) === 0;
}

test('bracket_matching: label = independent balance check, trigger at L, zero row at L+1', () => {
  const task = buildTask('bracket_matching', { seed: 11 });
  let valid = 0;
  const bads: string[] = [];
  for (const s of [task.train, task.test]) {
    const L = 50;
    bads.push(
      ...check(s, (b, fail) => {
        let str = '';
        for (let t = 0; t < L; t++) {
          const r = row(s.x, b, t);
          if (r.join() === '1,0,0') str += '(';
          else if (r.join() === '0,1,0') str += ')';
          else fail(`X row ${t} = ${r.join()}`);
        }
        if (row(s.x, b, L).join() !== '0,0,1') fail('trigger');
        if (!isZero(row(s.x, b, L + 1))) fail('last input row');
        for (let t = 0; t <= L; t++) if (!isZero(row(s.y, b, t))) fail(`Y row ${t}`);
        const label = oneHotIndex(row(s.y, b, L + 1));
        const expected = balancedByPrefix(str) ? 1 : 0;
        if (label !== expected) fail(`label ${label} for ${str}`);
        if (isBalanced(Array.from(str, (c) => (c === '(' ? 1 : 0))) !== (expected === 1)) fail('isBalanced');
        valid += label;
        if (steps(s.t, b).join() !== '51') fail('T');
      }),
    );
  }
  expect(bads).toEqual([]);
  expect(valid).toBeGreaterThan(0);
  expect(valid).toBeLessThan(200);
});

test('simple_copy: target rows at T equal input symbol rows 0..L−1; trigger at L+d; zero rows elsewhere', () => {
  const { test: s } = buildTask('simple_copy', { seed: 11 });
  const L = 22;
  const d = 5;
  const N = 2 * L + d + 1;
  expect(
    check(s, (b, fail) => {
      const T = steps(s.t, b);
      if (T.join() !== Array.from({ length: L }, (_, k) => L + d + 1 + k).join()) fail('T');
      for (let k = 0; k < L; k++) {
        const xr = row(s.x, b, k);
        if (oneHotIndex(xr) < 0 || xr[3] !== 0) fail(`X row ${k}`);
        if (row(s.y, b, T[k] as number).join() !== xr.slice(0, 3).join()) fail(`Y at ${T[k]}`);
        if (!isZero(row(s.y, b, k))) fail(`Y row ${k} not zero`);
      }
      for (let t = L; t < N; t++) {
        const xr = row(s.x, b, t);
        if (t === L + d ? xr.join() !== '0,0,0,1' : !isZero(xr)) fail(`X row ${t}`);
      }
    }),
  ).toEqual([]);
});

test('selective_copy: K markers on symbol steps, targets = marked symbols in order, trigger at L+d', () => {
  const { test: s } = buildTask('selective_copy', { seed: 11 });
  const L = 40,
    d = 5,
    K = 5,
    S = 3;
  const N = L + d + 1 + K;
  expect(
    check(s, (b, fail) => {
      const marked: number[] = [];
      for (let t = 0; t < N; t++) {
        const r = row(s.x, b, t);
        if (t < L) {
          const sym = oneHotIndex(r.slice(0, S));
          if (sym < 0 || r[S + 1] !== 0) fail(`X row ${t}`);
          if (r[S] === 1) marked.push(sym);
        } else if (t === L + d) {
          if (r.join() !== '0,0,0,0,1') fail('trigger');
        } else if (!isZero(r)) fail(`X row ${t}`);
      }
      if (marked.length !== K) fail(`${marked.length} markers`);
      const T = steps(s.t, b);
      if (T.join() !== [46, 47, 48, 49, 50].join()) fail('T');
      T.forEach((st, j) => {
        if (oneHotIndex(row(s.y, b, st)) !== marked[j]) fail(`answer ${j}`);
      });
      for (let t = 0; t < L + d + 1; t++) if (!isZero(row(s.y, b, t))) fail(`Y row ${t}`);
    }),
  ).toEqual([]);
});

test('adding_problem: two markers, trigger at L, label = sum − 2 of the marked numbers', () => {
  const { test: s } = buildTask('adding_problem', { seed: 11 });
  const L = 10,
    M = 3;
  expect(
    check(s, (b, fail) => {
      let sum = 0;
      let markers = 0;
      for (let t = 0; t < L; t++) {
        const r = row(s.x, b, t);
        const code = oneHotIndex(r.slice(0, M));
        if (code < 0 || r[M + 1] !== 0) fail(`X row ${t}`);
        if (r[M] === 1) {
          markers++;
          sum += code + 1;
        }
      }
      if (markers !== 2) fail(`${markers} markers`);
      if (row(s.x, b, L).join() !== '0,0,0,0,1') fail('trigger');
      if (!isZero(row(s.x, b, L + 1))) fail('last input row');
      if (oneHotIndex(row(s.y, b, L + 1)) !== sum - 2) fail('label');
      if (steps(s.t, b).join() !== '11') fail('T');
    }),
  ).toEqual([]);
});

test('sorting_problem: tags form a permutation and the target is the input symbols reordered by tag', () => {
  const { test: s } = buildTask('sorting_problem', { seed: 11 });
  const L = 10,
    S = 3;
  expect(
    check(s, (b, fail) => {
      const tags: number[] = [];
      const inSyms: number[] = [];
      for (let t = 0; t < L; t++) {
        const r = row(s.x, b, t);
        const sym = oneHotIndex(r.slice(0, S));
        const tag = oneHotIndex(r.slice(S, S + L));
        if (sym < 0 || tag < 0 || r[S + L] !== 0) fail(`X row ${t}`);
        tags.push(tag);
        inSyms.push(sym);
        if (oneHotIndex(row(s.y, b, L + 1 + tag)) !== sym) fail(`target for tag ${tag}`);
      }
      if ([...tags].sort((a, c) => a - c).join() !== Array.from({ length: L }, (_, i) => i).join()) fail('tags');
      const outSyms = steps(s.t, b).map((st) => oneHotIndex(row(s.y, b, st)));
      if ([...outSyms].sort().join() !== [...inSyms].sort().join()) fail('not a permutation of the input symbols');
      if (row(s.x, b, L)[S + L] !== 1 || row(s.x, b, L).reduce((a, v) => a + v, 0) !== 1) fail('trigger');
      for (let t = L + 1; t <= 2 * L; t++) if (!isZero(row(s.x, b, t))) fail(`X row ${t}`);
      for (let t = 0; t <= L; t++) if (!isZero(row(s.y, b, t))) fail(`Y row ${t}`);
    }),
  ).toEqual([]);
});
