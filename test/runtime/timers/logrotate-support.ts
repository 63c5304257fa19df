// Shared pieces of the logrotate tests: a log's every line across its live file and rotations (gunzipped), and a
// TimerJobContext that records what a run journals.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { listRotations } from '../../../runtime/storage/log-rotations.ts';
import type { TimerJobContext } from '../../../runtime/timers/timer-job.ts';

/** The lines of one file, gunzipped when it is a `.gz`. */
export function fileLines(path: string): string[] {
  const bytes = readFileSync(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** Every line of the log, oldest rotation first, the live file (if any) last. */
export function allLines(log: string): string[] {
  const live = existsSync(log) ? [log] : [];
  return [...listRotations(log).reverse().map((r) => r.path), ...live].flatMap((p) => fileLines(p));
}

/** The number each line holds (the first group of `pattern`), NaN for a line without one. */
export function numbersInOrder(lines: readonly string[], pattern: RegExp): number[] {
  return lines.map((l) => Number(pattern.exec(l)?.[1] ?? NaN));
}

export function recordingContext(): TimerJobContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal: new AbortController().signal, log: (message) => void lines.push(message), lines };
}
