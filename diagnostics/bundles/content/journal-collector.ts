/**
 * Every unit's journal since a window (DC/OS: `diagnostics-units-since`, 24 h), one file per unit named after the
 * unit (`dcos-mesos-master.service`), one line per entry in journalctl's `short-iso` form
 * (`2026-12-07T03:36:15.123+00:00 <host> dcos-mesos-master: <message>`), newlines inside a message escaped as
 * `\n` so an entry stays one line. The journal's reads cover its rotated files (`<journal file>.1`, `.2.gz`, …),
 * so the window's entries from those are in the unit's file once; the rotated files are not copied again. Where the
 * source streams journals (a minidc node) the text is streamed too, so a day of a busy unit is never held whole.
 */
import { Readable } from 'node:stream';
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
      const since = options.sinceMs();
      const stream = options.units.streamJournal?.bind(options.units);
      if (stream === undefined) {
        const { entries } = await options.units.readJournal(unit, { since });
        signal.throwIfAborted();
        await sink.add(unit, journalText(unit, options.hostname, entries, options.maxBytes));
        return;
      }
      const line = journalLineFormat(unit, options.hostname);
      // Two passes over the files, so that memory stays bounded whatever the window holds: the first only measures.
      let total = 0;
      let count = 0;
      for await (const batch of stream(unit, { since })) {
        for (const entry of batch) total += Buffer.byteLength(line(entry));
        count += batch.length;
        signal.throwIfAborted();
      }
      signal.throwIfAborted();
      await sink.add(unit, Readable.from(newestText(unit, stream(unit, { since }), line, { total, count, maxBytes: options.maxBytes }, signal)));
    },
  }));
}

/** One entry as journalctl's `short-iso` line, for one unit and host (the fixed part built once: a bundle formats millions). */
export function journalLineFormat(unit: string, hostname: string): (entry: UnitJournalRecord) => string {
  const middle = ` ${hostname} ${unit.replace(/\.(service|socket|timer)$/, '')}: `;
  return (entry) => {
    const message = entry.message.includes('\n') ? entry.message.replace(/\r?\n/g, '\\n') : entry.message;
    return `${new Date(entry.timestamp).toISOString().slice(0, -1)}+00:00${middle}${message}\n`;
  };
}

/**
 * The text of `journalText`, streamed: the entries are those a first pass measured (`total` bytes of lines, `count`
 * entries), so the oldest are skipped until the rest fit in `maxBytes`. Entries appended since the first pass come
 * at the end and are kept (the text may then pass `maxBytes` by what was written meanwhile).
 */
async function* newestText(
  unit: string,
  batches: AsyncIterable<readonly UnitJournalRecord[]>,
  line: (entry: UnitJournalRecord) => string,
  measured: { total: number; count: number; maxBytes: number },
  signal: AbortSignal,
): AsyncGenerator<string> {
  if (measured.count === 0) {
    yield noEntries(unit);
    return;
  }
  let excess = measured.total - measured.maxBytes;
  let skipped = 0;
  for await (const batch of batches) {
    let chunk = '';
    for (const entry of batch) {
      const text = line(entry);
      if (excess > 0) {
        excess -= Buffer.byteLength(text);
        skipped++;
        if (excess <= 0) chunk = `(${skipped} older entries left out: the newest ${measured.maxBytes} bytes are kept)\n`;
        continue;
      }
      chunk += text;
    }
    signal.throwIfAborted();
    if (chunk !== '') yield chunk;
  }
}

const noEntries = (unit: string) => `(no journal entries for ${unit} in the collected window)\n`;

/** The newest entries that fit in `maxBytes`, oldest first, with a note when older ones were left out. */
function journalText(unit: string, hostname: string, entries: readonly UnitJournalRecord[], maxBytes: number): string {
  const format = journalLineFormat(unit, hostname);
  const lines: string[] = [];
  let bytes = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    const line = format(entries[i]!);
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) {
      lines.push(`(${i + 1} older entries left out: the newest ${maxBytes} bytes are kept)\n`);
      break;
    }
    lines.push(line);
  }
  if (lines.length === 0) lines.push(noEntries(unit));
  return lines.reverse().join('');
}
