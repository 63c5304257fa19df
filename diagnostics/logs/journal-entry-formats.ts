/**
 * A journal entry as dcos-log answers it, per `Accept`: `text/plain` one journalctl `short-iso` line (the bundle's
 * form, journal-collector.ts), `application/json` one JSON object per line with journald's field names
 * (`fields.MESSAGE`, `fields.PRIORITY` as a string, `_SYSTEMD_UNIT`, `_HOSTNAME`; `realtime_timestamp` in µs as
 * journald keeps `__REALTIME_TIMESTAMP`), `text/event-stream` the same object as a server-sent event.
 */
import type { UnitJournalRecord } from '../../runtime/units/unit-reader.ts';
import { journalLineFormat } from '../bundles/content/journal-collector.ts';

export type JournalEntryFormat = 'text' | 'json' | 'event-stream';

export const CONTENT_TYPES: Record<JournalEntryFormat, string> = {
  text: 'text/plain; charset=utf-8',
  json: 'application/json',
  'event-stream': 'text/event-stream',
};

/** dcos-log's choice: JSON or server-sent events when asked for by name, text for anything else (`*\/*` included). */
export function formatFor(accept: string | undefined): JournalEntryFormat {
  const types = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim().toLowerCase());
  if (types.includes('text/event-stream')) return 'event-stream';
  if (types.includes('application/json')) return 'json';
  return 'text';
}

export interface JournalJsonEntry {
  fields: { MESSAGE: string; PRIORITY: string; _SYSTEMD_UNIT: string; _HOSTNAME: string };
  /** Where the entry is: the unit and its wall-clock µs (minidc's journal has no journald cursor of its own). */
  cursor: string;
  /** minidc's journal records no monotonic time per entry: always 0. */
  monotonic_timestamp: number;
  realtime_timestamp: number;
}

/** The formatter of one unit's entries on one host (the fixed parts built once). */
export function journalEntryFormatter(format: JournalEntryFormat, unit: string, hostname: string): (entry: UnitJournalRecord) => string {
  if (format === 'text') return journalLineFormat(unit, hostname);
  const json = (entry: UnitJournalRecord): string => {
    const realtime = entry.timestamp * 1000;
    const body: JournalJsonEntry = {
      fields: { MESSAGE: entry.message, PRIORITY: String(entry.priority), _SYSTEMD_UNIT: unit, _HOSTNAME: hostname },
      cursor: `u=${unit};t=${realtime}`,
      monotonic_timestamp: 0,
      realtime_timestamp: realtime,
    };
    return JSON.stringify(body);
  };
  if (format === 'json') return (entry) => `${json(entry)}\n`;
  return (entry) => `data: ${json(entry)}\n\n`;
}
