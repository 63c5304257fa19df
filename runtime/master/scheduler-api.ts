/**
 * How a framework (Marathon, a test, a benchmark) talks to the master: the calls and events of Mesos's v1 scheduler
 * API, in process. Frameworks subscribe with a FrameworkInfo and a set of event handlers, and get back a connection
 * to make calls on. Events are delivered asynchronously, in order.
 */
import type { Resources } from '../allocator/resources.ts';
import type { CommandSpec } from '../agent/task-spec.ts';
import type { TaskState } from '../agent/task-state.ts';
import type { TaskStatusReason, TaskStatusSource, ContainerStatus } from '../agent/task-status.ts';

export interface Label {
  key: string;
  value: string;
}

/** mesos.proto FrameworkInfo, the parts minidc uses. */
export interface FrameworkInfo {
  /** Set when re-subscribing after a failover (Marathon keeps its id in its own store). */
  id?: string;
  name: string;
  user: string;
  roles: string[];
  principal?: string;
  hostname?: string;
  webuiUrl?: string;
  /** Seconds a disconnected framework is kept (with its tasks) before the master tears it down. */
  failoverTimeoutSecs?: number;
  checkpoint?: boolean;
  /** e.g. PARTITION_AWARE, MULTI_ROLE, TASK_KILLING_STATE, GPU_RESOURCES. */
  capabilities?: string[];
  labels?: Label[];
  /** The scheduler's own address, shown as the framework's `pid` (`scheduler-<uuid>@ip:port`). */
  pid?: string;
}

/** mesos.proto DiscoveryInfo, which Mesos-DNS and DC/OS's VIP layer read from the state endpoints. */
export interface DiscoveryInfo {
  visibility: 'FRAMEWORK' | 'CLUSTER' | 'EXTERNAL';
  name?: string;
  ports?: { ports: { number: number; name?: string; protocol?: string; labels?: { labels: Label[] } }[] };
}

/** A task the framework wants launched from an offer (mesos.proto TaskInfo). */
export interface TaskLaunch {
  taskId: string;
  name: string;
  /** Must fit in the offers accepted together; host ports are ranges in here. */
  resources: Resources;
  command: CommandSpec;
  env?: Record<string, string>;
  labels?: Label[];
  discovery?: DiscoveryInfo;
  killGracePeriodMs?: number;
  user?: string;
}

export interface OfferView {
  id: string;
  frameworkId: string;
  agentId: string;
  hostname: string;
  /** The agent's IP (tasks are reachable there). */
  ip: string;
  role: string;
  resources: Resources;
  attributes: Readonly<Record<string, string>>;
}

/** A status update as frameworks receive it (v1 `UPDATE` event). */
export interface TaskStatusUpdate {
  taskId: string;
  agentId?: string;
  state: TaskState;
  /** Epoch seconds. */
  timestamp: number;
  message?: string;
  reason?: TaskStatusReason;
  source?: TaskStatusSource;
  healthy?: boolean;
  containerStatus?: ContainerStatus;
}

export interface SchedulerEvents {
  subscribed(frameworkId: string): void;
  offers(offers: OfferView[]): void;
  rescind(offerId: string): void;
  update(status: TaskStatusUpdate): void;
  /** The master refused or ended the subscription (e.g. torn down). */
  error(message: string): void;
}

export interface Filters {
  /** Seconds to refuse these resources (Mesos default 5). */
  refuseSeconds?: number;
}

/** Calls a subscribed framework can make (v1 scheduler `Call` types). */
export interface SchedulerConnection {
  readonly frameworkId: string;
  accept(offerIds: string[], launches: TaskLaunch[], filters?: Filters): void;
  decline(offerIds: string[], filters?: Filters): void;
  kill(taskId: string, agentId?: string, gracePeriodMs?: number): void;
  /** Explicit reconciliation for the given tasks, implicit (all of the framework's tasks) for an empty list. */
  reconcile(tasks: { taskId: string; agentId?: string }[]): void;
  revive(roles?: string[]): void;
  suppress(roles?: string[]): void;
  /** The framework is done: its tasks are killed and it is removed. */
  teardown(): void;
  /** The scheduler went away without tearing down: the master keeps its tasks for its failover timeout. */
  disconnect(): void;
}
