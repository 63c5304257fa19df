/**
 * mesos.proto TaskStatus: the one status message of a task, as executors report it to their agent, the agent to the
 * master, and the master to the task's framework (the v1 `UPDATE` event). The state endpoints render it with
 * runtime/mesos/json/task-json.ts.
 */
import type { TaskState } from './task-state.ts';

/** Where an update came from (mesos.proto `TaskStatus.Source`). Mesos still calls the agent "slave" here. */
export type TaskStatusSource = 'SOURCE_EXECUTOR' | 'SOURCE_SLAVE' | 'SOURCE_MASTER';

/** The subset of mesos.proto `TaskStatus.Reason` that minidc's agents, master and executors produce. */
export type TaskStatusReason =
  | 'REASON_COMMAND_EXECUTOR_FAILED'
  | 'REASON_CONTAINER_LAUNCH_FAILED'
  | 'REASON_CONTAINER_LIMITATION'
  | 'REASON_CONTAINER_LIMITATION_MEMORY'
  | 'REASON_EXECUTOR_TERMINATED'
  | 'REASON_EXECUTOR_UNREGISTERED'
  | 'REASON_FRAMEWORK_REMOVED'
  | 'REASON_INVALID_OFFERS'
  | 'REASON_RECONCILIATION'
  | 'REASON_SLAVE_DISCONNECTED'
  | 'REASON_SLAVE_REMOVED'
  | 'REASON_SLAVE_RESTARTED'
  | 'REASON_SLAVE_UNKNOWN'
  | 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED'
  | 'REASON_TASK_INVALID'
  | 'REASON_TASK_KILLED_DURING_LAUNCH'
  | 'REASON_TASK_UNKNOWN'
  | 'REASON_TASK_UNAUTHORIZED';

export interface IpAddress {
  protocol: 'IPv4' | 'IPv6';
  ip_address: string;
}

export interface ContainerStatus {
  container_id: { value: string };
  network_infos: { ip_addresses: IpAddress[] }[];
  /** Pid of the process the agent supervises for the task (here the task's own process). */
  executor_pid?: number;
}

export interface TaskStatus {
  taskId: string;
  /** The agent the task runs on; the master sets it on what it forwards (absent when it knows none: an unknown task). */
  agentId?: string;
  state: TaskState;
  /** Seconds since the epoch, fractional, as Mesos reports it. */
  timestamp: number;
  message?: string;
  reason?: TaskStatusReason;
  source?: TaskStatusSource;
  healthy?: boolean;
  /** Absent only on the master's answers for tasks it never saw run. */
  containerStatus?: ContainerStatus;
}

export type TaskStatusListener = (status: TaskStatus) => void;
