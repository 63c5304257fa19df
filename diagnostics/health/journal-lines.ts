/**
 * Journal entries as dcos-diagnostics prints them in a unit's `output`: go-systemd's simple formatter,
 * `<Go time.Time.String()> <MESSAGE>\n`, e.g. `2019-11-26 13:15:54.708377 +0000 UTC msg` (UTC; trailing zeros of
 * the fraction dropped, as Go does).
 */
import type { UnitJournalRecord } from '../../runtime/units/unit-reader.ts';

export function goTimeString(wallMs: number): string {
  const iso = new Date(wallMs).toISOString(); // 2019-11-26T13:15:54.708Z
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction === '' ? '' : `.${fraction}`} +0000 UTC`;
}

export function journalLines(entries: readonly UnitJournalRecord[]): string {
  return entries.map((e) => `${goTimeString(e.timestamp)} ${e.message}\n`).join('');
}
