/**
 * The master's `/metrics/snapshot` keys, computed from the live master: counters kept as things happen, gauges read
 * from incrementally kept totals. Nothing here walks the task list, so a snapshot stays cheap at 100,000 tasks.
 *
 * MASTER_SNAPSHOT_SOURCES lists every declaration whose keys the master's snapshot holds; each key of a snapshot
 * is declared by exactly one of them (test/runtime/master/master-metric-keys.test.ts checks a live snapshot).
 */
import { fromMilli } from '../mesos/resources.ts';
import { ALLOCATOR_METRICS } from '../allocator/allocator-metrics.ts';
import { SYSTEM_METRICS } from '../http/system-metrics.ts';
import { MetricKeys } from '../metrics/metric-keys.ts';
import { FRAMEWORK_METRICS } from './framework-metrics.ts';
import { MASTER_COUNTER_METRICS } from './master-counters.ts';
import type { Master } from './master.ts';
import { REGISTRAR_METRICS } from './registrar.ts';

/** Scalar resources Mesos publishes master/<r>_total, _used and _percent for. */
const RESOURCE_NAMES = ['cpus', 'gpus', 'mem', 'disk'] as const;

export const MASTER_GAUGE_METRICS = new MetricKeys('master gauges', {
  fixed: [
    'master/uptime_secs',
    'master/elected',
    'master/event_queue_messages',
    'master/event_queue_dispatches',
    'master/event_queue_http_requests',
    'master/outstanding_offers',
    'master/slaves_connected',
    'master/slaves_disconnected',
    'master/slaves_active',
    'master/slaves_inactive',
    'master/slaves_unreachable',
    'master/frameworks_connected',
    'master/frameworks_disconnected',
    'master/frameworks_active',
    'master/frameworks_inactive',
    ...RESOURCE_NAMES.flatMap((r) => [`master/${r}_total`, `master/${r}_used`, `master/${r}_percent`] as const),
  ],
});

export const MASTER_SNAPSHOT_SOURCES = [
  SYSTEM_METRICS,
  MASTER_COUNTER_METRICS,
  MASTER_GAUGE_METRICS,
  FRAMEWORK_METRICS,
  ALLOCATOR_METRICS,
  REGISTRAR_METRICS,
] as const;

export function collectMasterMetrics(master: Master, out: Record<string, number>): void {
  master.metricsSnapshot(out);
  const w = MASTER_GAUGE_METRICS.writer(out);
  w.set('master/uptime_secs', master.uptimeSecs);
  w.set('master/elected', master.isRunning ? 1 : 0);
  w.set('master/event_queue_messages', master.pendingMessages);
  w.set('master/event_queue_dispatches', master.pendingDispatches);
  w.set('master/event_queue_http_requests', master.pendingHttpRequests);
  w.set('master/outstanding_offers', master.offers.size);

  const registered = master.registeredAgents;
  const connected = master.connectedAgents;
  const active = master.activeAgents;
  w.set('master/slaves_connected', connected);
  w.set('master/slaves_disconnected', registered - connected);
  w.set('master/slaves_active', active);
  w.set('master/slaves_inactive', registered - active);
  w.set('master/slaves_unreachable', master.agents.size - registered);

  let fwConnected = 0;
  let fwActive = 0;
  for (const fw of master.frameworks.values()) {
    if (fw.connected) fwConnected++;
    if (fw.active) fwActive++;
  }
  w.set('master/frameworks_connected', fwConnected);
  w.set('master/frameworks_disconnected', master.frameworks.size - fwConnected);
  w.set('master/frameworks_active', fwActive);
  w.set('master/frameworks_inactive', master.frameworks.size - fwActive);

  for (const name of RESOURCE_NAMES) {
    const total = fromMilli(master.totalQuantities.get(name) ?? 0);
    const used = fromMilli(master.usedQuantities.get(name) ?? 0);
    w.set(`master/${name}_total`, total);
    w.set(`master/${name}_used`, used);
    // Fractions, not percentages, as Mesos publishes them; 0 when there is nothing.
    w.set(`master/${name}_percent`, total > 0 ? used / total : 0);
  }
}
