/**
 * The history itself: every poll recorded in the database's minute tier, one a minute also in its hour tier, and
 * the answers DC/OS's buffers gave (`last`, `minute`: 30 × 2 s, `hour`: 60 × 1 min) plus minidc's `day` (1,440 ×
 * 1 min) and ranges of the hour tier. Each answer is the JSON array `[summary,…]` of the window's slots, `{}` for a
 * failed poll or a missed period. `minute` and `hour` are served from memory (each sample composed once); a day or
 * a range is streamed sample by sample from a read snapshot, never held whole (a day of a 1,000-agent cluster is
 * over a gigabyte of JSON).
 */
import type { Clock } from '../../runtime/time/clock.ts';
import { HISTORY_WINDOWS, type HistoryWindow } from './history-windows.ts';
import { HistoryDatabase, HistorySnapshot, HOUR_TIER, MINUTE_TIER, type HistoryReader, type SampleRow } from './history-database.ts';
import { gapFilledSlots, type Slot } from './gap-filled-slots.ts';
import { PeriodGate } from './period-gate.ts';
import { SampleComposer } from './sample-composer.ts';
import { decomposeSummary, NotASummaryError, type DecomposedSummary } from './summary-layout.ts';

export const EMPTY_SUMMARY = '{}';
const EMPTY = Buffer.from(EMPTY_SUMMARY);
const EMPTY_DECOMPOSED: DecomposedSummary = { layout: [], elements: [] };
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

export interface HistoryArchiveOptions {
  /** The SQLite file (`<nodeDir>/history/history.sqlite`). */
  path: string;
  /** How long the hour tier is kept (at least an hour). */
  retentionMs: number;
  /** Wall time of "now" for the windows. */
  clock: Pick<Clock, 'wallMs'>;
  /** Told when an unusable database file was moved aside. */
  onReplaced?: (message: string) => void;
}

interface CachedAnswer {
  key: string;
  pieces: Buffer[];
  /** The sample ids it shows. */
  shown: Set<number>;
}

export class HistoryArchive {
  private readonly db: HistoryDatabase;
  private readonly hourGate = new PeriodGate(HISTORY_WINDOWS.hour.periodMs, HISTORY_WINDOWS.minute.periodMs / 2);
  /** The last poll's body as fetched; undefined after a restart until the first poll (then the newest stored). */
  private last: Buffer | undefined;
  /** Newest sample time per tier (undefined: none), and a count of each tier's changes, for the answer caches' keys. */
  private readonly newestAt = new Map<number, number>();
  private readonly changes = new Map<number, number>();
  private readonly answers = new Map<string, CachedAnswer>();
  /** Composed samples by id, while a cached answer shows them. */
  private readonly composed = new Map<number, Buffer>();
  private readonly composer: SampleComposer;

  constructor(private readonly options: HistoryArchiveOptions) {
    this.db = new HistoryDatabase(options.path, options.onReplaced ? { onReplaced: options.onReplaced } : {});
    for (const tier of [MINUTE_TIER, HOUR_TIER]) {
      const newest = this.db.newest(tier, 1)[0];
      if (newest !== undefined) this.newestAt.set(tier, newest.atMs);
    }
    this.composer = new SampleComposer(this.db);
    const hourNewest = this.newestAt.get(HOUR_TIER);
    if (hourNewest !== undefined) this.hourGate.resumeAfter(hourNewest);
  }

  get retentionMs(): number {
    return this.options.retentionMs;
  }

  /** The wall time the windows are taken at. */
  nowMs(): number {
    return this.options.clock.wallMs();
  }

  /**
   * Records one poll: its body, or undefined when the poll failed. Either way a sample is stored (`{}` for a
   * failure, as DC/OS stored); returns why a body that arrived was stored as `{}` (not a JSON object), if it was.
   */
  record(body: Buffer | undefined, atMs: number): string | undefined {
    const tiers = MINUTE_TIER | (this.hourGate.take(atMs) ? HOUR_TIER : 0);
    let problem: string | undefined;
    if (body === undefined) this.db.append(atMs, tiers, EMPTY_DECOMPOSED);
    else
      try {
        this.db.append(atMs, tiers, decomposeSummary(body));
      } catch (err) {
        if (!(err instanceof NotASummaryError)) throw err;
        problem = err.message;
        this.db.append(atMs, tiers, EMPTY_DECOMPOSED);
      }
    this.last = body === undefined || problem !== undefined ? EMPTY : body;
    this.db.keepNewest(MINUTE_TIER, HISTORY_WINDOWS.minute.slots);
    if (tiers & HOUR_TIER) this.db.dropOlderThan(HOUR_TIER, atMs - this.options.retentionMs);
    for (const tier of [MINUTE_TIER, HOUR_TIER]) {
      if ((tiers & tier) === 0) continue;
      this.newestAt.set(tier, atMs);
      this.changes.set(tier, (this.changes.get(tier) ?? 0) + 1);
    }
    return problem;
  }

