/**
 * The agent's counters and task gauges under the keys Mesos publishes them with (`slave/*`), kept as things happen.
 */
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import type { TaskStatus } from '../mesos/task-status.ts';

/** Non-terminal states the agent publishes gauges for. */
const ACTIVE: readonly TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING'];
/** Terminal states the agent counts (Mesos's agent has no counters for ERROR/DROPPED/GONE_BY_OPERATOR). */
const COUNTED: readonly TaskState[] = ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_GONE'];

const keyPart = (s: TaskState) => s.slice('TASK_'.length).toLowerCase();

export class AgentCounters {
  registered = false;
  validStatusUpdates = 0;
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
    for (const [s, n] of this.byState) out[`slave/tasks_${keyPart(s)}`] = n;
    out['slave/registered'] = this.registered ? 1 : 0;
    out['slave/valid_status_updates'] = this.validStatusUpdates;
    out['slave/container_launch_errors'] = this.containerLaunchErrors;
    // Command tasks run one executor each, so executors follow the tasks.
    out['slave/executors_running'] =
      this.tasks('TASK_STAGING') + this.tasks('TASK_STARTING') + this.tasks('TASK_RUNNING');
    out['slave/executors_terminating'] = this.tasks('TASK_KILLING');
    out['slave/executors_terminated'] = this.executorsTerminated;
  }
}
