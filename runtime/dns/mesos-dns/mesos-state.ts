/**
 * Reading the JSON of Mesos's `GET /master/state` defensively: it comes from another process (or another cluster),
 * so every field is checked where it is read and anything malformed is skipped rather than trusted.
 */
import { isIP } from 'node:net';

/** The parts of `/master/state` Mesos-DNS reads (Mesos's field names); everything may be missing or mistyped. */
export interface MesosState {
  leader?: unknown;
  hostname?: unknown;
  slaves?: unknown;
  frameworks?: unknown;
}

export interface MesosAgent {
  id?: unknown;
  hostname?: unknown;
  pid?: unknown;
}

export interface MesosFramework {
  id?: unknown;
  name?: unknown;
  pid?: unknown;
  hostname?: unknown;
  tasks?: unknown;
}

export interface MesosTask {
  id?: unknown;
  name?: unknown;
  framework_id?: unknown;
  slave_id?: unknown;
  state?: unknown;
  resources?: { ports?: unknown };
  discovery?: {
    name?: unknown;
    ports?: { ports?: unknown };
  };
  statuses?: unknown;
}

export interface DiscoveryPort {
  number?: unknown;
  name?: unknown;
  protocol?: unknown;
}

export interface TaskStatus {
  state?: unknown;
  timestamp?: unknown;
  labels?: { labels?: unknown };
  container_status?: { network_infos?: unknown };
}

export class StateError extends Error {}

export const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
export const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
export const asObject = <T extends object>(v: unknown): T | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : undefined;

export interface Pid {
  host: string;
  /** Empty when the PID has no port. */
  port: string;
}

/** `slave(1)@10.0.0.1:5051`, `master@[fd01::1]:5050` → host and port. */
export function parsePid(pid: unknown): Pid | undefined {
  const text = asString(pid);
  const at = text.lastIndexOf('@');
  const hostPort = at >= 0 ? text.slice(at + 1) : text;
  if (hostPort === '') return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (bracketed) return { host: bracketed[1]!, port: bracketed[2] ?? '' };
  if (isIP(hostPort) === 6) return { host: hostPort, port: '' };
  const colon = hostPort.lastIndexOf(':');
  return colon < 0 ? { host: hostPort, port: '' } : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

/** A host as IP addresses: IP literals only (Mesos reports agents and schedulers by IP in their PIDs). */
export function hostIps(host: string): string[] {
  return isIP(host) !== 0 ? [host] : [];
}

/**
 * Mesos's range text `[31000-31002, 31005-31005]` → the ports, at most `limit` of them (a task holding a huge range
 * would otherwise mint one SRV record per port).
 */
export function parsePortRanges(text: unknown, limit: number): number[] {
  const ports: number[] = [];
  const s = asString(text);
  for (const m of s.matchAll(/(\d+)\s*-\s*(\d+)/g)) {
    const lo = Number(m[1]);
    const hi = Math.min(Number(m[2]), 65535);
    for (let p = lo; p <= hi && ports.length < limit; p++) if (p > 0) ports.push(p);
  }
  return ports;
}

export type IpSource = 'host' | 'netinfo' | 'mesos' | 'docker';
export const IP_SOURCES: readonly IpSource[] = ['host', 'netinfo', 'mesos', 'docker'];

const LABEL_FOR_SOURCE = {
  mesos: 'MesosContainerizer.NetworkSettings.IPAddress',
  docker: 'Docker.NetworkSettings.IPAddress',
} as const;

/** The task's most recent TASK_RUNNING status (by timestamp): the only one Mesos-DNS reads IPs from. */
export function latestRunningStatus(task: MesosTask): TaskStatus | undefined {
  let best: TaskStatus | undefined;
  let bestTs = -Infinity;
  for (const s of asArray(task.statuses)) {
    const status = asObject<TaskStatus>(s);
    if (status?.state !== 'TASK_RUNNING') continue;
    const ts = typeof status.timestamp === 'number' ? status.timestamp : 0;
    if (ts >= bestTs) {
      best = status;
      bestTs = ts;
    }
  }
  return best;
}

/** The IPs one source offers for a task, in the order Mesos reports them. */
export function ipsFromSource(source: IpSource, status: TaskStatus | undefined, agentIps: readonly string[]): string[] {
  if (source === 'host') return [...agentIps];
  if (status === undefined) return [];
  if (source === 'netinfo') {
    const ips: string[] = [];
    for (const ni of asArray(status.container_status?.network_infos)) {
      const info = asObject<{ ip_addresses?: unknown; ip_address?: unknown }>(ni);
      if (!info) continue;
      const addresses = asArray(info.ip_addresses);
      if (addresses.length === 0 && isIP(asString(info.ip_address))) ips.push(asString(info.ip_address));
      for (const a of addresses) {
        const ip = asString(asObject<{ ip_address?: unknown }>(a)?.ip_address);
        if (isIP(ip)) ips.push(ip);
      }
    }
    return ips;
  }
  const key = LABEL_FOR_SOURCE[source];
  const ips: string[] = [];
  for (const l of asArray(status.labels?.labels)) {
    const label = asObject<{ key?: unknown; value?: unknown }>(l);
    if (label?.key === key && isIP(asString(label.value))) ips.push(asString(label.value));
  }
  return ips;
}
