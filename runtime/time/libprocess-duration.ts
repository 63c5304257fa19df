/**
 * Durations as libprocess reads them from query strings (stout `Duration::parse`): a non-negative decimal number
 * immediately followed by one of ns, us, ms, secs, mins, hrs, days, weeks ("100ms", "1.5secs"). No spaces, no
 * sign. The error texts are stout's, because Mesos puts them in its 400 bodies and clients match on them.
 */

export type DurationParse = { ok: true; nanoseconds: number } | { ok: false; error: string };

const NANOS_PER_UNIT: Record<string, number> = {
  ns: 1,
  us: 1e3,
  ms: 1e6,
  secs: 1e9,
  mins: 60e9,
  hrs: 3600e9,
  days: 86_400e9,
  weeks: 604_800e9,
};

const INT64_MAX = 2 ** 63 - 1;

/** What boost's lexical_cast<double> accepts from a run of digits and dots. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)$/;

export function parseLibprocessDuration(text: string): DurationParse {
  // The number is the leading run of digits and dots; everything after it is the unit.
  let i = 0;
  while (i < text.length && isDigitOrDot(text.charCodeAt(i))) i++;
  if (i === text.length) return { ok: false, error: `Invalid duration '${text}'` };
  const number = text.slice(0, i);
  if (!DECIMAL.test(number)) return { ok: false, error: `Failed to convert '${number}' to number` };
  const unit = text.slice(i);
  const factor = NANOS_PER_UNIT[unit];
  if (factor === undefined)
    return {
      ok: false,
      error:
        `Unknown duration unit '${unit}'; supported units are` +
        " 'ns', 'us', 'ms', 'secs', 'mins', 'hrs', 'days', and 'weeks'",
    };
  const nanoseconds = Number(number) * factor;
  if (nanoseconds > INT64_MAX)
    return { ok: false, error: "Argument out of the range that a Duration can represent due to int64_t's size limit" };
  return { ok: true, nanoseconds: Math.trunc(nanoseconds) };
}

function isDigitOrDot(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 46;
}
