/**
 * Every unit's journal since a window (DC/OS: `diagnostics-units-since`, 24 h), one file per unit named after the
 * unit (`dcos-mesos-master.service`), one line per entry in journalctl's `short-iso` form
 * (`2026-12-07T03:36:15.123+00:00 <host> dcos-mesos-master: <message>`), newlines inside a message escaped as
 * `\n` so an entry stays one line. The journal's reads cover its rotated files (`<journal file>.1`, `.2.gz`, …),
 * so the window's entries from those are in the unit's file once; the rotated files are not copied again.
 */
import type { UnitJournalRecord } from '../../../runtime/units/unit-reader.ts';
import type { UnitSource } from '../../health/unit-source.ts';
import type { BundleCollector } from './collector.ts';

export interface JournalCollectorOptions {
  units: UnitSource;
  /** The node's hostname, as journalctl prints it. */
  hostname: string;
  /** Entries at or after this wall-clock ms. */
  sinceMs: () => number;
  /** Most bytes of one unit's text; the newest entries are kept. */
  maxBytes: number;
}

export function journalCollectors(options: JournalCollectorOptions): BundleCollector[] {
  return options.units.unitNames().map((unit) => ({
    name: unit,
    run: async (sink, signal) => {
      const { entries } = await options.units.readJournal(unit, { since: options.sinceMs() });
      signal.throwIfAborted();
      await sink.add(unit, journalText(unit, options.hostname, entries, options.maxBytes));
    },
  }));
}

export function journalLine(unit: string, hostname: string, entry: UnitJournalRecord): string {
  const iso = new Date(entry.timestamp).toISOString().replace('Z', '+00:00');
  const identifier = unit.replace(/\.(service|socket|timer)$/, '');
  return `${iso} ${hostname} ${identifier}: ${entry.message.replace(/\r?\n/g, '\\n')}\n`;
}

/** The newest entries that fit in `maxBytes`, oldest first, with a note when older ones were left out. */
function journalText(unit: string, hostname: string, entries: readonly UnitJournalRecord[], maxBytes: number): string {
  const lines: string[] = [];
  let bytes = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const line = journalLine(unit, hostname, entries[i]!);
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) {
      lines.push(`(${i + 1} older entries left out: the newest ${maxBytes} bytes are kept)\n`);
      break;
    }
    lines.push(line);
  }
  if (lines.length === 0) lines.push(`(no journal entries for ${unit} in the collected window)\n`);
  return lines.reverse().join('');
}
