/**
 * Marathon's view of its tasks (its InstanceTracker): every task it launched and has not seen end, indexed by app.
 * The tracker is durable (persisted with the apps), which is what lets a restarted Marathon reconcile exactly the
 * tasks it owns instead of launching duplicates.
 */
import type { TaskState } from '../mesos/task-state.ts';

export interface TaskIpAddress {
  readonly ipAddress: string;
  readonly protocol: 'IPv4' | 'IPv6';
}

export interface MarathonTask {
  readonly id: string;
  readonly appId: string;
  readonly agentId: string;
  /** The agent's hostname (Marathon's `host`). */
  readonly host: string;
  readonly agentIp: string;
  /** The agent's attributes, for placement constraints of later tasks. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
  readonly servicePorts: readonly number[];
  /** The app version the task was launched with. */
  readonly version: string;
  /** The app's lastConfigChangeAt at launch: a task whose config version differs is replaced. */
  readonly configVersion: string;
  /** Epoch ms (all times here are on Marathon's clock). */
  readonly stagedAt: number;
  startedAt?: number;
  /** The latest Mesos state. */
  state: TaskState;
  ipAddresses: TaskIpAddress[];
  /** Marathon asked Mesos to kill it: it no longer counts as an instance. */
  killRequested: boolean;
  /** When the agent became unreachable (undefined when reachable). */
  unreachableSince?: number;
  /** Unreachable for longer than the app's inactiveAfterSeconds: it is being replaced. */
  inactive: boolean;
  /** Passed all its health checks at least once (a run that counts as fine for the launch backoff). */
  everHealthy: boolean;
  /** Killed for failing its health checks: its end counts as a failure for the launch backoff. */
  killedUnhealthy?: boolean;
}

/** How a task counts for the app's instance plan. */
export type TaskPhase = 'staging' | 'running' | 'killing' | 'unreachable' | 'inactive';

export function taskPhase(task: MarathonTask): TaskPhase {
  if (task.killRequested || task.state === 'TASK_KILLING') return 'killing';
  if (task.state === 'TASK_UNREACHABLE') return task.inactive ? 'inactive' : 'unreachable';
  return task.state === 'TASK_RUNNING' ? 'running' : 'staging';
}

export class TaskTracker {
  private readonly tasks = new Map<string, MarathonTask>();
  private readonly byApp = new Map<string, Map<string, MarathonTask>>();

  get size(): number {
    return this.tasks.size;
  }

  get(id: string): MarathonTask | undefined {
    return this.tasks.get(id);
  }

  add(task: MarathonTask): void {
    this.tasks.set(task.id, task);
    let app = this.byApp.get(task.appId);
    if (!app) this.byApp.set(task.appId, (app = new Map()));
    app.set(task.id, task);
  }

  remove(id: string): MarathonTask | undefined {
    const task = this.tasks.get(id);
    if (!task) return undefined;
    this.tasks.delete(id);
    const app = this.byApp.get(task.appId);
    app?.delete(id);
    if (app?.size === 0) this.byApp.delete(task.appId);
    return task;
  }

  ofApp(appId: string): MarathonTask[] {
    return [...(this.byApp.get(appId)?.values() ?? [])];
  }

  all(): MarathonTask[] {
    return [...this.tasks.values()];
  }
}
