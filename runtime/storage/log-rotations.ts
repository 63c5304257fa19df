/**
 * How a rotated log is laid out beside its live file, as logrotate names it with `compress` + `delaycompress`:
 * `<log>.1` is the newest rotation (kept plain, since a writer may still have been finishing a line into it when it
 * was renamed), `<log>.2.gz` … `<log>.N.gz` are older ones, gzip-compressed. The writers (journals), the rotator
 * (runtime/timers/logrotate) and the readers all go by this one naming.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface LogRotation {
  readonly path: string;
  /** 1 is the newest. */
  readonly index: number;
  readonly compressed: boolean;
}

export function rotationPath(log: string, index: number, compressed: boolean): string {
  return `${log}.${index}${compressed ? '.gz' : ''}`;
}

/**
 * The rotations of `log` that exist, newest first. Synchronous on purpose: a listing done in one turn of the event
 * loop cannot interleave with a rotation, whose renames also happen in one turn. Where one index has both a plain
 * and a `.gz` file (a rotation killed between writing the compressed copy and removing the plain one) only the
 * plain one is listed, so no entry is read twice.
 */
export function listRotations(log: string): LogRotation[] {
  const base = basename(log);
  let names: string[];
  try {
    names = readdirSync(dirname(log));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const byIndex = new Map<number, LogRotation>();
  for (const name of names) {
    if (!name.startsWith(`${base}.`)) continue;
    const m = /^([1-9]\d{0,5})(\.gz)?$/.exec(name.slice(base.length + 1));
    if (!m) continue;
    const index = Number(m[1]);
    const compressed = m[2] !== undefined;
    const known = byIndex.get(index);
    if (known && !known.compressed) continue;
    byIndex.set(index, { path: join(dirname(log), name), index, compressed });
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
