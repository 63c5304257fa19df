/**
 * One unit's journal: `<dataDir>/journal/<unit>.log`, one JSON object per line
 * (`{"ts":…,"unit":…,"priority":…,"message":…}`), plus an in-memory tail so recent lines are read without I/O.
 *
 * Durability: every line is written with one synchronous append (O_APPEND, never a rewrite), so once `append`
 * returns the line survives a crash of this process; a crash mid-write can tear at most that last line, and readers
 * skip a torn line. Pass `fsync: true` to also survive a crash of the machine, at the cost of a disk flush per line.
 *
 * Rotation (runtime/timers/logrotate) renames the live file to `<unit>.log.1` and calls `reopen()` in the same turn
 * of the event loop, so every line lands in exactly one file. Reads cover the rotated files too (`.1`, `.2.gz`, …,
 * see runtime/storage/log-rotations.ts), oldest first.
 *
 * The journal records what it is given; callers keep secrets out by never logging environments or credentials.
 */
import { closeSync, createReadStream, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { listRotations } from '../storage/log-rotations.ts';
import type { Clock } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { assertUnitName } from './unit-name.ts';

/** syslog priorities, as journald keeps them. */
export const PRIORITY = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type Priority = (typeof PRIORITY)[keyof typeof PRIORITY];

export interface JournalEntry {
  /** Wall-clock time, ISO 8601 (UTC). */
  readonly ts: string;
  readonly unit: string;
  readonly priority: Priority;
  readonly message: string;
}

export interface JournalReadOptions {
  /** Only entries at or after this time (journalctl --since). */
  since?: Date | string;
  /** Only the newest this many of the matching entries (journalctl -n). */
  limit?: number;
}

export interface UnitJournalOptions {
  /** The node's data directory; the journal lives in its `journal/` subdirectory. */
  dataDir: string;
  unit: string;
  clock?: Pick<Clock, 'wallMs'>;
  /** How many recent entries to keep in memory (at least; up to twice as many are held between trims). */
  tailSize?: number;
  /** fsync after each line. */
  fsync?: boolean;
}

const DEFAULT_TAIL_SIZE = 1000;
const READ_CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export class UnitJournal {
  readonly unit: string;
  readonly path: string;
  private readonly clock: Pick<Clock, 'wallMs'>;
  private readonly tailSize: number;
  private readonly fsync: boolean;
  private fd: number | undefined;
  /** The file does not end in a newline (a torn last line): the next append must start a fresh line. */
  private tornEnding = false;
  private tail: JournalEntry[] = [];
  /** Whether the files (live or rotated) hold entries older than `tail[0]`; while not, the tail answers every read. */
  private olderOnDisk = false;

  constructor(options: UnitJournalOptions) {
    assertUnitName(options.unit);
    const tailSize = options.tailSize ?? DEFAULT_TAIL_SIZE;
    if (!Number.isInteger(tailSize) || tailSize < 1) throw new RangeError(`tailSize must be a positive integer, got ${tailSize}`);
    this.unit = options.unit;
    this.clock = options.clock ?? systemTime;
    this.tailSize = tailSize;
    this.fsync = options.fsync ?? false;
    const dir = join(options.dataDir, 'journal');
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${this.unit}.log`);
    this.loadTail(this.open());
  }

  /** Appends one line and returns it. Throws if the line cannot be written (it is then not in the tail either). */
  append(priority: Priority, message: string): JournalEntry {
    if (!Number.isInteger(priority) || priority < 0 || priority > 7)
      throw new RangeError(`priority must be a syslog priority 0-7, got ${priority}`);
    const entry: JournalEntry = { ts: new Date(this.clock.wallMs()).toISOString(), unit: this.unit, priority, message };
    // JSON.stringify escapes newlines inside the message, so an entry is always exactly one line.
    const line = `${this.tornEnding ? '\n' : ''}${JSON.stringify(entry)}\n`;
    const fd = this.fd ?? this.open();
    writeSync(fd, line);
    this.tornEnding = false;
    if (this.fsync) fsyncSync(fd);
    this.remember(entry);
    return entry;
  }

  /** Entries in the order written, filtered by `since` and cut to the newest `limit`. */
  async read(options: JournalReadOptions = {}): Promise<JournalEntry[]> {
    const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
      throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    const fromTail = since === undefined ? this.tail : this.tail.filter((e) => e.ts >= since);
    const tailSuffices =
      !this.olderOnDisk ||
      (limit !== undefined && fromTail.length >= limit) ||
      // Older entries on disk are older than the tail's first, which is already before `since`.
      (since !== undefined && this.tail[0] !== undefined && this.tail[0].ts < since);
    const matching = tailSuffices ? fromTail : await this.readFile(since, limit);
    return limit === undefined ? [...matching] : matching.slice(Math.max(0, matching.length - limit));
  }

  /**
   * The entries at or after `since`, oldest first, in batches (one per chunk read: a promise per entry would cost
   * more than parsing it), read file by file as the caller consumes them: a day of a busy
   * unit (rotations included) is never held in memory, as `read` holds its answer. The files are opened in one turn,
   * as for `read`, so a rotation meanwhile cannot make the stream miss or repeat an entry.
   */
  async *stream(options: Pick<JournalReadOptions, 'since'> = {}): AsyncGenerator<JournalEntry[]> {
    const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
    const files = openJournalFiles(this.path).reverse();
    try {
      for (const file of files)
        for await (const batch of fileEntries(file)) {
          const kept = since === undefined ? batch : batch.filter((e) => e.ts >= since);
          if (kept.length > 0) yield kept;
        }
    } finally {
      for (const file of files) closeSync(file.fd);
    }
  }

  /**
   * After the live file was renamed away (log rotation): later lines go to a fresh file at `path`. The rotator calls
   * it in the same turn as the rename; appends are synchronous, so none can fall between the two. (Checking the
   * file's inode against the path's at each append instead would cost two syscalls a line and still leave a window
   * between the check and the write.)
   */
  reopen(): void {
    this.close();
    this.open();
  }

  /** Releases the file. A later `append` opens it again. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  /** Opens for appending (and positioned reads, which O_APPEND leaves alone). */
  private open(): number {
    const fd = openSync(this.path, 'a+', 0o640);
    this.fd = fd;
    const size = fstatSync(fd).size;
    this.tornEnding = size > 0 && byteAt(fd, size - 1) !== NEWLINE;
    return fd;
  }

  private remember(entry: JournalEntry): void {
    this.tail.push(entry);
    // Trimming only when the tail doubles keeps appends O(1) amortised.
    if (this.tail.length >= 2 * this.tailSize) {
      this.tail = this.tail.slice(this.tail.length - this.tailSize);
      this.olderOnDisk = true;
    }
  }

  /** Loads the newest `tailSize` entries by reading the file backwards, so opening a large journal stays cheap. */
  private loadTail(fd: number): void {
    const chunks: Buffer[] = [];
    let pos = fstatSync(fd).size;
    let newlines = 0;
    // One more newline than wanted marks where the oldest wanted line starts.
    while (pos > 0 && newlines <= this.tailSize) {
      const length = Math.min(READ_CHUNK, pos);
      pos -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, pos);
      for (const byte of chunk) if (byte === NEWLINE) newlines++;
      chunks.push(chunk);
    }
    const lines = Buffer.concat(chunks.reverse()).toString('utf8').split('\n');
    if (pos > 0) lines.shift(); // begins mid-line
    const entries = lines.map(parseEntry).filter((e): e is JournalEntry => e !== undefined);
    this.tail = entries.slice(Math.max(0, entries.length - this.tailSize));
    this.olderOnDisk = pos > 0 || this.tail.length < entries.length || listRotations(this.path).length > 0;
  }

  /** Reads the live file, then the rotations newest first, until `limit` entries or an entry before `since`. */
  private async readFile(since: string | undefined, limit: number | undefined): Promise<JournalEntry[]> {
    const files = openJournalFiles(this.path);
    const newestFirst: JournalEntry[][] = [];
    let count = 0;
    try {
      for (const file of files) {
        const { entries, olderSeen } = await readEntries(file, since, limit);
        newestFirst.push(entries);
        count += entries.length;
        // Entries are in time order across the files: past `since` or the limit, older files add nothing.
        if (olderSeen || (limit !== undefined && count >= limit)) break;
      }
    } finally {
      for (const file of files) closeSync(file.fd);
    }
    return newestFirst.reverse().flat();
  }
}

interface OpenJournalFile {
  readonly fd: number;
  readonly compressed: boolean;
}

/**
 * The live file and its rotations, newest first, all opened in one turn: a rotation renaming files meanwhile then
 * cannot make a read see one file twice or miss one (an open file keeps its content whatever its name becomes).
 */
function openJournalFiles(path: string): OpenJournalFile[] {
  const files: OpenJournalFile[] = [];
  try {
    for (const { path: p, compressed } of [{ path, compressed: false }, ...listRotations(path)]) {
      try {
        files.push({ fd: openSync(p, 'r'), compressed });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return files;
  } catch (err) {
    for (const file of files) closeSync(file.fd);
    throw err;
  }
}

/**
 * One file's entries in the order written, streamed in one batch per chunk read (a `.gz` rotation decompressed);
 * torn or foreign lines skipped.
 */
async function* fileEntries(file: OpenJournalFile): AsyncGenerator<JournalEntry[]> {
  const raw = createReadStream('', { fd: file.fd, autoClose: false, start: 0, highWaterMark: READ_CHUNK });
  let input: NodeJS.ReadableStream = raw;
  if (file.compressed) {
    const gunzip = createGunzip();
    raw.on('error', (err) => gunzip.destroy(err));
    input = raw.pipe(gunzip);
  }
  const decoder = new StringDecoder('utf8');
  let carry = '';
  const parse = (lines: string[]): JournalEntry[] => lines.map(parseEntry).filter((e): e is JournalEntry => e !== undefined);
  for await (const chunk of input) {
    const lines = (carry + decoder.write(chunk as Buffer)).split('\n');
    carry = lines.pop()!;
    const batch = parse(lines);
    if (batch.length > 0) yield batch;
  }
  const last = parse([carry + decoder.end()]);
  if (last.length > 0) yield last;
}

/** One file's entries at or after `since`, the newest `limit` of them at most; `olderSeen`: some were before `since`. */
async function readEntries(
  file: OpenJournalFile,
  since: string | undefined,
  limit: number | undefined,
): Promise<{ entries: JournalEntry[]; olderSeen: boolean }> {
  const entries: JournalEntry[] = [];
  let olderSeen = false;
  for await (const batch of fileEntries(file))
    for (const entry of batch) {
      if (since !== undefined && entry.ts < since) {
        olderSeen = true;
        continue;
      }
      entries.push(entry);
      // Keep memory bounded by the limit while streaming a long file.
      if (limit !== undefined && entries.length >= 2 * limit + 1024) entries.splice(0, entries.length - limit);
    }
  return { entries: limit === undefined ? entries : entries.slice(Math.max(0, entries.length - limit)), olderSeen };
}

function byteAt(fd: number, position: number): number {
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, position);
  return b[0]!;
}

/** A journal line, or undefined for a torn or foreign line. */
function parseEntry(line: string): JournalEntry | undefined {
  if (line === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Record<string, unknown>;
  const p = e.priority;
  if (typeof e.ts !== 'string' || typeof e.unit !== 'string' || typeof e.message !== 'string') return undefined;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 7) return undefined;
  return { ts: e.ts, unit: e.unit, priority: p as Priority, message: e.message };
}
