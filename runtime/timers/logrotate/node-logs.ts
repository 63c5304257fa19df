/**
 * Every log minidc writes on one node, with how its writer switches files after a rotation:
 * - unit journals (`<nodeDir>/journal/<unit>.log`): the UnitJournal is reopened in the rotation's turn; a journal
 *   file no unit writes any more (a unit of an earlier configuration) is rotated as it is;
 * - task sandbox `stdout`/`stderr` (`<nodeDir>/mesos-agent/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/
 *   <container>/`): written by the task output logger, which notices the rename itself, or by nobody once the task
 *   ended.
 * minidc's components have no log files of their own: everything they say goes to their unit's journal.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnitRegistry } from '../../units/unit-registry.ts';
import type { RotatableLog } from './log-rotation.ts';

const SANDBOX_LOGS = ['stdout', 'stderr'] as const;

export async function nodeLogs(nodeDir: string, units: UnitRegistry): Promise<RotatableLog[]> {
  const logs: RotatableLog[] = units.list().map((unit) => ({ path: unit.journal.path, reopen: () => unit.journal.reopen() }));
  const owned = new Set(logs.map((l) => l.path));
  const journalDir = join(nodeDir, 'journal');
  for (const name of await entries(journalDir, 'file'))
    if (name.endsWith('.log') && !owned.has(join(journalDir, name))) logs.push({ path: join(journalDir, name) });
  for (const run of await sandboxRuns(join(nodeDir, 'mesos-agent', 'slaves'))) {
    const files = await entries(run, 'file');
    for (const name of SANDBOX_LOGS) if (files.includes(name)) logs.push({ path: join(run, name) });
  }
  return logs;
}

/** Sandbox run directories in Mesos's layout (real directories only: `latest` symlinks would list a run twice). */
async function sandboxRuns(slavesDir: string): Promise<string[]> {
  let level = [slavesDir];
  for (const step of ['frameworks', 'executors', 'runs', undefined]) {
    const next: string[] = [];
    for (const dir of level)
      for (const name of await entries(dir, 'dir')) next.push(step === undefined ? join(dir, name) : join(dir, name, step));
    level = next;
  }
  return level;
}

/** Names of the regular files or real directories in `dir` ([] when it does not exist). */
async function entries(dir: string, kind: 'file' | 'dir'): Promise<string[]> {
  try {
    const found = await readdir(dir, { withFileTypes: true });
    return found.filter((e) => (kind === 'file' ? e.isFile() : e.isDirectory())).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}
