/**
 * "Did you mean …" for unknown option names: ReservoirPy's names (lr, sr, input_scaling, …)
 * map to ours, and snake_case or near-miss spellings to the closest known option.
 */

/** ReservoirPy's (and reservoir-computing folklore's) option names → ours, in order of preference. */
export const RESERVOIRPY_NAMES: Readonly<Record<string, readonly string[]>> = {
  lr: ['leakRate'],
  leak_rate: ['leakRate'],
  leaking_rate: ['leakRate'],
  alpha: ['leakRate'],
  sr: ['spectralRadius'],
  rho: ['spectralRadius'],
  spectral_radius: ['spectralRadius'],
  input_scaling: ['inputScaling'],
  bias_scaling: ['biasScaling'],
  bias: ['biasScaling'],
  rc_connectivity: ['connectivity'],
  units: ['units', 'attentionUnits', 'memoryUnits'],
  N: ['units', 'attentionUnits'],
  input_dim: ['inputDim'],
  seed: ['seed'],
  warmup: ['washout'],
  ridge: ['ridges'],
  workers: ['threads'],
};

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

const squash = (s: string): string => s.replace(/[_-]/g, '').toLowerCase();

/** The known name an unknown `key` most likely means, with why ("ReservoirPy's lr"), or undefined. */
export function suggestOption(key: string, known: readonly string[]): { name: string; why?: string } | undefined {
  const alias = RESERVOIRPY_NAMES[key]?.find((n) => known.includes(n));
  if (alias !== undefined && alias !== key) return { name: alias, why: `ReservoirPy's ${key}` };
  const same = known.find((n) => squash(n) === squash(key));
  if (same !== undefined) return { name: same };
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.min(2, Math.floor(key.length / 3)));
  for (const n of known) {
    const d = editDistance(squash(key), squash(n));
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = n;
      bestDistance = d;
    }
  }
  return best === undefined ? undefined : { name: best };
}

/** " (did you mean "leakRate"? ReservoirPy's lr)" or "". */
export function didYouMean(key: string, known: readonly string[]): string {
  const s = suggestOption(key, known);
  return s === undefined ? '' : ` (did you mean "${s.name}"?${s.why ? ` ${s.why}` : ''})`;
}
