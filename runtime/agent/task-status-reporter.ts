/**
 * One task's status stream: stamps each update (time, container, pid), checks it against the task state machine
 * and delivers it to the listener.
 *
 * Delivery is on a microtask, in order: listeners are never re-entered from launch()/kill(), so a caller may record
 * the task after calling launch(). A throwing listener is reported, not allowed to break the task's lifecycle.
 */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { canTransition, isTerminal, TaskStateError, type TaskState } from '../mesos/task-state.ts';
import type { ContainerStatus, TaskStatus, TaskStatusListener, TaskStatusReason, TaskStatusSource } from '../mesos/task-status.ts';

export interface StatusFields {
  message?: string;
  reason?: TaskStatusReason;
  source?: TaskStatusSource;
  healthy?: boolean;
}

export interface TaskStatusReporterOptions {
  /** Wall clock in epoch milliseconds (status timestamps are epoch seconds). */
  now: () => number;
  onError: (error: unknown) => void;
  /** The state the task is already in (a task re-attached after an agent restart). Default TASK_STAGING. */
  initialState?: TaskState;
}

export class TaskStatusReporter {
  private current: TaskState = 'TASK_STAGING';
  private pid: number | undefined;
  private readonly containerId: string;
  private readonly networkInfos: ContainerStatus['network_infos'];
  private markDone!: () => void;
  /** Resolves once the terminal update has been delivered. */
  readonly done = new Promise<void>((resolve) => (this.markDone = resolve));

  constructor(
    private readonly taskId: string,
    private readonly listener: TaskStatusListener,
    host: string | undefined,
    private readonly options: TaskStatusReporterOptions,
    containerId: string = randomUUID(),
  ) {
    this.containerId = containerId;
    if (options.initialState !== undefined) this.current = options.initialState;
    const family = host === undefined ? 0 : isIP(host);
    this.networkInfos =
      family === 0 ? [] : [{ ip_addresses: [{ protocol: family === 4 ? 'IPv4' : 'IPv6', ip_address: host! }] }];
  }

  /** The state of the latest update accepted (STAGING before any). */
  get state(): TaskState {
    return this.current;
  }

  get isTerminal(): boolean {
    return isTerminal(this.current);
  }

  /** Records the task's process; later updates carry it as containerStatus.executor_pid. */
  setPid(pid: number): void {
    this.pid = pid;
  }

  /** Queues an update; refuses (and reports) one the state machine forbids, returning false. */
  report(state: TaskState, fields: StatusFields = {}): boolean {
    if (!canTransition(this.current, state)) {
      this.options.onError(new TaskStateError(this.current, state));
      return false;
    }
    this.current = state;
    const status: TaskStatus = { taskId: this.taskId, state, timestamp: this.options.now() / 1000 };
    // Only present fields, so statuses compare and serialize like Mesos's (absent, not null).
    if (fields.message !== undefined) status.message = fields.message;
    if (fields.reason !== undefined) status.reason = fields.reason;
    if (fields.source !== undefined) status.source = fields.source;
    if (fields.healthy !== undefined) status.healthy = fields.healthy;
    const container: ContainerStatus = {
      container_id: { value: this.containerId },
      network_infos: this.networkInfos.map((n) => ({ ip_addresses: n.ip_addresses.map((a) => ({ ...a })) })),
    };
    if (this.pid !== undefined) container.executor_pid = this.pid;
    status.containerStatus = container;
    queueMicrotask(() => this.deliver(status));
    return true;
  }

  private deliver(status: TaskStatus): void {
    try {
      this.listener(status);
    } catch (e) {
      this.options.onError(e);
    }
    if (isTerminal(status.state)) this.markDone();
  }
}
