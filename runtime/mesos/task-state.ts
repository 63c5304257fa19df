/**
 * Mesos task states (mesos.proto `TaskState`) and the transitions a task may make between them.
 *
 * Mesos itself does not reject out-of-order updates in one place; the rules here are the ones its agent, master and
 * command executor keep between them, written down so every executor in minidc is checked against the same table.
 */

export const TASK_STATES = [
  'TASK_STAGING',
  'TASK_STARTING',
  'TASK_RUNNING',
  'TASK_KILLING',
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_UNREACHABLE',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
  'TASK_UNKNOWN',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

/** Mesos's `protobuf::isTerminalState`; UNREACHABLE and UNKNOWN are not terminal, the task may still come back. */
const TERMINAL: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

/** The launch sequence; a task only moves forward along it (repeating a state is a health/check update). */
const PROGRESS: Partial<Record<TaskState, number>> = {
  TASK_STAGING: 0,
  TASK_STARTING: 1,
  TASK_RUNNING: 2,
  TASK_KILLING: 3,
};

export function isTaskState(value: unknown): value is TaskState {
  return typeof value === 'string' && (TASK_STATES as readonly string[]).includes(value);
}

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

/**
 * Whether a task in `from` may next report `to`:
 * - terminal states are final;
 * - from UNREACHABLE or UNKNOWN anything may follow (the agent re-registers or reconciliation learns the truth);
 * - otherwise a task moves forward along STAGING → STARTING → RUNNING → KILLING, or to UNREACHABLE, UNKNOWN or
 *   any terminal state.
 */
export function canTransition(from: TaskState, to: TaskState): boolean {
  if (isTerminal(from)) return false;
  if (from === 'TASK_UNREACHABLE' || from === 'TASK_UNKNOWN') return true;
  const a = PROGRESS[from];
  const b = PROGRESS[to];
  return a === undefined || b === undefined || b >= a;
}

export class TaskStateError extends Error {
  constructor(
    readonly from: TaskState,
    readonly to: TaskState,
  ) {
    super(isTerminal(from) ? `task is already ${from}, a terminal state` : `a task cannot go from ${from} to ${to}`);
  }
}

export function assertTransition(from: TaskState, to: TaskState): void {
  if (!canTransition(from, to)) throw new TaskStateError(from, to);
}
