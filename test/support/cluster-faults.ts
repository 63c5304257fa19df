/**
 * Faults to inject into an embedded cluster, one function per fault, each through a path an operator or a broken
 * component would take: a unit stopped (as `systemctl stop`), the DNS forwarder hung (its `POST /v1/fault`), an app
 * whose command exits 1 (Marathon's API), a node config that a unit rejects at start (a file under the node's
 * `etc/`, then the unit restarted), and a node's disk shown full (the host collector's `host_disk_size_mb`). Each
 * says which alert should fire with which labels, which node and unit the health report should name, and what a
 * bundle's summaryReport.txt should say.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { NODE_SERVICES } from '../../app/node-services.ts';
import { Cluster, type ClusterNode } from '../../runtime/cluster/cluster.ts';
import { loadClusterConfig } from '../../runtime/cluster/cluster-config.ts';
import { minutemanConfigPath } from '../../runtime/l4lb/minuteman-node-config.ts';
import { HOST_DISK_SIZE_KEY, telegrafConfigPath } from '../../collectors/host/host-disk-override.ts';

export interface ClusterFault {
  /** A short name for tables and messages. */
  readonly name: string;
  readonly node: ClusterNode;
  /** The alert that should fire, and labels it must carry. */
  readonly alert: { readonly name: string; readonly labels: Readonly<Record<string, string>> };
  /** The unit the health report should name unhealthy on `node`; undefined when the fault is not a unit's. */
  readonly unit?: string;
  /** What summaryReport.txt must say for the cause to be named. */
  readonly cause: RegExp;
  inject(): Promise<void>;
  recover(): Promise<void>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const words = (s: string) => s.split(' ').map(escape).join('\\s+');
const unitUnhealthy = (node: ClusterNode, unit: string) => ({ name: 'UnitUnhealthy', labels: { node: node.ip, unit } });
const unitOf = (node: ClusterNode, name: string) => {
  const unit = node.units.get(name);
  if (unit === undefined) throw new Error(`${node.ip} has no ${name}`);
  return unit;
};
const ok = async (response: Promise<Response>, what: string) => {
  const r = await response;
  if (!r.ok) throw new Error(`${what}: HTTP ${r.status} ${await r.text()}`);
};
const HTTP_TIMEOUT_MS = 10_000;

/** The node's agent unit stopped; started again on recovery. */
export function stoppedUnitFault(node: ClusterNode, unitName = node.role === 'agent_public' ? 'dcos-mesos-slave-public.service' : 'dcos-mesos-slave.service'): ClusterFault {
  const unit = unitOf(node, unitName);
  return {
    name: `${unitName} stopped`,
    node,
    alert: unitUnhealthy(node, unitName),
    unit: unitName,
    cause: new RegExp(`${escape(unitName)} is unhealthy\\n\\s+where: ${escape(node.ip)} .*\\n\\s+why:\\s+Unit ${escape(unitName)} is dead`),
    inject: () => unit.stop(),
    recover: () => unit.start(),
  };
}

/** The node's DNS forwarder hung: bound, answering nothing (its liveness probe, ready.spartan, times out). */
export function dnsForwarderHangFault(node: ClusterNode): ClusterFault {
  const unitName = 'dcos-spartan.service';
  const setHung = (hung: boolean) =>
    ok(
      fetch(`${node.endpoints.dns_forwarder_api}/v1/fault`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hang: hung }),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      }),
      `hang=${hung} on ${node.ip}'s forwarder`,
    );
  return {
    name: 'DNS forwarder hung',
    node,
    alert: unitUnhealthy(node, unitName),
    unit: unitName,
    cause: new RegExp(`${escape(unitName)} is unhealthy\\n\\s+where: ${escape(node.ip)} .*\\n\\s+why:\\s+.*ready\\.spartan`),
    inject: () => setHung(true),
    recover: () => setHung(false),
  };
}

