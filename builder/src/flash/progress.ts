// Progress lines for the flash: bytes, speed, time left. Pure: numbers in, text out.
import { humanSize } from './bmap.js';
import type { Progress } from './write-image.js';

export interface ProgressFigures {
  readonly phase: Progress['phase'];
  readonly done: number;
  readonly total: number;
  readonly bytesWritten: number;
  readonly percent: number;
  /** Bytes per second of `done` so far. */
  readonly speed: number;
  /** Seconds left at that speed (undefined before there is a speed). */
  readonly eta?: number;
}

export function progressFigures(p: Progress, elapsedSeconds: number): ProgressFigures {
  const speed = elapsedSeconds > 0 ? p.done / elapsedSeconds : 0;
  const eta = speed > 0 ? Math.max(0, (p.total - p.done) / speed) : undefined;
  return {
    phase: p.phase,
    done: p.done,
    total: p.total,
    bytesWritten: p.bytesWritten,
    percent: p.total > 0 ? (100 * p.done) / p.total : 100,
    speed,
    ...(eta !== undefined && { eta }),
  };
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** "write 412.0 MiB / 1.2 GiB (34%), 38.2 MiB/s, 0:21 left, 96.0 MiB written" */
export function formatProgress(f: ProgressFigures): string {
  const parts = [
    `${f.phase} ${humanSize(f.done)} / ${humanSize(f.total)} (${Math.floor(f.percent)}%)`,
    `${humanSize(f.speed)}/s`,
    f.eta === undefined ? 'time left unknown' : `${formatDuration(f.eta)} left`,
  ];
  if (f.phase === 'write') parts.push(`${humanSize(f.bytesWritten)} written`);
  return parts.join(', ');
}
