/**
 * Which process a pid stood for: the pid plus its start time (field 22 of /proc/<pid>/stat, clock ticks since
 * boot). A checkpointed pid alone is not enough after a restart — the kernel reuses pids — so a task process is
 * recognised only when both match.
 */
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** Clock ticks after boot; undefined where /proc cannot tell (then only the pid is checked). */
  startTime?: number;
}

interface ProcStat {
  state: string;
  startTime: number;
}

/** /proc/<pid>/stat's state and start time, or undefined when there is no such process. */
function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[19]);
  return { state: fields[0] ?? '', startTime: Number.isFinite(startTime) ? startTime : NaN };
}

/** The identity of a live process now, or undefined when it is gone (a zombie counts as gone). */
export function processIdentity(pid: number): ProcessIdentity | undefined {
  const stat = readProcStat(pid);
  if (stat === undefined) return isPidAlive(pid) ? { pid } : undefined;
  if (stat.state === 'Z' || stat.state === 'X') return undefined;
  return Number.isNaN(stat.startTime) ? { pid } : { pid, startTime: stat.startTime };
}

/**
 * Whether the process `identity` names still runs. A zombie is dead: PID 1 on these machines does not reap
 * orphans, so a killed re-attached task can linger in state Z. A different start time means the pid was reused.
 */
export function isRunning(identity: ProcessIdentity): boolean {
  if (!isPidAlive(identity.pid)) return false;
  const stat = readProcStat(identity.pid);
  if (stat === undefined) return true; // no /proc: kill(pid, 0) is all there is
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return identity.startTime === undefined || stat.startTime === identity.startTime;
}

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
