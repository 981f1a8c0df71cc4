import { score } from '../../lib/tasks';
import type { IndexMatrix, Tensor3 } from '../../lib/tensor';

const t3 = (rows: number[][][]): Tensor3 => {
  const B = rows.length,
    T = (rows[0] as number[][]).length,
    D = ((rows[0] as number[][])[0] as number[]).length;
  return { data: Float32Array.from(rows.flat(2)), shape: [B, T, D] };
};
const im = (rows: number[][]): IndexMatrix => ({
  data: Int32Array.from(rows.flat()),
  shape: [rows.length, (rows[0] as number[]).length],
});

describe('classification (error rate)', () => {
  const y = t3([
    [
      [0, 0, 0],
      [1, 0, 0],
      [0, 0, 1],
    ],
    [
      [0, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
    ],
  ]);

  test('perfect prediction scores 0, only the rows at T count', () => {
    const yHat = t3([
      [
        [9, 9, 9],
        [0.9, 0.1, 0],
        [0, 0.2, 0.5],
      ],
      [
        [0, 0, 9],
        [0, 3, 1],
        [-1, 0, -2],
      ],
    ]);
    expect(
      score(
        y,
        yHat,
        im([
          [1, 2],
          [1, 2],
        ]),
        true,
      ),
    ).toBe(0);
  });

  test('multiple steps: 1 wrong out of 4 → 0.25; steps in any order', () => {
    const yHat = t3([
      [
        [0, 0, 0],
        [1, 0, 0],
        [1, 0, 0],
      ], // step 2 wrong (predicts 0, true 2)
      [
        [0, 0, 0],
        [0, 1, 0],
        [0, 1, 0],
      ],
    ]);
    expect(
      score(
        y,
        yHat,
        im([
          [1, 2],
          [1, 2],
        ]),
        true,
      ),
    ).toBe(0.25);
    expect(
      score(
        y,
        yHat,
        im([
          [2, 1],
          [2, 1],
        ]),
        true,
      ),
    ).toBe(0.25);
  });

  test('ties go to the lowest index; an all-zero row predicts class 0', () => {
    const yHat = t3([
      [
        [0, 0, 0],
        [0, 0, 0],
        [0.5, 0.5, 0.5],
      ], // step 1: class 0 (right), step 2: tie → 0 (wrong)
      [
        [0, 0, 0],
        [0.7, 0.7, 0],
        [0, 0.3, 0.3],
      ], // step 1: tie → 0 (wrong), step 2: tie → 1 (right)
    ]);
    expect(
      score(
        y,
        yHat,
        im([
          [1, 2],
          [1, 2],
        ]),
        true,
      ),
    ).toBe(0.5);
    expect(
      score(
        y,
        yHat,
        im([
          [1, 2],
          [1, 2],
        ]),
        'classification',
      ),
    ).toBe(0.5);
  });
});

describe('regression (MSE over B·n_T·D_out)', () => {
  test('hand-computed case with two channels', () => {
    const y = t3([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [0, 0],
        [1, -1],
      ],
    ]);
    const yHat = t3([
      [
        [9, 9],
        [3, 5],
      ],
      [
        [9, 9],
        [0, 1],
      ],
    ]);
    // T = [1]: errors (0, 1) and (−1, 2) → (0 + 1 + 1 + 4) / 4 = 1.5
    expect(score(y, yHat, im([[1], [1]]), false)).toBe(1.5);
    expect(score(y, yHat, im([[1], [1]]), 'regression')).toBe(1.5);
    // T = [0, 1] on both: add (8² + 7²) and (9² + 9²) → (6 + 64 + 49 + 81 + 81) / 8
    expect(
      score(
        y,
        yHat,
        im([
          [0, 1],
          [0, 1],
        ]),
        false,
      ),
    ).toBeCloseTo(281 / 8, 12);
  });
});

describe('multi_classification (per-bit, sigmoid ≥ 0.5)', () => {
  test('an output of 0 counts as bit 1; per-bit error', () => {
    const y = t3([[[1, 0, 1, 0]]]);
    const yHat = t3([[[0, 0, -0.1, -3]]]); // bits 1, 1, 0, 0 → 2 of 4 right
    expect(score(y, yHat, im([[0]]), 'multi_classification')).toBe(0.5);
    // threshold 0.6 ⇒ sigmoid(p) ≥ 0.6 ⇔ p ≥ 0.405: bits 0, 0, 0, 0 → 2 of 4 right
    expect(score(y, yHat, im([[0]]), 'multi_classification', { threshold: 0.6 })).toBe(0.5);
    expect(score(y, t3([[[2, -1, 0.5, -0.5]]]), im([[0]]), 'multi_classification')).toBe(0);
  });
});

test('errors: mismatched shapes, wrong T rows, steps outside the sequence', () => {
  const y = t3([
    [
      [1, 0],
      [0, 1],
    ],
  ]);
  expect(() =>
    score(
      y,
      t3([
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
      ]),
      im([[1]]),
      true,
    ),
  ).toThrow(/shape/);
  expect(() => score(y, y, im([[1], [1]]), true)).toThrow(/rows/);
  expect(() => score(y, y, im([[2]]), true)).toThrow(/outside/);
  expect(() => score(y, y, im([[-1]]), true)).toThrow(/outside/);
});
