/**
 * Removes the temp files a kill mid-write left beside state files (`writeFileAtomic`'s `.<name>.<hex>.tmp`). Only
 * safe while the caller holds the data dir (no write can be under way): minidc runs it after locking, before start.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAtomicTempFile } from './atomic-file.ts';

export interface SweepOptions {
  /** Directories not to descend into (task sandboxes hold the tasks' own files, which are theirs to name). */
  skip?: (dir: string) => boolean;
}

/** Returns the paths removed. */
export async function removeStaleTempFiles(root: string, options: SweepOptions = {}): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!options.skip?.(path)) await visit(path);
      } else if (e.isFile() && isAtomicTempFile(e.name)) {
        await rm(path, { force: true });
        removed.push(path);
      }
    }
  };
  await visit(root);
  return removed;
}
