/**
 * minidc's service-discovery metrics: Mesos-DNS (its `/metrics/snapshot`; real Mesos-DNS publishes none), the
 * per-node DNS forwarder (`/v1/metrics` on dcos-net's API port) and the VIP layer (`/metrics`). Flat Mesos-style
 * snapshots, so they map through the same key rules as Mesos's.
 */
import { derivedEntry, snapshotEntry, type CatalogueEntry, type CatalogueSource } from './catalogue-entry.ts';

/** Both DNS servers share one TCP server and publish its counters under their own prefix. */
function dnsTcpEntries(sources: readonly CatalogueSource[], prefix: string): CatalogueEntry[] {
  return [
    snapshotEntry(sources, 'gauge', `${prefix}/tcp/connections`, 'Open DNS-over-TCP connections.'),
    snapshotEntry(sources, 'counter', `${prefix}/tcp/closed_deadline`, 'TCP connections closed for missing the per-message deadline.'),
    snapshotEntry(sources, 'counter', `${prefix}/tcp/closed_idle`, 'TCP connections closed when idle.'),
    snapshotEntry(sources, 'counter', `${prefix}/tcp/evicted`, 'Idle TCP connections evicted to admit new ones.'),
  ];
}

const D = ['mesos_dns'] as const;
export const MESOS_DNS_ENTRIES: readonly CatalogueEntry[] = [
  snapshotEntry(D, 'counter', 'mesos_dns/reloads', 'Record generations from the master state that succeeded.'),
  snapshotEntry(D, 'counter', 'mesos_dns/reload_failures', 'Record generations that failed (state unreadable); old records kept.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/last_reload_ms', 'Time the last good record generation took.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/last_publish_ms', 'Time from generated records to serving them, last reload.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/last_handover_ms', "The main thread's part of the last publish."),
  snapshotEntry(D, 'gauge', 'mesos_dns/serial', 'SOA serial of the records served.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/names', 'Names in the zone.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/prepared_answers', 'Answers prepared ahead of queries.'),
  snapshotEntry(D, 'gauge', 'mesos_dns/values/<type>', 'Record values in the zone, by type (a, aaaa, srv).', { dottedName: 'minidc.mesos_dns.values' }),
  snapshotEntry(D, 'counter', 'mesos_dns/forwarded', 'Queries outside the zone forwarded to the upstreams.'),
  snapshotEntry(D, 'counter', 'mesos_dns/forward_failures', 'Forwarded queries that no upstream answered.'),
  ...dnsTcpEntries(D, 'mesos_dns'),
  snapshotEntry(D, 'counter', 'mesos_dns/serving/loop_active_ms', 'Busy time of the serving loops.'),
];

const F = ['dns_forwarder'] as const;
export const DNS_FORWARDER_ENTRIES: readonly CatalogueEntry[] = [
  snapshotEntry(F, 'counter', 'dns/requests/<zone>/<rcode>', 'Replies the forwarder sent, by zone and response code.', { dottedName: 'minidc.dns.requests' }),
  snapshotEntry(F, 'counter', 'dns/requests_overloaded', 'Queries turned away with SERVFAIL because too many were in flight.'),
  snapshotEntry(F, 'histogram', 'dns/request_duration_ms', 'Time from query to reply.'),
  snapshotEntry(F, 'counter', 'dns/upstream_failures/<upstream>', 'Upstream queries that failed or timed out, by upstream.', {
    dottedName: 'minidc.dns.upstream_failures',
  }),
  snapshotEntry(F, 'gauge', 'dns/records/<zone>', 'Records the forwarder answers itself, by zone.', { dottedName: 'minidc.dns.records' }),
  ...dnsTcpEntries(F, 'dns'),
  snapshotEntry(F, 'counter', 'dns/watchdog_restarts', 'Restarts of the forwarder by dcos-spartan-watchdog after ready.spartan went unanswered.'),
];

const L = ['l4lb'] as const;
export const L4LB_ENTRIES: readonly CatalogueEntry[] = [
  snapshotEntry(L, 'gauge', 'l4lb/vips', 'VIPs the node proxies.'),
  snapshotEntry(L, 'gauge', 'l4lb/vips_not_listening', 'VIPs the node could not bind.'),
  snapshotEntry(L, 'gauge', 'l4lb/backends', 'Backends across all VIPs.'),
  snapshotEntry(L, 'gauge', 'l4lb/backends_down', 'Backends marked down after failed connects.'),
  snapshotEntry(L, 'gauge', 'l4lb/active_connections', 'Connections being proxied.'),
  snapshotEntry(L, 'counter', 'l4lb/connections_total', 'Connections accepted on VIPs.'),
  snapshotEntry(L, 'counter', 'l4lb/connect_failures_total', 'Backend connects that failed.'),
  snapshotEntry(L, 'gauge', 'l4lb/named_vip_addresses', 'Addresses allocated to named VIPs.'),
  snapshotEntry(L, 'counter', 'l4lb/named_vip_allocation_failures', 'Named VIPs that got no address (range full).'),
];

/** Per VIP from the VIP table (`GET /vips`), so an alert can name the VIP that lost its backends. */
const V = ['l4lb_vips'] as const;
const VIP_LABELS = { labelNames: ['vip', 'name'], derivation: "the node's VIP table, GET /vips (name empty for an address-only VIP)" } as const;
export const VIP_BACKENDS = derivedEntry(V, 'gauge', 'minidc.l4lb.vip_backends', 'Backends of one VIP in the VIP table.', VIP_LABELS);
export const VIP_BACKENDS_HEALTHY = derivedEntry(V, 'gauge', 'minidc.l4lb.vip_backends_healthy', 'Backends of one VIP that are up and healthy.', VIP_LABELS);
export const L4LB_VIP_ENTRIES: readonly CatalogueEntry[] = [VIP_BACKENDS, VIP_BACKENDS_HEALTHY];
