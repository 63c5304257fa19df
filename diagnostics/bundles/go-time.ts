/**
 * Times as dcos-diagnostics' Go code prints them in bundle texts and the legacy status: `time.Time.String()` of
 * `time.Now()` (wall time plus the monotonic reading, `2019-11-26 13:15:54.708 +0000 UTC m=+286.920941479`) and
 * `time.Duration.String()` (`4.569742311s`, `1m2.5s`, `350ms`).
 */
import { goTimeString } from '../health/journal-lines.ts';

/** `monotonicMs`: ms since this process started (Go's monotonic reading is relative to process start). */
export function goNowString(wallMs: number, monotonicMs: number): string {
  return `${goTimeString(wallMs)} m=+${(monotonicMs / 1000).toFixed(9)}`;
}

export function goDurationString(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const trim = (n: number, digits: number) => n.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  if (abs < 1) return `${sign}${trim(abs * 1000, 3)}µs`;
  if (abs < 1000) return `${sign}${trim(abs, 6)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = trim((abs % 60_000) / 1000, 9);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}
