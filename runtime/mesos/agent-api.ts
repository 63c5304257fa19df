/**
 * How agents and the master talk: Mesos's agent ↔ master protocol (register, re-register, status updates, pings,
 * run/kill task), in process. An agent holds an `AgentEndpoint` the master calls; the master gives the agent an
 * `AgentSession` to report through. A stopped agent stops answering pings, which is how the master sees it go.
 */
import type { Resources } from './resources.ts';
import type { TaskStatus } from './task-status.ts';
import type { FrameworkInfo, TaskLaunch } from './scheduler-api.ts';

export interface AgentInfo {
  /** Set when re-registering (the agent keeps its id in its work dir). */
  id?: string;
  hostname: string;
  ip: string;
  port: number;
  resources: Resources;
  attributes: Record<string, string>;
  version: string;
}

/** A task an agent reports when it re-registers. */
export interface RunningTaskReport {
  frameworkId: string;
  launch: TaskLaunch;
  role: string;
  latest: TaskStatus;
}

/** What the master calls on an agent. */
export interface AgentEndpoint {
  /** True when the agent answered (Mesos's PING/PONG). */
  ping(): boolean;
  runTask(framework: FrameworkInfo & { id: string }, role: string, task: TaskLaunch): void;
  killTask(frameworkId: string, taskId: string, gracePeriodMs?: number): void;
  /** A framework's message for one of its executors here (the scheduler's MESSAGE call, forwarded by the master). */
  frameworkMessage(frameworkId: string, executorId: string, data: Uint8Array): void;
  /** Kills every task of the framework (it was torn down). */
  shutdownFramework(frameworkId: string): void;
  /** The master refuses this agent (e.g. it was marked gone): it must kill its tasks and stop. */
  shutdown(reason: string): void;
}

/** What an agent reports through after registering. */
export interface AgentSession {
  readonly agentId: string;
  statusUpdate(frameworkId: string, status: TaskStatus): void;
  /** An executor's message for its framework (Mesos's ExecutorToFrameworkMessage). */
  executorMessage(frameworkId: string, executorId: string, data: Uint8Array): void;
  /** The agent process is going away (its connection closes). */
  disconnect(): void;
}
