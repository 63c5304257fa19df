/**
 * The agent's counters and task gauges under the keys Mesos publishes them with (`slave/*`), kept as things happen.
 */
import { isTerminal, TASK_STATES, type TaskState } from '../mesos/task-state.ts';
import type { TaskStatus } from '../mesos/task-status.ts';
import { MetricKeys } from '../metrics/metric-keys.ts';
import { taskStateKeyPart, type TaskStateKeyPart } from '../metrics/task-state-keys.ts';

/** Active states the agent publishes gauges for: UNREACHABLE and UNKNOWN are the master's view, never an agent's. */
const ACTIVE = TASK_STATES.filter((s) => !isTerminal(s) && s !== 'TASK_UNREACHABLE' && s !== 'TASK_UNKNOWN');
/** Terminal states the agent counts (Mesos's agent has no counters for ERROR/DROPPED/GONE_BY_OPERATOR). */
const COUNTED = TASK_STATES.filter(
  (s) => isTerminal(s) && s !== 'TASK_ERROR' && s !== 'TASK_DROPPED' && s !== 'TASK_GONE_BY_OPERATOR',
);

const taskStateKey = (s: TaskState): `slave/tasks_${TaskStateKeyPart}` => `slave/tasks_${taskStateKeyPart(s)}`;

/** Every key AgentCounters publishes. */
export const AGENT_COUNTER_METRICS = new MetricKeys('agent counters', {
  fixed: [
    ...[...ACTIVE, ...COUNTED].map(taskStateKey),
    'slave/registered',
    'slave/valid_status_updates',
    'slave/invalid_status_updates',
    'slave/recovery_errors',
    'slave/valid_framework_messages',
    'slave/invalid_framework_messages',
    'slave/container_launch_errors',
    'slave/executors_registering',
    'slave/executors_running',
    'slave/executors_terminating',
    'slave/executors_terminated',
  ],
});

export class AgentCounters {
  registered = false;
  validStatusUpdates = 0;
  /** Updates dropped because they do not fit their task (already terminal, a step back, another task's id). */
  invalidStatusUpdates = 0;
  /** Checkpointed task runs that could not be read when the agent recovered after a restart. */
  recoveryErrors = 0;
  /** Framework messages handed to a running executor / dropped (no such framework or executor, or not running). */
  validFrameworkMessages = 0;
  invalidFrameworkMessages = 0;
  containerLaunchErrors = 0;
  executorsTerminated = 0;
  private readonly byState = new Map<TaskState, number>([...ACTIVE, ...COUNTED].map((s) => [s, 0]));

  /** A task moved from `from` (undefined: it was just launched) to `to`. */
  taskTransition(from: TaskState | undefined, to: TaskState, status?: TaskStatus): void {
    if (status) this.validStatusUpdates++;
    if (from !== undefined && ACTIVE.includes(from)) this.byState.set(from, this.byState.get(from)! - 1);
    if (this.byState.has(to)) this.byState.set(to, this.byState.get(to)! + 1);
    if (isTerminal(to)) this.executorsTerminated++;
    if (status?.reason === 'REASON_CONTAINER_LAUNCH_FAILED') this.containerLaunchErrors++;
  }

  tasks(state: TaskState): number {
    return this.byState.get(state) ?? 0;
  }

  snapshot(out: Record<string, number>): void {
    const w = AGENT_COUNTER_METRICS.writer(out);
    for (const [s, n] of this.byState) w.set(taskStateKey(s), n);
    w.set('slave/registered', this.registered ? 1 : 0);
    w.set('slave/valid_status_updates', this.validStatusUpdates);
    w.set('slave/invalid_status_updates', this.invalidStatusUpdates);
    w.set('slave/recovery_errors', this.recoveryErrors);
    w.set('slave/valid_framework_messages', this.validFrameworkMessages);
    w.set('slave/invalid_framework_messages', this.invalidFrameworkMessages);
    w.set('slave/container_launch_errors', this.containerLaunchErrors);
    // Command tasks run one executor each, so executors follow the tasks. An executor is registering (Mesos's
    // REGISTERING) from its launch until its first update: its task is still STAGING; it runs from STARTING on.
    w.set('slave/executors_registering', this.tasks('TASK_STAGING'));
    w.set('slave/executors_running', this.tasks('TASK_STARTING') + this.tasks('TASK_RUNNING'));
    w.set('slave/executors_terminating', this.tasks('TASK_KILLING'));
    w.set('slave/executors_terminated', this.executorsTerminated);
  }
}
