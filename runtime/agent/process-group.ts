/**
 * Signals to a task's process group. Tasks are spawned detached, so each leads its own group (pgid = pid) and one
 * signal reaches everything it forked, the way Mesos's POSIX launcher kills a container.
 */

export type SignalResult = 'delivered' | 'gone' | 'denied';

export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): SignalResult {
  return signalPid(-pgid, signal);
}

export function signalProcess(pid: number, signal: NodeJS.Signals): SignalResult {
  return signalPid(pid, signal);
}

function signalPid(pid: number, signal: NodeJS.Signals): SignalResult {
  try {
    process.kill(pid, signal);
    return 'delivered';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'denied';
    throw e;
  }
}
