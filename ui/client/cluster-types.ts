/** The parts of the public APIs' answers the page reads (Mesos state-summary, dcos-diagnostics, Marathon, bundles). */
export interface Resources {
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
}

export const TASK_STATES = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE'] as const;
export type TaskState = (typeof TASK_STATES)[number];
export type TaskCounts = Partial<Record<TaskState, number>>;

export interface SummaryAgent extends TaskCounts {
  id: string;
  hostname: string;
  attributes?: Record<string, string | number>;
  resources: Resources;
  used_resources: Resources;
  active: boolean;
  deactivated?: boolean;
}

export interface SummaryFramework extends TaskCounts {
  id: string;
  name: string;
  active: boolean;
  connected?: boolean;
  used_resources: Resources;
}

/** `GET /mesos/master/state-summary`: answered by the leading master, whose hostname it carries. */
export interface StateSummary {
  hostname: string;
  cluster: string;
  slaves: SummaryAgent[];
  frameworks: SummaryFramework[];
}

export interface HealthUnit {
  id: string;
  name: string;
  health: number;
  description: string;
}

export interface HealthNode {
  host_ip: string;
  health: number;
  role: string;
}

/** One unit on one node (`/system/health/v1/nodes/{ip}/units/{unit}`): the node's own report of it. */
export type { UnitHealthReport as NodeUnitHealth } from '../../diagnostics/health/node-health.ts';

export interface MarathonTask {
  id: string;
  host: string;
  state: string;
  healthCheckResults?: { alive: boolean }[];
}

export interface MarathonApp {
  id: string;
  instances: number;
  tasksRunning: number;
  tasksStaged: number;
  tasksHealthy: number;
  tasksUnhealthy: number;
  healthChecks?: unknown[];
  portDefinitions?: { port: number; name?: string; labels?: Record<string, string> }[];
  deployments?: unknown[];
  tasks?: MarathonTask[];
}

export interface Bundle {
  id: string;
  type: string;
  status: string;
  size?: number;
  started_at: string;
  stopped_at: string;
  errors?: string[];
}

/** dcos-diagnostics' health codes. */
export const HEALTH = { 0: 'healthy', 1: 'unhealthy', 3: 'unknown' } as Record<number, string>;
export const healthName = (code: number): string => HEALTH[code] ?? `health ${code}`;
