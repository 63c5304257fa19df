/**
 * How a framework (Marathon, a test, a benchmark) talks to the master: the calls and events of Mesos's v1 scheduler
 * API, in process. Frameworks subscribe with a FrameworkInfo and a set of event handlers, and get back a connection
 * to make calls on. Events are delivered asynchronously, in order.
 */
import type { Resources } from './resources.ts';
import type { TaskStatus } from './task-status.ts';

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

/** mesos.proto CommandInfo. */
export interface CommandSpec {
  /** The shell command line, or with `shell: false` the executable. */
  value: string;
  /** Default true: run `value` with `/bin/sh -c`. */
  shell?: boolean;
  /** With `shell: false`, the full argv including argv[0], as in execlp(value, arguments[0], arguments[1], ...). */
  arguments?: string[];
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

export interface SchedulerEvents {
  subscribed(frameworkId: string): void;
  offers(offers: OfferView[]): void;
  rescind(offerId: string): void;
  /** v1 `UPDATE`: a task's status, always with the agent it is on when the task got that far. */
  update(status: TaskStatus): void;
  /** The master refused or ended the subscription (e.g. torn down). */
  error(message: string): void;
  /** v1 `MESSAGE`: opaque data from one of the framework's executors (optional: a framework may ignore them). */
  message?(agentId: string, executorId: string, data: Uint8Array): void;
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
  /**
   * v1 `MESSAGE`: opaque data for one of the framework's executors on an agent. Best effort, as in Mesos: no reply,
   * no retry; dropped (and counted invalid) when the agent is not connected or the executor is not running.
   */
  message(agentId: string, executorId: string, data: Uint8Array): void;
  /** The framework is done: its tasks are killed and it is removed. */
  teardown(): void;
  /** The scheduler went away without tearing down: the master keeps its tasks for its failover timeout. */
  disconnect(): void;
}
