// Shared pieces of the logrotate tests: a log's every line across its live file and rotations (gunzipped), and a
// TimerJobContext that records what a run journals.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { listRotations } from '../../../runtime/storage/log-rotations.ts';
import type { TimerJobContext } from '../../../runtime/timers/timer-job.ts';

/** One file's text, gunzipped when it is a `.gz`. */
function fileText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The lines of one file. */
export function fileLines(path: string): string[] {
  const text = fileText(path);
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** Every line of the log, file by file (each must hold whole lines): the rotations oldest first, then the live file. */
export function allLines(log: string): string[] {
  return logFiles(log).flatMap((p) => fileLines(p));
}

function logFiles(log: string): string[] {
  const live = existsSync(log) ? [log] : [];
  return [...listRotations(log).reverse().map((r) => r.path), ...live];
}

/** The number each line holds (the first group of `pattern`), NaN for a line without one. */
export function numbersInOrder(lines: readonly string[], pattern: RegExp): number[] {
  return lines.map((l) => Number(pattern.exec(l)?.[1] ?? NaN));
}

export function recordingContext(): TimerJobContext & { lines: string[] } {
  const lines: string[] = [];
  return { signal: new AbortController().signal, log: (message) => void lines.push(message), lines };
}

/** The log's bytes as written: the rotations oldest first, then the live file (a line may span two files). */
export function allText(log: string): string {
  return logFiles(log).map(fileText).join('');
}
