/**
 * Which collectors a node runs, by role, from the node's endpoints (endpoints.json's names): a master node reads
 * its master's snapshot, roles and agent list and Mesos-DNS; an agent node its agent's snapshot and containers; every node its
 * DNS forwarder, its VIP layer and VIP table, its host, its units' health and its diagnostics bundles (from the node's
 * dcos-diagnostics); a node running Marathon (`marathon` endpoint) also counts its apps' task failures. Endpoints are looked up at each scrape, so collectors can
 * be built before the components bind.
 */
import type { Collector } from '../collector.ts';
import { entriesOf } from '../catalogue/catalogue.ts';
import { listedAgentsCollector } from '../agents/listed-agents-collector.ts';
import { bundleStatusCollector } from '../bundles/bundle-status-collector.ts';
import { HostCollector } from '../host/host-collector.ts';
import { vipBackendsCollector } from '../l4lb/vip-backends-collector.ts';
import { TaskFailuresCollector } from '../marathon/task-failures-collector.ts';
import { containersCollector, mesosAgentCollector, mesosMasterCollector, mesosRolesCollector } from '../mesos/mesos-collectors.ts';
import { SnapshotCollector } from '../snapshot/snapshot-collector.ts';
import { unitHealthCollector } from '../units/unit-health-collector.ts';

export type NodeRole = 'master' | 'agent' | 'agent_public';

export interface NodeCollectorOptions {
  role: NodeRole;
  /** The node's address, the `node` label of its unit health. */
  ip: string;
  /** The node's endpoints as endpoints.json names them, read at each scrape. */
  endpoints: () => Readonly<Record<string, string>>;
  /** Directory whose filesystem the host collector reports (the node's data dir). */
  dataDir: string;
  /** The host collector's `host_disk_size_mb` override in bytes (collectors/host/host-disk-override.ts). */
  hostDiskSizeBytes?: number;
  /** Told about snapshot keys the catalogue does not cover (the catalogue test). */
  onUnknownKeys?: (collector: string, keys: readonly string[]) => void;
}

export interface NodeCollectors {
  readonly collectors: Collector[];
  readonly host: HostCollector;
  /** Ends what the collectors run between scrapes (host sampling, Marathon's event stream). */
  stop(): void;
}

export function nodeCollectors(options: NodeCollectorOptions): NodeCollectors {
  const endpoint = (name: string) => () => options.endpoints()[name];
  const unknown = (collector: string) =>
    options.onUnknownKeys === undefined ? {} : { onUnknownKeys: (keys: readonly string[]) => options.onUnknownKeys!(collector, keys) };
  const flat = (name: string, source: 'mesos_dns' | 'dns_forwarder' | 'l4lb', endpointName: string, path: string) =>
    new SnapshotCollector({
      name,
      url: () => {
        const base = options.endpoints()[endpointName];
        return base === undefined ? undefined : `${base}${path}`;
      },
      entries: entriesOf(source),
      ...unknown(name),
    });
  const host = new HostCollector({
    directory: options.dataDir,
    ...(options.hostDiskSizeBytes === undefined ? {} : { diskSizeBytes: options.hostDiskSizeBytes }),
  });
  const taskFailures = new TaskFailuresCollector({ url: endpoint('marathon') });
  const collectors: Collector[] = [];
  if (options.role === 'master') {
    // The host collector reads the same machine, with the data dir's disk too: the snapshot's system/* is left to it.
    collectors.push(mesosMasterCollector({ url: endpoint('mesos'), includeSystem: false, ...unknown('mesos_master') }));
    collectors.push(mesosRolesCollector({ url: endpoint('mesos') }));
    collectors.push(listedAgentsCollector({ url: endpoint('mesos') }));
    collectors.push(flat('mesos_dns', 'mesos_dns', 'mesos_dns', '/metrics/snapshot'));
    collectors.push(taskFailures);
  } else {
    collectors.push(mesosAgentCollector({ url: endpoint('mesos'), includeSystem: false, ...unknown('mesos_agent') }));
    collectors.push(containersCollector({ url: endpoint('mesos') }));
  }
  collectors.push(flat('dns_forwarder', 'dns_forwarder', 'dns_forwarder_api', '/v1/metrics'));
  collectors.push(flat('l4lb', 'l4lb', 'l4lb', '/metrics'));
  collectors.push(vipBackendsCollector({ url: endpoint('l4lb') }));
  collectors.push(host);
  collectors.push(unitHealthCollector({ node: options.ip, url: endpoint('diagnostics') }));
  collectors.push(bundleStatusCollector({ url: endpoint('diagnostics') }));
  const stop = () => {
    host.stop();
    taskFailures.stop();
  };
  return { collectors, host, stop };
}
