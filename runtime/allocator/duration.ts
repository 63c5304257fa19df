/** Mesos/stout durations: a number followed by ns, us, ms, secs, mins, hrs, days or weeks (e.g. `1secs`, `100ms`). */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
};

export class DurationParseError extends Error {}

/** Parses to milliseconds; throws DurationParseError with the reason. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/.exec(text);
  if (!m) throw new DurationParseError(`invalid duration '${text}': expected a number and a unit such as 1secs`);
  const unit = UNIT_MS[m[2]!];
  if (unit === undefined)
    throw new DurationParseError(`invalid duration '${text}': unknown unit '${m[2]}' (ns, us, ms, secs, mins, hrs, days, weeks)`);
  return Number(m[1]) * unit;
}
