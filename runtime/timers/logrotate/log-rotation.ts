/**
 * One log's rotation, as logrotate does it with `size`, `rotate N`, `compress` and `delaycompress` — but never
 * `copytruncate` (DC/OS's config uses it, and loses whatever the writer appends between the copy and the
 * truncate). The live file is renamed to `.1` and its writer switches to a fresh file: either `reopen()` in the same
 * turn as the rename (the journals), or the writer notices the rename itself (the task output logger). A line is
 * therefore in exactly one file. `.1` stays plain until the next rotation, so a writer that was mid-line at the
 * rename finishes into a file nobody has compressed yet.
 *
 * Every step that renames or removes happens synchronously in one turn, after the only slow step (compressing the
 * old `.1` into a temp file); an in-process reader listing the files in one turn (runtime/storage/log-rotations.ts)
 * sees them before or after a rotation, never half-way. A rotation killed midway leaves either the temp file
 * (removed next time) or `.1.gz` beside `.1` (readers take `.1`; the next run finishes the step).
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { chown, open, rm, stat, utimes } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { listRotations, rotationPath } from '../../storage/log-rotations.ts';

export interface RotationPolicy {
  /** The live file is rotated once it has at least this many bytes. */
  readonly maxSizeBytes: number;
  /** Rotations kept: `.1` and `.2.gz` … `.N.gz`. */
  readonly rotateCount: number;
}

export interface RotatableLog {
  readonly path: string;
  /** The writer's switch to a fresh live file, called in the same turn as the rename. Absent: no writer holds the
   * file, or it notices the rename itself. */
  reopen?(): void;
}

export interface RotationOutcome {
  /** Size of the live file when it was rotated. */
  readonly bytes: number;
  /** Rotations removed because they were over the count. */
  readonly removed: readonly string[];
}

/** Rotates `log` when it is at least `maxSizeBytes`; undefined when it was not due (or does not exist). */
export async function rotateLog(log: RotatableLog, policy: RotationPolicy, signal?: AbortSignal): Promise<RotationOutcome | undefined> {
  const { path } = log;
  finishInterrupted(path);
  const size = await sizeOf(path);
  if (size === undefined || size < policy.maxSizeBytes) return undefined;

  const previous = listRotations(path).find((r) => r.index === 1 && !r.compressed);
  const temp = `${path}.1.gz.tmp`;
  const compress = policy.rotateCount >= 2 && previous !== undefined;
  if (compress) await compressTo(previous.path, temp, signal);
  signal?.throwIfAborted();

  // From here on, synchronous: no reader or writer of this process runs in between.
  const removed: string[] = [];
  try {
    const rotations = listRotations(path);
    for (const r of rotations)
      if (r.index >= policy.rotateCount) {
        unlinkSync(r.path);
        removed.push(r.path);
      }
    for (const r of rotations.filter((x) => x.index >= 2 && x.index < policy.rotateCount).reverse())
      renameSync(r.path, rotationPath(path, r.index + 1, r.compressed));
    if (compress) {
      renameSync(temp, rotationPath(path, 1, true));
      unlinkSync(previous.path);
      renameSync(rotationPath(path, 1, true), rotationPath(path, 2, true));
    }
    renameSync(path, rotationPath(path, 1, false));
  } finally {
    rmSync(temp, { force: true });
  }
  log.reopen?.();
  return { bytes: size, removed };
}

/** Undoes or completes what a rotation killed midway left (see the file comment). */
function finishInterrupted(path: string): void {
  rmSync(`${path}.1.gz.tmp`, { force: true });
  // `.1.gz` exists only between the shift and its own rename to `.2.gz`: the old `.1` is compressed and shifted.
  const compressed = rotationPath(path, 1, true);
  if (!existsSync(compressed)) return;
  rmSync(rotationPath(path, 1, false), { force: true });
  renameSync(compressed, rotationPath(path, 2, true));
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * gzip `source` into `target`, durably, with the source's mtime (the folder cap goes by it: a compressed rotation
 * is as old as its content) and owner (a task's sandbox files belong to the task's user).
 */
async function compressTo(source: string, target: string, signal: AbortSignal | undefined): Promise<void> {
  const info = await stat(source);
  try {
    await pipeline(createReadStream(source), createGzip(), createWriteStream(target, { mode: info.mode & 0o777 }), { signal });
    const written = await open(target, 'r');
    await written.sync().finally(() => written.close());
  } catch (err) {
    await rm(target, { force: true });
    throw err;
  }
  await utimes(target, info.atime, info.mtime);
  if (process.getuid?.() === 0) await chown(target, info.uid, info.gid);
}
