/**
 * The alerts panel: the Prometheus rules' conditions that the page can judge from what it reads (allocation of the
 * cluster and of each agent, unit and node health), at the same thresholds (dashboards/alerts/thresholds.ts), so
 * the page and Prometheus agree on what is "nearly full".
 */
import { THRESHOLDS } from '../../dashboards/alerts/thresholds.ts';
import type { HealthNode, HealthUnit, Resources, StateSummary } from './cluster-types.ts';
import { percent } from './format.ts';
import { allocation, RESOURCE_NAMES } from './resources.ts';

export interface Alert {
  severity: 'critical' | 'warning';
  text: string;
}

export function alertsOf(summary: StateSummary | undefined, units: readonly HealthUnit[] | undefined, nodes: readonly HealthNode[] | undefined): Alert[] {
  const alerts: Alert[] = [];
  if (summary !== undefined) {
    const cluster = THRESHOLDS.clusterResourceUsedRatio;
    for (const { name, used, total } of allocation(summary.slaves)) {
      if (total <= 0) continue;
      const ratio = used / total;
      if (ratio >= cluster.critical) alerts.push({ severity: 'critical', text: `Cluster ${name} ${percent(ratio)} allocated (critical at ${percent(cluster.critical)})` });
      else if (ratio >= cluster.warning) alerts.push({ severity: 'warning', text: `Cluster ${name} ${percent(ratio)} allocated (warning at ${percent(cluster.warning)})` });
    }
    const agent = THRESHOLDS.agentResourceUsedRatio;
    for (const slave of summary.slaves) {
      for (const name of RESOURCE_NAMES) {
        const ratio = ratioOf(slave.used_resources, slave.resources, name);
        if (ratio !== undefined && ratio >= agent.warning)
          alerts.push({ severity: 'warning', text: `Agent ${slave.hostname}: ${name} ${percent(ratio)} allocated (warning at ${percent(agent.warning)})` });
      }
    }
  }
  for (const unit of units ?? []) if (unit.health !== 0) alerts.push({ severity: 'critical', text: `Unit ${unit.id} (${unit.name}) is unhealthy on at least one node` });
  for (const node of nodes ?? []) if (node.health === 3) alerts.push({ severity: 'critical', text: `Node ${node.host_ip} (${node.role}) did not answer the health pull` });
  return alerts;
}

function ratioOf(used: Resources, total: Resources, name: (typeof RESOURCE_NAMES)[number]): number | undefined {
  const t = total[name] ?? 0;
  return t > 0 ? (used[name] ?? 0) / t : undefined;
}
