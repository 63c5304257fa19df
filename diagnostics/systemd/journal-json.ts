/**
 * `journalctl -o json` output (one JSON object per line) as journal records. journald's export rules: every value is
 * a string, except a value that is not valid UTF-8 or holds control characters, which is an array of its bytes, and
 * a field present several times, which is an array of its values. PRIORITY is a syslog level (journald's default 6
 * when absent), __REALTIME_TIMESTAMP µs since the epoch.
 */
import type { JournalPriority, UnitJournalQuery, UnitJournalRecord } from '../../runtime/units/unit-reader.ts';

const DEFAULT_PRIORITY: JournalPriority = 6;

/** The arguments of `journalctl` for one unit's entries under a query. */
export function journalctlArgs(unit: string, query: UnitJournalQuery = {}): string[] {
  const args = ['--unit', unit, '--output', 'json', '--all', '--no-pager', '--quiet'];
  // `@<seconds>` is journalctl's epoch form; ms kept as the fraction.
  if (query.since !== undefined) args.push('--since', `@${(query.since / 1000).toFixed(3)}`);
  if (query.tail !== undefined) args.push('--lines', String(query.tail));
  return args;
}

export function parseJournalJson(output: string): UnitJournalRecord[] {
  const records: UnitJournalRecord[] = [];
  output.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new Error(`journalctl line ${i + 1} is not JSON`);
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`journalctl line ${i + 1} is not an object`);
    records.push(recordOf(entry as Record<string, unknown>, i + 1));
  });
  return records;
}

function recordOf(entry: Record<string, unknown>, line: number): UnitJournalRecord {
  const realtime = fieldText(entry.__REALTIME_TIMESTAMP);
  if (realtime === undefined || !/^\d+$/.test(realtime)) throw new Error(`journalctl line ${line} has no __REALTIME_TIMESTAMP`);
  const priorityText = fieldText(entry.PRIORITY);
  const priority = priorityText === undefined ? DEFAULT_PRIORITY : Number(priorityText);
  return {
    priority: Number.isInteger(priority) && priority >= 0 && priority <= 7 ? (priority as JournalPriority) : DEFAULT_PRIORITY,
    // µs as a decimal string: dividing the BigInt keeps precision past 2^53 µs.
    timestamp: Number(BigInt(realtime) / 1000n),
    message: fieldText(entry.MESSAGE) ?? '',
  };
}

/** A field's text: a string, its bytes decoded as UTF-8, or its several values one per line; null (over journald's size limit) as absent. */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  if (value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return Buffer.from(value as number[]).toString('utf8');
  const parts = value.map(fieldText).filter((v): v is string => v !== undefined);
  return parts.length === 0 ? undefined : parts.join('\n');
}
