/**
 * A one-line trial counter with the time left, redrawn in place on stderr when stderr is a
 * terminal (never in pipes, logs or CI). Small enough not to need a dependency.
 */

/** Progress of a run of `total` steps. */
export interface ProgressLine {
  update(done: number, total: number): void;
  stop(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** A progress line on `stream` if it is a terminal, else undefined. */
export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressLine | undefined {
  if (!stream.isTTY) return undefined;
  const started = Date.now();
  let drawn = false;
  return {
    update(done, total) {
      const width = 30;
      const filled = total > 0 ? Math.round((width * done) / total) : 0;
      const elapsed = (Date.now() - started) / 1000;
      const left = done > 0 ? (elapsed * (total - done)) / done : NaN;
      stream.write(
        `\r${label} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${done}/${total} | ${duration(left)} left `,
      );
      drawn = true;
    },
    stop() {
      if (drawn) stream.write('\n');
    },
  };
}
