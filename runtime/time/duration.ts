/**
 * Mesos durations in flags and config (`1secs`, `100ms`, `2weeks`), in milliseconds. One parser serves the whole
 * project: stout's rules and error texts live in runtime/time/libprocess-duration.ts (Mesos's 400 bodies quote them).
 */
import { parseLibprocessDuration } from './libprocess-duration.ts';

export class DurationParseError extends Error {}

/** Parses to milliseconds; throws DurationParseError with the reason. */
export function parseDuration(text: string): number {
  const parsed = parseLibprocessDuration(text.trim());
  if (!parsed.ok) throw new DurationParseError(`invalid duration '${text}': ${parsed.error}`);
  return parsed.nanoseconds / 1e6;
}
