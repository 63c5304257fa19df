/**
 * A wall-clock timestamp as `systemctl show` prints it (`Mon 2026-12-07 03:00:00 UTC`, with `.123456` in µs style)
 * → ms since the epoch; empty (or `n/a`), as systemd prints a boundary never crossed, → 0. The backend runs systemctl
 * with TZ=UTC, so the zone is UTC; a numeric offset (`+0530`, `-05`) is accepted too, an abbreviation such as `CET`
 * is not (it names no offset).
 */
const TIMESTAMP = /^(?:[A-Z][a-z]{2} )?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (UTC|GMT|[+-]\d{2}(?::?\d{2})?)$/;

export function parseSystemdTimestamp(text: string): number {
  const value = text.trim();
  if (value === '' || value === 'n/a') return 0;
  const m = TIMESTAMP.exec(value);
  if (m === null) throw new Error(`not a systemd timestamp in UTC: '${value}'`);
  const [, year, month, day, hour, minute, second, fraction = '', zone] = m;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  return ms - offsetMinutes(zone!) * 60_000;
}

function offsetMinutes(zone: string): number {
  if (zone === 'UTC' || zone === 'GMT') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return zone.startsWith('-') ? -minutes : minutes;
}