/** An app pinned to the node whose command exits 1 at once, so Marathon relaunches it every second. */
export function crashLoopFault(node: ClusterNode, marathonUrl: string, appId = 'crashloop'): ClusterFault {
  const app = {
    id: `/${appId}`,
    cmd: 'echo "config file missing" >&2; exit 1',
    instances: 1,
    cpus: 0.05,
    mem: 16,
    backoffSeconds: 1,
    backoffFactor: 1,
    constraints: [['hostname', 'CLUSTER', node.hostname]],
  };
  return {
    name: 'app crash loop',
    node,
    alert: { name: 'MarathonAppCrashLoop', labels: { app: app.id } },
    cause: new RegExp(`app /${escape(appId)} is crash-looping: \\d+ tasks failed`),
    inject: () =>
      ok(
        fetch(`${marathonUrl}/v2/apps`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(app),
          signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
        }),
        `create ${app.id}`,
      ),
    recover: () => ok(fetch(`${marathonUrl}/v2/apps/${appId}?force=true`, { method: 'DELETE', signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) }), `delete ${app.id}`),
  };
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value)}\n`);
}

/**
 * The node's Minuteman config set to a worker count it refuses, then the unit restarted: it fails to start (and
 * again at each automatic restart) naming the file and the key. Recovery removes the file and restarts the unit.
 */
export function badConfigFault(node: ClusterNode, nodeDir: string): ClusterFault {
  const unitName = 'dcos-minuteman.service';
  const unit = unitOf(node, unitName);
  const path = minutemanConfigPath(nodeDir);
  return {
    name: 'unit config invalid',
    node,
    alert: unitUnhealthy(node, unitName),
    unit: unitName,
    // The why is wrapped at spaces: any run of white space between its words.
    cause: new RegExp(`${escape(unitName)} is unhealthy\\n\\s+where: ${escape(node.ip)} [^]*?why:[^]*?${words(`invalid config ${path}: 'workers' must be`)}`),
    inject: async () => {
      await writeJson(path, { workers: 99 });
      await unit.restart().then(
        () => Promise.reject(new Error(`${unitName} started with workers 99`)),
        () => undefined, // the failure is the fault
      );
    },
    recover: async () => {
      await rm(path, { force: true });
      await unit.restart();
    },
  };
}

/**
 * The node's disk shown full: `host_disk_size_mb` set to 1 MiB in the node's telegraf config, then
 * dcos-telegraf.service restarted; its data dir's filesystem then reads 100% used.
 */
export function diskFullFault(node: ClusterNode, nodeDir: string, metricsInstance: string): ClusterFault {
  const telegraf = unitOf(node, 'dcos-telegraf.service');
  const path = telegrafConfigPath(nodeDir);
  return {
    name: 'disk full',
    node,
    alert: { name: 'NodeDiskNearlyFull', labels: { instance: metricsInstance } },
    cause: new RegExp(`== ${escape(node.ip)} \\(${node.role}\\) ==[^=]*filesystem nearly full: 100\\.0% used`),
    inject: async () => {
      await writeJson(path, { [HOST_DISK_SIZE_KEY]: 1 });
      await telegraf.restart();
    },
    recover: async () => {
      await rm(path, { force: true });
      await telegraf.restart();
    },
  };
}

/** A node's Prometheus target, `host:port` of its `/metrics`. */
export const metricsInstance = (node: ClusterNode): string => new URL(node.endpoints.metrics!).host;

/**
 * An embedded cluster (master, two agents, one public agent; the app's node services, no sample app) with the five
 * faults laid on different nodes: the first agent's unit stopped, the public agent's forwarder hung, a crash loop and
 * a full disk on the second agent, a bad Minuteman config on the master. The DNS watchdog runs on a yearly schedule,
 * or it would restart the hung forwarder and cure that fault itself.
 */
export async function startFaultCluster(dir: string): Promise<{ cluster: Cluster; faults: ClusterFault[] }> {
  const configFile = join(dir, 'config.json');
  await writeFile(configFile, JSON.stringify({ sample_app: false, dns_watchdog_schedule: '0 0 1 1 *', dns_watchdog_delay: '0secs' }));
  const config = loadClusterConfig({ config: configFile, dataDir: join(dir, 'data'), ports: 'ephemeral', agents: '2', publicAgents: '1' });
  const cluster = new Cluster(config, NODE_SERVICES);
  await cluster.start();
  const byRole = (role: ClusterNode['role']) => cluster.nodes.filter((n) => n.role === role);
  const [master] = byRole('master') as [ClusterNode];
  const [agent1, agent2] = byRole('agent') as [ClusterNode, ClusterNode];
  const [publicAgent] = byRole('agent_public') as [ClusterNode];
  const faults = [
    stoppedUnitFault(agent1),
    dnsForwarderHangFault(publicAgent),
    crashLoopFault(agent2, master.endpoints.marathon!),
    badConfigFault(master, cluster.nodeDir(master)),
    diskFullFault(agent2, cluster.nodeDir(agent2), metricsInstance(agent2)),
  ];
  return { cluster, faults };
}