  /** `/history/last`: the last poll's body verbatim (`{}` before any). */
  lastSummary(): Buffer {
    if (this.last !== undefined) return this.last;
    const newest = this.db.newest(MINUTE_TIER, 1)[0];
    return newest === undefined ? EMPTY : this.composer.compose(newest);
  }

  /**
   * `/history/minute` or `/history/hour`: the window's JSON array as pieces to send in order (nothing is copied
   * into one buffer). Each sample is composed once and kept while a window shows it, so a new poll costs one
   * composition, not thirty or sixty.
   */
  window(name: 'minute' | 'hour'): readonly Buffer[] {
    const window = HISTORY_WINDOWS[name];
    const tier = window.tier;
    const now = this.options.clock.wallMs();
    const newest = this.newestAt.get(tier);
    // The answer changes with a new sample and with each period missed since the newest.
    const missed = newest === undefined ? 0 : Math.max(0, Math.min(window.slots, Math.floor((now - newest) / window.periodMs) - 1));
    const key = `${this.changes.get(tier) ?? 0}|${missed}`;
    const cached = this.answers.get(name);
    if (cached?.key === key) return cached.pieces;
    const slots = gapFilledSlots(this.db.newest(tier, window.slots), window.periodMs, { limit: window.slots, endMs: now });
    const pieces: Buffer[] = [OPEN];
    const shown = new Set<number>();
    slots.forEach((slot, i) => {
      if (i > 0) pieces.push(COMMA);
      if (slot.sample === undefined) {
        pieces.push(EMPTY);
        return;
      }
      const id = slot.sample.id;
      shown.add(id);
      let body = this.composed.get(id);
      if (body === undefined) this.composed.set(id, (body = this.composer.compose(slot.sample)));
      pieces.push(body);
    });
    pieces.push(CLOSE);
    this.answers.set(name, { key, pieces, shown });
    // Keep only what some window still shows.
    const kept = new Set([...this.answers.values()].flatMap((a) => [...a.shown]));
    for (const id of this.composed.keys()) if (!kept.has(id)) this.composed.delete(id);
    return pieces;
  }

  /** `/history/day`: the last 24 h of the hour tier, streamed. */
  day(): AsyncGenerator<Buffer> {
    const now = this.options.clock.wallMs();
    const window = HISTORY_WINDOWS.day;
    return this.stream(window, now - window.slots * window.periodMs, now, window.slots);
  }

  /** The hour tier's slots from `fromMs` to `toMs` (both inclusive), streamed; the caller checks the bounds. */
  range(fromMs: number, toMs: number): AsyncGenerator<Buffer> {
    return this.stream(HISTORY_WINDOWS.day, fromMs, Math.min(toMs, this.options.clock.wallMs()), Infinity);
  }

  private async *stream(window: HistoryWindow, fromMs: number, endMs: number, limit: number): AsyncGenerator<Buffer> {
    // Its own read-only connection and snapshot: the stream outlives many polls, which must not change what it reads.
    const snapshot = new HistorySnapshot(this.options.path);
    try {
      const rows = snapshot.between(window.tier, fromMs, endMs);
      const slots = gapFilledSlots(rows, window.periodMs, { limit, fromMs, endMs });
      const composer = new SampleComposer(snapshot);
      yield OPEN;
      for (let i = 0; i < slots.length; i++) {
        yield i === 0 ? slotBody(slots[i]!, composer) : Buffer.concat([COMMA, slotBody(slots[i]!, composer)]);
      }
      yield CLOSE;
    } finally {
      snapshot.close();
    }
  }

  /** For tests and the benchmark: the database's own checks and sizes. */
  get database(): Pick<HistoryDatabase, 'integrityCheck' | 'stats' | 'checkpoint'> & HistoryReader {
    return this.db;
  }

  close(): void {
    this.answers.clear();
    this.composed.clear();
    this.db.close();
  }
}

function slotBody(slot: Slot<SampleRow>, composer: SampleComposer): Buffer {
  return slot.sample === undefined ? EMPTY : composer.compose(slot.sample);
}
