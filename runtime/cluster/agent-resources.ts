/**
 * Default agent resources, derived from the host and split between the agents sharing it — as if each agent were
 * a slice of the machine — so the cluster's totals say something true about the machine it runs on.
 */
import { cpus, totalmem } from 'node:os';
import { statfsSync } from 'node:fs';
import { Resources } from '../mesos/resources.ts';

/** Mesos's default port range for tasks. */
export const DEFAULT_TASK_PORTS = '[31000-32000]';
/** DC/OS reserves public agents' resources for this role. */
export const PUBLIC_ROLE = 'slave_public';

const MIB = 1024 * 1024;

export interface HostShare {
  agentCount: number;
  dataDir: string;
  /** Mesos range text of the task ports every agent offers; default Mesos's [31000-32000]. */
  taskPorts?: string;
}

export function defaultAgentResources(share: HostShare, publicAgent: boolean): Resources {
  const n = Math.max(1, share.agentCount);
  const cpu = Math.max(0.1, Math.floor((cpus().length * 10) / n) / 10);
  // Like Mesos, leave the host some memory (1 GiB) before handing the rest out.
  const mem = Math.max(256, Math.floor((totalmem() / MIB - 1024) / n));
  let disk = 1024;
  try {
    const fs = statfsSync(share.dataDir);
    disk = Math.max(1024, Math.min(100 * 1024, Math.floor((fs.bavail * fs.bsize) / MIB / n)));
  } catch {
    // The data dir is created before agents start; if it cannot be read, a modest default is fine.
  }
  const role = publicAgent ? `(${PUBLIC_ROLE})` : '';
  return Resources.parse(`cpus${role}:${cpu};mem${role}:${mem};disk${role}:${disk};ports${role}:${share.taskPorts ?? DEFAULT_TASK_PORTS}`);
}
