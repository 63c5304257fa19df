/**
 * What the master knows about one task, with its JSON (as `/master/state` shows it) cached until the task changes:
 * rendering 100,000 tasks from scratch on every state request is what made Mesos's /state slow.
 */
import type { Resources } from '../mesos/resources.ts';
import type { TaskState } from '../mesos/task-state.ts';
import type { TaskStatus } from '../mesos/task-status.ts';
import type { DiscoveryInfo, Label, TaskLaunch } from '../mesos/scheduler-api.ts';

/** Mesos keeps every status of a task; a flapping health check would grow that without bound, so keep the last few. */
export const MAX_STATUSES_PER_TASK = 32;

export class TaskRecord {
  state: TaskState = 'TASK_STAGING';
  readonly statuses: TaskStatus[] = [];
  /** Cached JSON (UTF-8); undefined after any change. */
  json: Buffer | undefined;
  /** A kill asked for while the agent was unreachable, carried out when it comes back. */
  killPending = false;

  constructor(
    readonly id: string,
    readonly frameworkId: string,
    readonly agentId: string,
    readonly role: string,
    readonly launch: TaskLaunch,
  ) {}

  get name(): string {
    return this.launch.name;
  }
  get resources(): Resources {
    return this.launch.resources;
  }
  get labels(): readonly Label[] {
    return this.launch.labels ?? [];
  }
  get discovery(): DiscoveryInfo | undefined {
    return this.launch.discovery;
  }
  get latest(): TaskStatus | undefined {
    return this.statuses[this.statuses.length - 1];
  }

  /** Records a status; a repeat of the current state (a health change) is kept too, as Mesos does. */
  apply(status: TaskStatus): void {
    this.state = status.state;
    this.statuses.push(status);
    if (this.statuses.length > MAX_STATUSES_PER_TASK) this.statuses.splice(0, this.statuses.length - MAX_STATUSES_PER_TASK);
    this.json = undefined;
  }
}
