/**
 * The UnitReader over a UnitRegistry: a plain object holding only read methods, so an observer handed it cannot
 * reach `start`/`stop` (nor the journals' `append`).
 */
import type { JournalEntry } from './unit-journal.ts';
import { unitProperties } from './unit-snapshot.ts';
import type { Unit } from './unit.ts';
import type { UnitRegistry } from './unit-registry.ts';
import type { ActiveState, LoadState, SubState, UnitStateChange } from './unit-state.ts';
import type {
  UnitActiveState,
  UnitJournalExcerpt,
  UnitJournalQuery,
  UnitJournalRecord,
  UnitLoadState,
  UnitReader,
  UnitStateListener,
  UnitSubState,
} from './unit-reader.ts';

// The reader's vocabulary (systemd's) is spelled out again so its module stays self-contained; these fail to compile
// if the registry ever uses a state the reader does not name.
type Within<A, B> = [A] extends [B] ? true : false;
const statesAgree: [Within<ActiveState, UnitActiveState>, Within<SubState, UnitSubState>, Within<LoadState, UnitLoadState>] = [
  true,
  true,
  true,
];
void statesAgree;

export function unitRegistryReader(registry: UnitRegistry): UnitReader {
  // One forwarding listener per subscriber, so unsubscribe removes exactly what subscribe added.
  const forwarders = new Map<UnitStateListener, (change: UnitStateChange) => void>();
  const unitOrThrow = (name: string): Unit => {
    const unit = registry.get(name);
    if (!unit) throw new Error(`Unit ${name} could not be found.`);
    return unit;
  };
  return Object.freeze({
    unitNames: () => registry.list().map((u) => u.name),
    properties: (name: string) => {
      const unit = registry.get(name);
      return unit && unitProperties(unit);
    },
    readJournal: async (name: string, query: UnitJournalQuery = {}): Promise<UnitJournalExcerpt> => {
      const unit = unitOrThrow(name);
      const { since, tail } = query;
      if (since !== undefined && !Number.isFinite(since)) throw new RangeError(`since must be wall-clock ms, got ${since}`);
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
        throw new RangeError(`tail must be a non-negative integer, got ${tail}`);
      const entries = await unit.journal.read({
        ...(since === undefined ? {} : { since: new Date(since) }),
        ...(tail === undefined ? {} : { limit: tail }),
      });
      return { path: unit.journal.path, entries: entries.map(journalRecord) };
    },
    streamJournal: (name: string, query: Pick<UnitJournalQuery, 'since'> = {}): AsyncIterable<UnitJournalRecord[]> => {
      const unit = unitOrThrow(name);
      const { since } = query;
      if (since !== undefined && !Number.isFinite(since)) throw new RangeError(`since must be wall-clock ms, got ${since}`);
      return (async function* records() {
        for await (const batch of unit.journal.stream(since === undefined ? {} : { since: new Date(since) })) yield batch.map(journalRecord);
      })();
    },
    subscribe: (listener: UnitStateListener) => {
      if (forwarders.has(listener)) return;
      const forward = (c: UnitStateChange): void => listener({ unit: c.unit, from: c.from, to: c.to, at: Date.parse(c.at) });
      forwarders.set(listener, forward);
      registry.on('unit-state', forward);
    },
    unsubscribe: (listener: UnitStateListener) => {
      const forward = forwarders.get(listener);
      if (!forward) return;
      forwarders.delete(listener);
      registry.off('unit-state', forward);
    },
  });
}


function journalRecord(e: JournalEntry) {
  return { priority: e.priority, timestamp: Date.parse(e.ts), message: e.message };
}
