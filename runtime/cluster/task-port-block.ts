/**
 * Task host ports for a cluster with ephemeral ports. Every cluster on one machine uses the same agent addresses,
 * so two clusters offering the same range would hand out the same port ("Address already in use"). Each cluster
 * with ephemeral ports therefore claims a block of its own: kept in DATA_DIR/task-ports (a restart keeps its
 * ports, which its recovered tasks hold), and claimed machine-wide by an exclusively created file in a shared
 * claims directory naming the data dir. A claim is stale once that data dir no longer names the block.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../storage/atomic-file.ts';

/** Below the kernel's ephemeral range (32768–60999 by default), so the OS never hands these out itself. */
export const BLOCK_AREA = { first: 20000, last: 31999 };
export const BLOCK_SIZE = 200;

export interface TaskPortBlockOptions {
  /** Where machine-wide claims live. Default `$TMPDIR/minidc-task-ports`. */
  claimsDir?: string;
}

export class TaskPortBlockError extends Error {}

/** The cluster's task port range as Mesos range text, claiming a free block on first use. */
export function claimTaskPortBlock(dataDir: string, options: TaskPortBlockOptions = {}): string {
  const claimsDir = options.claimsDir ?? join(tmpdir(), 'minidc-task-ports');
  mkdirSync(claimsDir, { recursive: true });
  const kept = readKept(dataDir);
  const order = blockStarts();
  // The block this data dir had first, if it is still ours (or free again).
  if (kept !== undefined && order.includes(kept)) order.unshift(kept);
  let named = kept;
  for (const start of new Set(order)) {
    const range = rangeText(start);
    const name = () => {
      if (named !== start) writeFileAtomicSync(join(dataDir, 'task-ports'), `${range}\n`);
      named = start;
    };
    if (claim(claimsDir, start, dataDir, name)) return range;
  }
  throw new TaskPortBlockError(
    `no free block of task ports left in ${BLOCK_AREA.first}-${BLOCK_AREA.last} (claims in ${claimsDir}); ` +
      "remove stale data dirs or set 'task_ports' in the config",
  );
}

function blockStarts(): number[] {
  const out: number[] = [];
  for (let s = BLOCK_AREA.first; s + BLOCK_SIZE - 1 <= BLOCK_AREA.last; s += BLOCK_SIZE) out.push(s);
  return out;
}

const rangeText = (start: number) => `[${start}-${start + BLOCK_SIZE - 1}]`;

function readKept(dataDir: string): number | undefined {
  const m = /^\[(\d+)-\d+\]$/.exec(readText(join(dataDir, 'task-ports'))?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * Claims `start` for `dataDir`: true if it is (now) this data dir's. `nameInDataDir` records the block in the data
 * dir just before the claim file is created: a claim whose data dir does not name its block counts as stale, so a
 * block named only afterwards could be taken over by a cluster starting at the same moment.
 */
function claim(claimsDir: string, start: number, dataDir: string, nameInDataDir: () => void): boolean {
  const path = join(claimsDir, String(start));
  for (let attempt = 0; attempt < 2; attempt++) {
    const owner = readText(path);
    if (owner === dataDir) return true;
    if (owner !== undefined) {
      // Still claimed while the owner's data dir names this block (a stopped cluster keeps its ports for restarts).
      if (owner === '' || readKept(owner) === start) return false;
      rmSync(path, { force: true });
    }
    nameInDataDir();
    try {
      const fd = openSync(path, 'wx', 0o644);
      try {
        writeSync(fd, dataDir);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return false;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
