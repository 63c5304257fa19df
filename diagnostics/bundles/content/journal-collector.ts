/**
 * Every unit's journal since a window (DC/OS: `diagnostics-units-since`, 24 h), one file per unit named after the
 * unit (`dcos-mesos-master.service`), one line per entry in journalctl's `short-iso` form
 * (`2026-12-07T03:36:15.123+00:00 <host> dcos-mesos-master: <message>`), newlines inside a message escaped as
 * `\n` so an entry stays one line. The journal's rotated files (`<journal file>.1`, `.2.gz`, …) follow under
 * their own names, a `.gz` one decompressed (and named without `.gz`) so that redaction can read it.
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
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
      const { path, entries } = await options.units.readJournal(unit, { since: options.sinceMs() });
      signal.throwIfAborted();
      await sink.add(unit, journalText(unit, options.hostname, entries, options.maxBytes));
      for (const rotated of await rotatedFiles(path)) {
        signal.throwIfAborted();
        const stream = createReadStream(rotated);
        const gzipped = rotated.endsWith('.gz');
        await sink.add(basename(gzipped ? rotated.slice(0, -3) : rotated), gzipped ? stream.pipe(createGunzip()) : stream);
      }
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

/** `<path>.1`, `<path>.2.gz`, … beside the journal file, in rotation order; regular files only. */
async function rotatedFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const base = basename(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  const rotated: { name: string; n: number }[] = [];
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^(\d+)(\.gz)?$/.exec(name.slice(base.length + 1));
    if (m && (await lstat(join(dir, name))).isFile()) rotated.push({ name, n: Number(m[1]) });
  }
  return rotated.sort((a, b) => a.n - b.n).map((r) => join(dir, r.name));
}
