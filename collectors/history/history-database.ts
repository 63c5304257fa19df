/**
 * The history's SQLite file (better-sqlite3, WAL, prepared statements). `elements` holds each distinct summary
 * array element (an agent, a framework) once, by content hash, deflated (a framework's `slave_ids` of 1,000 agents
 * is 45 kB of JSON that changes with every task placed, ~4 kB deflated: see BENCHMARKS.md); `element_refs` the count of samples referencing each
 * (a table of its own: SQLite rewrites a whole row to change one column, and every sample changes a thousand
 * counts, which in `elements` would rewrite a thousand bodies); `samples` one row per kept poll: its time, its tiers, its layout and the ids of its elements.
 * A sample is in the minute tier (every 2 s poll, the newest 30 kept), the hour tier (one poll a minute, kept for the
 * retention) or both; when it leaves its last tier the row goes, its elements' counts drop, and elements no sample
 * references are deleted — in the same transaction, so the file is always consistent.
 *
 * Durability: `synchronous=NORMAL`. In WAL mode a commit is then written to the WAL (the OS's page cache) but not
 * fsynced until a checkpoint: a kill -9 of minidc loses nothing committed and never corrupts the file (WAL frames
 * are checksummed; recovery replays whole transactions); only an OS crash or power loss can drop the last seconds of
 * polls. FULL would fsync on every commit, an fsync every 2 s on the event loop the master and agents share, to
 * protect observations that the next poll replaces anyway.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { validateElement, type DecomposedSummary, type LayoutMember } from './summary-layout.ts';

export const MINUTE_TIER = 1;
export const HOUR_TIER = 2;

export interface SampleRow {
  id: number;
  atMs: number;
  tiers: number;
  layout: LayoutMember[];
  /** Element ids, in the order the layout consumes them. */
  refs: number[];
}

