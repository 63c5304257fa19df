/**
 * A cap on how many lines a flood of failing requests may write to a unit's journal: at most `burst` lines per
 * `windowMs`; lines beyond that are counted, not written, and the first line written after the window has passed
 * is preceded by one saying how many were suppressed (journald's RateLimitBurst/RateLimitIntervalSec do the same).
 */
import type { Clock } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { PRIORITY, type Priority } from '../units/unit-journal.ts';
import type { UnitLog } from '../units/unit-log.ts';

export interface JournalRateLimit {
  /** Lines written per window at most. Default 10. */
  burst?: number;
  /** Window length. Default 60 s. */
  windowMs?: number;
  clock?: Clock;
}

/** `log`, writing at most `burst` lines per window and saying how many it dropped. */
export function rateLimitedLog(log: UnitLog, limit: JournalRateLimit = {}): UnitLog {
  const burst = limit.burst ?? 10;
  const windowMs = limit.windowMs ?? 60_000;
  const clock = limit.clock ?? systemTime;
  let windowStart = -Infinity;
  let written = 0;
  let suppressed = 0;
  return (message: string, priority?: Priority) => {
    const now = clock.now();
    if (now - windowStart >= windowMs) {
      if (suppressed > 0) log(`${suppressed} similar line(s) suppressed in the last ${Math.round((now - windowStart) / 1000)} s (rate limit: ${burst} per ${windowMs / 1000} s)`, PRIORITY.warning);
      windowStart = now;
      written = 0;
      suppressed = 0;
    }
    if (written >= burst) {
      suppressed++;
      return;
    }
    written++;
    log(message, priority);
  };
}
