/** `bracket_matching` (spec §3.7): is a (possibly corrupted) bracket string balanced? */
import { checkBytes, count } from '../bounds';
import { ErrorCodes, RanError, invalidArg } from '../errors';
import { Random } from '../random';
import { checkCounts, checkInt, generateSamples, type SampleCounts, type SampleSpec, type TaskData } from './types';

/** Parameters of `bracket_matching` (reference keyword names). */
export interface BracketMatchingParams extends SampleCounts {
  /** String length L (must be even, spec §5 defect 5). */
  readonly sequence_length: number;
  /** Maximum depth D of the uncorrupted candidate strings. */
  readonly max_depth: number;
}

/** Reference generator defaults of `bracket_matching`. */
export const BRACKET_MATCHING_DEFAULTS: BracketMatchingParams = {
  n_train: 1000,
  n_valid: 200,
  n_test: 200,
  sequence_length: 100,
  max_depth: 5,
};

/**
 * True when the string (1 = "(", 0 = ")") never goes below depth 0 and ends at depth 0.
 */
export function isBalanced(chars: ArrayLike<number>): boolean {
  if (!Array.isArray(chars) && !ArrayBuffer.isView(chars)) invalidArg('chars', 'an array or typed array of 0/1', chars);
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    depth += chars[i] === 1 ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * One bracket string of spec §3.7 steps 1–2 (1 = "(", 0 = ")"): the depth-bounded
 * balanced candidate, then with probability 1/2 `floor(0.35·L)` distinct positions
 * overwritten with a fair random bracket. `L`: an integer in [0, 2^31 − 1] whose 9·L bytes
 * fit the memory limit (else ERR_RAN_TOO_LARGE); `maxDepth` ≥ 1.
 */
export function drawBracketString(rng: Random, L: number, maxDepth: number): Uint8Array {
  if (!(rng instanceof Random)) invalidArg('rng', 'a Random', rng);
  count('L', L, 0);
  count('maxDepth', maxDepth, 1);
  checkBytes(`a bracket string of ${L} characters`, 9 * L);
  const s = new Uint8Array(L);
  let depth = 0;
  let r = L;
  for (let i = 0; i < L; i++) {
    let open: boolean;
    if (depth === 0) open = true;
    else open = r > depth && depth < maxDepth && rng.uniform() > 0.5;
    s[i] = open ? 1 : 0;
    depth += open ? 1 : -1;
    r -= 1;
  }
  if (rng.uniform() >= 0.5) {
    const positions = rng.choose(L, Math.floor(0.35 * L));
    for (const pos of positions) s[pos] = rng.uniform() < 0.5 ? 1 : 0;
  }
  return s;
}

/**
 * `bracket_matching` (spec §3.7). Input [L+2, 3]: channel 0 "(", channel 1 ")", for t < L;
 * channel 2 at step L (trigger); step L+1 zero. Target [L+2, 2]: `onehot_2(label)` at
 * step L+1 (index 1 = valid). `T = [L+1]`. Classification.
 * @throws RanError (ERR_RAN_INVALID_ARG) for odd L (the reference then never produces a valid candidate).
 */
export function bracketMatching(p: BracketMatchingParams, seed: number): TaskData {
  checkCounts(p);
  const L = p.sequence_length;
  checkInt('sequence_length', L, 2);
  checkInt('max_depth', p.max_depth, 1);
  if (L % 2 !== 0)
    throw new RanError(ErrorCodes.INVALID_ARG, `bracket_matching needs an even sequence_length, got ${L}`);
  const N = L + 2;
  const spec: SampleSpec = {
    steps: N,
    dIn: 3,
    dOut: 2,
    nT: 1,
    write(rng, x, y, t) {
      const s = drawBracketString(rng, L, p.max_depth);
      for (let i = 0; i < L; i++) x[i * 3 + (s[i] === 1 ? 0 : 1)] = 1;
      x[L * 3 + 2] = 1;
      y[(L + 1) * 2 + (isBalanced(s) ? 1 : 0)] = 1;
      t[0] = L + 1;
    },
  };
  return generateSamples(spec, p, seed, true);
}
