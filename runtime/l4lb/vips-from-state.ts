/**
 * Derives the VIP table from Mesos's public `GET /master/state` JSON, so the same code serves minidc's master and a
 * real DC/OS cluster. A task backs a VIP when it is TASK_RUNNING and its latest status does not say `healthy: false`;
 * each `VIP_n` label on its i-th discovery port names a VIP served by (task IP, i-th host port of the task).
 * The input is read defensively: malformed pieces are skipped, never thrown on, as a partial state still routes.
 */
import { expandPortRanges } from './mesos-port-ranges.ts';
import { normalizeVipTable, parseVipLabel, vipTargetKey, type VipDefinition, type VipTable } from './vip-table.ts';

const VIP_LABEL_KEY = /^vip_\d+$/i;

type Json = Record<string, unknown>;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `slave(1)@10.0.0.1:5051` → `10.0.0.1`. */
function hostOfPid(pid: string): string | undefined {
  const m = /@(.+):\d+$/.exec(pid);
  return m?.[1];
}

function agentIps(state: Json): Map<string, string> {
  const ips = new Map<string, string>();
  for (const s of arr(state.slaves).map(obj)) {
    const id = str(s?.id);
    const ip = hostOfPid(str(s?.pid) ?? '') ?? str(s?.hostname);
    if (id !== undefined && ip !== undefined) ips.set(id, ip);
  }
  return ips;
}

/** Mesos appends statuses in order; the newest timestamp wins, the later entry on a tie. */
function latestStatus(task: Json): Json | undefined {
  let latest: Json | undefined;
  let latestTs = -Infinity;
  for (const s of arr(task.statuses).map(obj)) {
    const ts = typeof s?.timestamp === 'number' ? s.timestamp : latestTs;
    if (s && ts >= latestTs) {
      latest = s;
      latestTs = ts;
    }
  }
  return latest;
}

function containerIp(status: Json | undefined): string | undefined {
  const networkInfo = obj(arr(obj(status?.container_status)?.network_infos)[0]);
  return str(obj(arr(networkInfo?.ip_addresses)[0])?.ip_address);
}

function hostPorts(task: Json): number[] {
  const ports = obj(task.resources)?.ports;
  return (typeof ports === 'string' ? expandPortRanges(ports) : undefined) ?? [];
}

export function vipsFromState(state: unknown): VipTable {
  const root = obj(state) ?? {};
  const agents = agentIps(root);
  const table: VipDefinition[] = [];
  for (const framework of arr(root.frameworks).map(obj)) {
    const frameworkName = str(framework?.name) ?? 'marathon';
    for (const task of arr(framework?.tasks).map(obj)) {
      if (!task || task.state !== 'TASK_RUNNING') continue;
      const status = latestStatus(task);
      if (status?.healthy === false) continue;
      const ip = containerIp(status) ?? agents.get(str(task.slave_id) ?? '');
      if (ip === undefined) continue;
      const ports = hostPorts(task);
      arr(obj(obj(task.discovery)?.ports)?.ports).forEach((raw, i) => {
        const discoveryPort = obj(raw);
        // With host networking Marathon puts the host port in the discovery port's number, which is the right one
        // even when ranges (listed sorted) are not in port-definition order; a number outside the task's ports
        // (a service port) falls back to the i-th host port.
        const declared = discoveryPort?.number;
        const port = typeof declared === 'number' && ports.includes(declared) ? declared : ports[i];
        // The proxy is TCP only; a UDP port's VIP would need a UDP relay.
        if (!discoveryPort || port === undefined || str(discoveryPort.protocol)?.toLowerCase() === 'udp') return;
        for (const label of arr(obj(discoveryPort.labels)?.labels).map(obj)) {
          const key = str(label?.key);
          const value = str(label?.value);
          if (key === undefined || value === undefined || !VIP_LABEL_KEY.test(key)) continue;
          const target = parseVipLabel(value, frameworkName);
          if (target) table.push({ target, backends: [{ ip, port }] });
        }
      });
    }
  }
  return [...normalizeVipTable(table).values()].sort((a, b) =>
    vipTargetKey(a.target) < vipTargetKey(b.target) ? -1 : 1,
  );
}