interface RawRow {
  id: number;
  at_ms: number;
  tiers: number;
  layout: string;
  refs: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS elements (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS element_refs (
  id INTEGER PRIMARY KEY,
  refs INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS samples (
  id INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  tiers INTEGER NOT NULL,
  layout TEXT NOT NULL,
  refs TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS samples_at ON samples(at_ms);
`;

const toRow = (r: RawRow): SampleRow => ({
  id: r.id,
  atMs: r.at_ms,
  tiers: r.tiers,
  layout: JSON.parse(r.layout) as LayoutMember[],
  refs: JSON.parse(r.refs) as number[],
});

/** Reads samples and element bodies on one connection (the writer's own, or a read-only snapshot's). */
export class HistoryReader {
  private readonly range: Database.Statement<[number, number, number], RawRow>;
  private readonly latest: Database.Statement<[number, number], RawRow>;
  private readonly bodies: Database.Statement<[string], { id: number; body: Buffer }>;

  constructor(protected readonly db: Database.Database) {
    this.range = db.prepare('SELECT id, at_ms, tiers, layout, refs FROM samples WHERE (tiers & ?) != 0 AND at_ms BETWEEN ? AND ? ORDER BY at_ms');
    this.latest = db.prepare('SELECT id, at_ms, tiers, layout, refs FROM samples WHERE (tiers & ?) != 0 ORDER BY at_ms DESC LIMIT ?');
    this.bodies = db.prepare('SELECT id, body FROM elements WHERE id IN (SELECT value FROM json_each(?))');
  }

  /** The tier's samples with `fromMs <= at <= toMs`, oldest first. */
  between(tier: number, fromMs: number, toMs: number): SampleRow[] {
    return this.range.all(tier, fromMs, toMs).map(toRow);
  }

  /** The tier's newest `count` samples, oldest first. */
  newest(tier: number, count: number): SampleRow[] {
    return this.latest.all(tier, count).map(toRow).reverse();
  }

  /** The texts of these elements, inflated (ids without one are absent from the map). */
  elementBodies(ids: readonly number[]): Map<number, Buffer> {
    const out = new Map<number, Buffer>();
    for (const { id, body } of this.bodies.all(JSON.stringify(ids))) out.set(id, inflateRawSync(body));
    return out;
  }
}

/** A read-only connection holding one read transaction: a consistent view while a long answer streams. */
export class HistorySnapshot extends HistoryReader {
  constructor(path: string) {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    super(db);
    db.exec('BEGIN');
    // A read transaction takes its snapshot at its first read.
    db.prepare('SELECT count(*) FROM samples').get();
  }

  close(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

export interface HistoryDatabaseOptions {
  /** Told when the file was unreadable or failed its check and was moved aside for a fresh one. */
  onReplaced?: (message: string) => void;
}

export class HistoryDatabase extends HistoryReader {
  private readonly findElement: Database.Statement<[string], { id: number }>;
  private readonly insertElement: Database.Statement<[string, Buffer], unknown>;
  private readonly insertRefs: Database.Statement<[number], unknown>;
  private readonly insertSample: Database.Statement<[number, number, string, string], unknown>;
  private readonly addRefs: Database.Statement<[string], unknown>;
  private readonly dropRefs: Database.Statement<[string], unknown>;
  private readonly deleteUnreferenced: Database.Statement<[string], unknown>;
  private readonly deleteUnreferencedCounts: Database.Statement<[string], unknown>;
  private readonly setTiers: Database.Statement<[number, number], unknown>;
  private readonly deleteSample: Database.Statement<[number], unknown>;
  private readonly minuteBeyond: Database.Statement<[number, number], { id: number; tiers: number; refs: string }>;
  private readonly tierOlderThan: Database.Statement<[number, number], { id: number; tiers: number; refs: string }>;
  /** Element ids of the last appended sample by hash: the next poll's elements are mostly these. */
  private lastIds = new Map<string, number>();

  constructor(readonly path: string, options: HistoryDatabaseOptions = {}) {
    super(openChecked(path, options.onReplaced));
    const db = this.db;
    this.findElement = db.prepare('SELECT id FROM elements WHERE hash = ?');
    this.insertElement = db.prepare('INSERT INTO elements (hash, body) VALUES (?, ?)');
    this.insertRefs = db.prepare('INSERT INTO element_refs (id, refs) VALUES (?, 0)');
    this.insertSample = db.prepare('INSERT INTO samples (at_ms, tiers, layout, refs) VALUES (?, ?, ?, ?)');
    // Counts are per sample row (an element twice in one sample counts once), hence DISTINCT both ways.
    this.addRefs = db.prepare('UPDATE element_refs SET refs = refs + 1 WHERE id IN (SELECT DISTINCT value FROM json_each(?))');
    this.dropRefs = db.prepare('UPDATE element_refs SET refs = refs - 1 WHERE id IN (SELECT DISTINCT value FROM json_each(?))');
    const unreferenced = 'SELECT id FROM element_refs WHERE refs <= 0 AND id IN (SELECT value FROM json_each(?))';
    this.deleteUnreferenced = db.prepare(`DELETE FROM elements WHERE id IN (${unreferenced})`);
    this.deleteUnreferencedCounts = db.prepare(`DELETE FROM element_refs WHERE id IN (${unreferenced})`);
    this.setTiers = db.prepare('UPDATE samples SET tiers = ? WHERE id = ?');
    this.deleteSample = db.prepare('DELETE FROM samples WHERE id = ?');
    this.minuteBeyond = db.prepare(
      'SELECT id, tiers, refs FROM samples WHERE (tiers & ?) != 0 ORDER BY at_ms DESC LIMIT -1 OFFSET ?',
    );
    this.tierOlderThan = db.prepare('SELECT id, tiers, refs FROM samples WHERE (tiers & ?) != 0 AND at_ms < ?');
  }

  /** Stores one sample in the given tiers; returns its row id. An element new to the file is validated first. */
  append(atMs: number, tiers: number, summary: DecomposedSummary): number {
    return this.db.transaction(() => {
      const ids: number[] = [];
      const seen = new Map<string, number>();
      for (const { body, hash } of summary.elements) {
        let id = seen.get(hash) ?? this.lastIds.get(hash) ?? this.findElement.get(hash)?.id;
        if (id === undefined) {
          validateElement(body);
          id = Number(this.insertElement.run(hash, deflateRawSync(body)).lastInsertRowid);
          this.insertRefs.run(id);
        }
        seen.set(hash, id);
        ids.push(id);
      }
      const refs = JSON.stringify(ids);
      const row = Number(this.insertSample.run(atMs, tiers, JSON.stringify(summary.layout), refs).lastInsertRowid);
      if (ids.length > 0) this.addRefs.run(refs);
      this.lastIds = seen;
      return row;
    })();
  }

  /** Takes the tier's samples beyond its newest `keep` out of it; returns how many. */
  keepNewest(tier: number, keep: number): number {
    return this.leaveTier(tier, this.minuteBeyond.all(tier, keep));
  }

  /** Takes the tier's samples older than `beforeMs` out of it; returns how many. */
  dropOlderThan(tier: number, beforeMs: number): number {
    return this.leaveTier(tier, this.tierOlderThan.all(tier, beforeMs));
  }

  private leaveTier(tier: number, rows: { id: number; tiers: number; refs: string }[]): number {
    if (rows.length === 0) return 0;
    this.db.transaction(() => {
      for (const row of rows) {
        const tiers = row.tiers & ~tier;
        if (tiers !== 0) {
          this.setTiers.run(tiers, row.id);
          continue;
        }
        this.deleteSample.run(row.id);
        this.dropRefs.run(row.refs);
        this.deleteUnreferenced.run(row.refs);
        this.deleteUnreferencedCounts.run(row.refs);
      }
    })();
    return rows.length;
  }

  /** `PRAGMA integrity_check`'s answer (`ok` when the file is sound). */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  }

  /** Sizes for logs and the benchmark. */
  stats(): { samples: number; elements: number; elementBytes: number } {
    const s = this.db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number };
    const e = this.db.prepare('SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS bytes FROM elements').get() as { n: number; bytes: number };
    return { samples: s.n, elements: e.n, elementBytes: e.bytes };
  }

  /** Folds the WAL into the main file (the benchmark's disk figure; a clean stop). */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating) the file in WAL mode with the schema, after a quick check; a file SQLite cannot read or that
 * fails the check is moved aside (`<file>.corrupt-<ms>`) and a fresh one started, so history never keeps the unit
 * from starting.
 */
function openChecked(path: string, onReplaced: HistoryDatabaseOptions['onReplaced']): Database.Database {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return open(path, true);
  } catch (err) {
    if (!isUnreadable(err)) throw err;
    const aside = `${path}.corrupt-${Date.now()}`;
    renameSync(path, aside);
    for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    onReplaced?.(`history database ${path} could not be used (${(err as Error).message}); moved to ${aside}, starting afresh`);
    return open(path, false);
  }
}

class CheckFailedError extends Error {}

/** A file that is not a database or is damaged; anything else (permissions, a full disk) is not solved by moving it. */
function isUnreadable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return err instanceof CheckFailedError || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

function open(path: string, check: boolean): Database.Database {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    if (check) {
      const result = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).join('; ');
      if (result !== 'ok') throw new CheckFailedError(`quick_check: ${result}`);
    }
    db.exec(SCHEMA);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
