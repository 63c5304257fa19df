/**
 * What an agent runs tasks with. `ProcessExecutor` runs real processes; `SimulatedExecutor` only walks the state
 * machine, for scale runs and benchmarks. Both report through the same `TaskStatus` stream.
 */
import { PRIORITY, type Priority } from '../units/unit-journal.ts';
import type { ProcessIdentity } from './process-identity.ts';
import type { TaskSpec } from './task-spec.ts';
import type { TaskState } from '../mesos/task-state.ts';
import type { TaskStatusListener } from '../mesos/task-status.ts';

export type { TaskSpec } from './task-spec.ts';
export type { TaskStatus, TaskStatusListener } from '../mesos/task-status.ts';

export interface Executor {
  /**
   * Starts a task. Never throws for a bad spec or a failed launch: those arrive as TASK_ERROR / TASK_FAILED.
   * Updates are delivered asynchronously, in order, ending with exactly one terminal state.
   */
  launch(task: TaskSpec, onStatus: TaskStatusListener): void;
  /**
   * Kills a task: TASK_KILLING, SIGTERM, and SIGKILL once `gracePeriodMs` (default: the task's kill grace period)
   * has passed. A second kill can only shorten the grace period. Resolves true once the terminal update is
   * delivered, or false at once when no live task has that id (unknown, or already terminal).
   */
  kill(taskId: string, gracePeriodMs?: number): Promise<boolean>;
  /** Kills every task with its own grace period and refuses new ones (TASK_DROPPED); resolves when all are gone. */
  shutdown(): Promise<void>;
  /**
   * Takes charge again of a task a previous agent process launched (from its checkpoint): watches its process and
   * reports its end, or TASK_FAILED at once when it is gone already (`process` undefined: it never got as far as
   * a checkpointed pid). Only executors whose tasks can outlive the agent have this.
   */
  recover?(task: TaskSpec, process: ProcessIdentity | undefined, state: TaskState, onStatus: TaskStatusListener): void;
}

/** Where an executor's messages go: the agent unit's journal (priorities as journald's). */
export type ExecutorLog = (message: string, priority?: Priority) => void;

export interface ExecutorOptions {
  /** Wall clock in epoch milliseconds, for status timestamps. Default Date.now. */
  now?: () => number;
  /** Messages of the executor (the agent passes its unit's journal). Default: dropped. */
  log?: ExecutorLog;
  /** Problems that have no task status to go to (a throwing listener, a refused transition). Default: `log` at err. */
  onError?: (error: unknown, taskId: string) => void;
}

/** The default `onError`: one journal line at priority err. */
export function logTaskError(log: ExecutorLog | undefined): (error: unknown, taskId: string) => void {
  return (error, taskId) =>
    log?.(`executor: task '${taskId}': ${error instanceof Error ? error.message : String(error)}`, PRIORITY.err);
}
