/**
 * `?from=&to=` of `/history/day`: each an ISO 8601 time with its zone (`2026-12-07T10:00:00Z`, a date alone is
 * midnight UTC) or milliseconds since the epoch. `to` defaults to now and `from` to a day before `to`; a range
 * that runs backwards or is longer than the retention is refused, as is a value that is neither form.
 */
export class RangeQueryError extends Error {}

export interface RangeQuery {
  from?: string;
  to?: string;
}

const DAY_MS = 86_400_000;
const MILLISECONDS = /^\d{1,16}$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export function parseHistoryTime(name: string, value: string): number {
  const ms = MILLISECONDS.test(value) ? Number(value) : ISO_8601.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms))
    throw new RangeQueryError(
      `${name}: '${value}' is not an ISO 8601 time with a zone (2026-12-07T10:00:00Z) or milliseconds since the epoch`,
    );
  return ms;
}

/** The range asked for, checked against the retention; `nowMs` fills in what is not given. */
export function parseRange(query: RangeQuery, nowMs: number, retentionMs: number): { fromMs: number; toMs: number } {
  const toMs = query.to === undefined ? nowMs : parseHistoryTime('to', query.to);
  const fromMs = query.from === undefined ? toMs - Math.min(DAY_MS, retentionMs) : parseHistoryTime('from', query.from);
  if (fromMs > toMs)
    throw new RangeQueryError(`from (${new Date(fromMs).toISOString()}) is after to (${new Date(toMs).toISOString()})`);
  if (toMs - fromMs > retentionMs)
    throw new RangeQueryError(
      `the range from ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()} is longer than the history's retention of ${retentionMs / 60_000} minutes`,
    );
  return { fromMs, toMs };
}
