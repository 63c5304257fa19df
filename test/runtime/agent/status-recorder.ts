/** Test support: records a task's statuses and waits on them (and on the world) without timing assertions. */
import { existsSync, readFileSync } from 'node:fs';
import { isTerminal, type TaskState } from '../../../runtime/mesos/task-state.ts';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';

/** Generous: these waits guard against hangs, they do not measure anything. */
export const WAIT_MS = 20_000;

export class StatusRecorder {
  readonly statuses: TaskStatus[] = [];
  private readonly waiters: { match: (s: TaskStatus) => boolean; resolve: (s: TaskStatus) => void }[] = [];

  readonly listener = (status: TaskStatus): void => {
    this.statuses.push(status);
    for (const w of [...this.waiters]) {
      if (w.match(status)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(status);
      }
    }
  };

  get states(): TaskState[] {
    return this.statuses.map((s) => s.state);
  }

  waitFor(state: TaskState, timeoutMs = WAIT_MS): Promise<TaskStatus> {
    return this.waitUntil((s) => s.state === state, state, timeoutMs);
  }

  waitForTerminal(timeoutMs = WAIT_MS): Promise<TaskStatus> {
    return this.waitUntil((s) => isTerminal(s.state), 'a terminal state', timeoutMs);
  }

  private waitUntil(match: (s: TaskStatus) => boolean, what: string, timeoutMs: number): Promise<TaskStatus> {
    const seen = this.statuses.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms; saw ${this.states.join(', ') || 'nothing'}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (s: TaskStatus) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

/** Lets queued microtasks (status deliveries) and pending I/O callbacks run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Polls `check` until it returns true. */
export async function eventually(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Whether a process still runs. `process.kill(pid, 0)` also succeeds for a zombie, and killed orphans stay zombies
 * where PID 1 does not reap (as in many containers), so a zombie counts as dead.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ...; comm may hold spaces and parentheses, the state follows the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    // Gone between the two checks; or no /proc here, where kill() is all there is to go by.
    return !existsSync('/proc/self/stat');
  }
}
