/**
 * DC/OS's `delete-oldest-unmanaged-files.py`: at most `maxFiles` files in a log folder, the oldest (by mtime)
 * removed first. Unlike DC/OS, only rotations of the folder's logs are ever removed — never a live log, and never
 * anything else that shares the folder (a task's sandbox holds the task's own files beside stdout and stderr).
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { listRotations } from '../../storage/log-rotations.ts';

/** Removes the oldest rotations of `logs` (all in `dir`) until `dir` holds at most `maxFiles`; returns what went. */
export async function capLogFolder(dir: string, logs: readonly string[], maxFiles: number): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  let files = entries.filter((e) => e.isFile()).length;
  if (files <= maxFiles) return [];
  const candidates: { path: string; mtimeMs: number }[] = [];
  for (const log of logs)
    for (const r of listRotations(log)) {
      const mtimeMs = await stat(r.path).then(
        (s) => s.mtimeMs,
        () => undefined,
      );
      if (mtimeMs !== undefined) candidates.push({ path: r.path, mtimeMs });
    }
  candidates.sort((a, b) => a.mtimeMs - b.mtimeMs);
  const removed: string[] = [];
  for (const c of candidates) {
    if (files <= maxFiles) break;
    await unlink(c.path);
    removed.push(c.path);
    files--;
  }
  return removed;
}

/** The folder of each log with the logs in it, so each folder is capped once. */
export function byFolder(paths: readonly string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const p of paths) {
    const dir = dirname(p);
    folders.set(dir, [...(folders.get(dir) ?? []), p]);
  }
  return folders;
}
