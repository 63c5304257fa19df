/**
 * Recent tasks' `stdout`/`stderr` from an agent's sandboxes (`<work dir>/slaves/<agent>/frameworks/<fw>/executors/
 * <executor>/runs/<container>/`): the newest `maxTasks` runs by last change, each file cut to its last `maxBytes`
 * (the end of a log is where a task says why it died), as `sandboxes/<app or framework>/<task id>/stdout`. The app
 * is read from a Marathon task id (`<app>.<uuid>`); other frameworks' tasks go under their framework id. Sandbox
 * files are the tasks' own, so only regular files are read and symlinks never followed: a task cannot make the
 * bundle carry a file it could not read itself.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleCollector } from './collector.ts';

export interface SandboxCollectorOptions {
  /** The agent's `slaves/` directory under its work dir. */
  slavesDir: string;
  maxTasks: number;
  maxBytes: number;
}

interface SandboxRun {
  frameworkId: string;
  executorId: string;
  dir: string;
  changedMs: number;
}

const SANDBOX_FILES = ['stdout', 'stderr'] as const;
const MARATHON_TASK_ID = /^([A-Za-z0-9_-]+)\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function sandboxCollector(options: SandboxCollectorOptions): BundleCollector {
  return {
    name: 'sandboxes',
    run: async (sink, signal) => {
      const runs = (await sandboxRuns(options.slavesDir)).sort((a, b) => b.changedMs - a.changedMs).slice(0, options.maxTasks);
      for (const run of runs) {
        const folder = `sandboxes/${safeSegment(MARATHON_TASK_ID.exec(run.executorId)?.[1] ?? run.frameworkId)}/${safeSegment(run.executorId)}`;
        for (const file of SANDBOX_FILES) {
          signal.throwIfAborted();
          const tail = await fileTail(join(run.dir, file), options.maxBytes);
          if (tail !== undefined) await sink.add(`${folder}/${file}`, tail);
        }
      }
    },
  };
}

/** Every executor's newest run, with the time its sandbox last changed. */
async function sandboxRuns(slavesDir: string): Promise<SandboxRun[]> {
  const runs: SandboxRun[] = [];
  for (const agent of await dirs(slavesDir))
    for (const frameworkId of await dirs(join(slavesDir, agent, 'frameworks')))
      for (const executorId of await dirs(join(slavesDir, agent, 'frameworks', frameworkId, 'executors'))) {
        const runsDir = join(slavesDir, agent, 'frameworks', frameworkId, 'executors', executorId, 'runs');
        let newest: SandboxRun | undefined;
        for (const container of await dirs(runsDir)) {
          const dir = join(runsDir, container);
          const changedMs = await lastChange(dir);
          if (!newest || changedMs > newest.changedMs) newest = { frameworkId, executorId, dir, changedMs };
        }
        if (newest) runs.push(newest);
      }
  return runs;
}

/** Subdirectories (not symlinks); none when `dir` is missing. */
async function dirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/** The newest mtime of the run's log files (a running task's stdout), or of the directory itself. */
async function lastChange(dir: string): Promise<number> {
  let newest = 0;
  for (const name of ['', ...SANDBOX_FILES]) {
    const stat = await lstat(join(dir, name)).catch(() => undefined);
    if (stat) newest = Math.max(newest, stat.mtimeMs);
  }
  return newest;
}

/** The last `maxBytes` of a regular file, with a note when the start was cut; undefined when there is none. */
async function fileTail(path: string, maxBytes: number): Promise<Buffer | undefined> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => undefined);
  if (!handle) return undefined;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    const length = Math.min(stat.size, maxBytes);
    const data = Buffer.alloc(length);
    const { bytesRead } = await handle.read(data, 0, length, stat.size - length);
    const cut = stat.size - length;
    const note = cut > 0 ? Buffer.from(`(the first ${cut} bytes of ${stat.size} are left out)\n`) : Buffer.alloc(0);
    return Buffer.concat([note, data.subarray(0, bytesRead)]);
  } finally {
    await handle.close();
  }
}

/** A path segment that cannot climb out of its folder. */
function safeSegment(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === '' || /^\.+$/.test(safe) ? '_' : safe;
}
