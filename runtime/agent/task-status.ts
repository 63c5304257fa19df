/**
 * A task status update in the JSON shape Mesos uses for `statuses[]` in `/master/state` and `/slave(1)/state`,
 * so the agent can serve these objects as they are.
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
  state: TaskState;
  /** Seconds since the epoch, fractional, as Mesos reports it. */
  timestamp: number;
  message?: string;
  reason?: TaskStatusReason;
  source?: TaskStatusSource;
  healthy?: boolean;
  container_status: ContainerStatus;
}

export type TaskStatusListener = (status: TaskStatus) => void;

/** glibc's strsignal() texts, which Mesos puts in its messages ("Command terminated with signal Killed"). */
const SIGNAL_TEXT: Partial<Record<NodeJS.Signals, string>> = {
  SIGHUP: 'Hangup',
  SIGINT: 'Interrupt',
  SIGQUIT: 'Quit',
  SIGILL: 'Illegal instruction',
  SIGTRAP: 'Trace/breakpoint trap',
  SIGABRT: 'Aborted',
  SIGBUS: 'Bus error',
  SIGFPE: 'Floating point exception',
  SIGKILL: 'Killed',
  SIGUSR1: 'User defined signal 1',
  SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'User defined signal 2',
  SIGPIPE: 'Broken pipe',
  SIGALRM: 'Alarm clock',
  SIGTERM: 'Terminated',
  SIGXCPU: 'CPU time limit exceeded',
  SIGXFSZ: 'File size limit exceeded',
  SIGVTALRM: 'Virtual timer expired',
  SIGPROF: 'Profiling timer expired',
  SIGSYS: 'Bad system call',
};

/** Mesos's WSTRINGIFY of a wait status: "exited with status 3" or "terminated with signal Killed". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `terminated with signal ${SIGNAL_TEXT[signal] ?? signal}`;
  if (code !== null) return `exited with status ${code}`;
  return 'exited with an unknown status';
}
