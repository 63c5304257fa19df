/**
 * The master's `/metrics/snapshot` keys, computed from the live master: counters kept as things happen, gauges read
 * from incrementally kept totals. Nothing here walks the task list, so a snapshot stays cheap at 100,000 tasks.
 */
import { fromMilli } from '../mesos/resources.ts';
import type { Master } from './master.ts';

/** Scalar resources Mesos publishes master/<r>_total, _used and _percent for. */
const RESOURCE_NAMES = ['cpus', 'gpus', 'mem', 'disk'] as const;

export function collectMasterMetrics(master: Master, out: Record<string, number>): void {
  master.metricsSnapshot(out);
  out['master/uptime_secs'] = master.uptimeSecs;
  out['master/elected'] = master.isRunning ? 1 : 0;

  const registered = master.registeredAgents;
  const connected = master.connectedAgents;
  const active = master.activeAgents;
  out['master/slaves_connected'] = connected;
  out['master/slaves_disconnected'] = registered - connected;
  out['master/slaves_active'] = active;
  out['master/slaves_inactive'] = registered - active;
  out['master/slaves_unreachable'] = master.agents.size - registered;

  let fwConnected = 0;
  let fwActive = 0;
  for (const fw of master.frameworks.values()) {
    if (fw.connected) fwConnected++;
    if (fw.active) fwActive++;
  }
  out['master/frameworks_connected'] = fwConnected;
  out['master/frameworks_disconnected'] = master.frameworks.size - fwConnected;
  out['master/frameworks_active'] = fwActive;
  out['master/frameworks_inactive'] = master.frameworks.size - fwActive;

  for (const name of RESOURCE_NAMES) {
    const total = fromMilli(master.totalQuantities.get(name) ?? 0);
    const used = fromMilli(master.usedQuantities.get(name) ?? 0);
    out[`master/${name}_total`] = total;
    out[`master/${name}_used`] = used;
    // Fractions, not percentages, as Mesos publishes them; 0 when there is nothing.
    out[`master/${name}_percent`] = total > 0 ? used / total : 0;
  }
}
