/**
 * Host metrics: libprocess's `system/*` gauges (every Mesos master and agent publishes them; minidc's host
 * collector reads them on each node, and in external mode they come from each target's snapshot), plus minidc's
 * CPU busy share and the data dir's disk.
 */
import { derivedEntry, snapshotEntry, type CatalogueEntry } from './catalogue-entry.ts';

const SYSTEM = ['host', 'mesos_master', 'mesos_agent'] as const;
const HOST = ['host'] as const;

export const HOST_ENTRIES = {
  load1: snapshotEntry(SYSTEM, 'gauge', 'system/load_1min', 'Load average for the past minute.'),
  load5: snapshotEntry(SYSTEM, 'gauge', 'system/load_5min', 'Load average for the past 5 minutes.'),
  load15: snapshotEntry(SYSTEM, 'gauge', 'system/load_15min', 'Load average for the past 15 minutes.'),
  // Not `_cpus_total`: a gauge ending in _total reads as a counter (promtool rejects it).
  cpus: snapshotEntry(SYSTEM, 'gauge', 'system/cpus_total', 'Number of CPUs available on this node.', { prometheusName: 'mesos_stats_system_cpus' }),
  memTotal: snapshotEntry(SYSTEM, 'gauge', 'system/mem_total_bytes', 'Total memory in bytes.'),
  memFree: snapshotEntry(SYSTEM, 'gauge', 'system/mem_free_bytes', 'Free memory in bytes (available to new processes).'),
  cpuBusy: derivedEntry(HOST, 'gauge', 'minidc.host.cpu_busy_ratio', 'Share of CPU time not idle since the previous reading, 0 to 1.', {
    derivation: 'systeminformation currentLoad()',
  }),
  diskUsed: derivedEntry(HOST, 'gauge', 'minidc.host.disk_used_bytes', "Bytes used on the filesystem holding the node's data directory.", {
    unit: 'By',
    derivation: 'statfs(2) of the data dir',
  }),
  diskTotal: derivedEntry(HOST, 'gauge', 'minidc.host.disk_total_bytes', "Size in bytes of the filesystem holding the node's data directory.", {
    unit: 'By',
    derivation: 'statfs(2) of the data dir',
  }),
} as const satisfies Record<string, CatalogueEntry>;
