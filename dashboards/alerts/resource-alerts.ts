/** Resources: cpus/mem/disk allocated to tasks (cluster and per agent) and the nodes' own disks. */
import { metric as m, type AlertGroup, type AlertRule, type Severity } from './alert-rule.ts';
import { AGENT_TARGET, MASTER_TARGET, series } from './rule-cases.ts';
import { FOR, percent, THRESHOLDS as T } from './thresholds.ts';

const RESOURCES = { cpus: 'Cpus', mem: 'Mem', disk: 'Disk' } as const;
type Resource = keyof typeof RESOURCES;

/** A used-ratio rule, with a firing case just over the line and a quiet one just under it. */
function usedRatioRule(alert: string, metricName: string, target: Readonly<Record<string, string>>, line: number, severity: Severity, text: Pick<AlertRule, 'summary' | 'description'>): AlertRule {
  const over = Math.round((line + (1 - line) / 2) * 100) / 100;
  const under = Math.round((line - 0.05) * 100) / 100;
  return {
    alert,
    expr: `${m(metricName)} > ${line}`,
    for: FOR.allocation,
    severity,
    ...text,
    firing: { input: [series(metricName, target, `${over}x30`)], at: '2m', labels: target, value: over },
    quiet: { input: [series(metricName, target, `${under}x30`)], at: '2m' },
  };
}

const clusterRule = (r: Resource, level: 'warning' | 'critical'): AlertRule => {
  const line = T.clusterResourceUsedRatio[level];
  return usedRatioRule(`MesosCluster${RESOURCES[r]}${level === 'warning' ? 'NearlyExhausted' : 'Exhausted'}`, `mesos_cluster_${r}_used_ratio`, MASTER_TARGET, line, level, {
    summary: `Cluster ${r} {{ $value | humanizePercentage }} allocated`,
    description:
      level === 'warning'
        ? `Over ${percent(line)} of the cluster's ${r} is allocated to tasks: new tasks needing ${r} may not be placed.`
        : `Over ${percent(line)} of the cluster's ${r} is allocated to tasks: deployments and restarts needing ${r} are stuck waiting for offers.`,
  });
};

const agentRule = (r: Resource): AlertRule =>
  usedRatioRule(`MesosAgent${RESOURCES[r]}NearlyExhausted`, `mesos_slave_${r}_used_ratio`, AGENT_TARGET, T.agentResourceUsedRatio.warning, 'warning', {
    summary: `Agent {{ $labels.instance }}: ${r} {{ $value | humanizePercentage }} allocated`,
    description: `Over ${percent(T.agentResourceUsedRatio.warning)} of the agent's ${r} is allocated to tasks: tasks pinned to it by constraints cannot grow or be placed.`,
  });

const diskRatio = `${m('minidc_host_disk_used_bytes')} / ${m('minidc_host_disk_total_bytes')}`;

function nodeDiskRule(alert: string, level: 'warning' | 'critical', description: string): AlertRule {
  const line = T.nodeDiskUsedRatio[level];
  // Whole percentages of a 100-byte disk, so the ratio the annotation prints is exact.
  const used = (pct: number) => [series('minidc_host_disk_used_bytes', AGENT_TARGET, `${pct}x12`), series('minidc_host_disk_total_bytes', AGENT_TARGET, '100x12')];
  const overPct = Math.round((line + (1 - line) / 2) * 100);
  return {
    alert,
    expr: `${diskRatio} > ${line}`,
    for: FOR.disk,
    severity: level,
    summary: 'Node {{ $labels.instance }}: disk {{ $value | humanizePercentage }} full',
    description: `The filesystem of the node data dir is over ${percent(line)} full: ${description}`,
    firing: { input: used(overPct), at: '1m', labels: AGENT_TARGET, value: overPct / 100 },
    quiet: { input: used(Math.round((line - 0.05) * 100)), at: '1m' },
  };
}

export const RESOURCE_ALERTS: AlertGroup = {
  name: 'minidc-resources',
  rules: [
    ...(Object.keys(RESOURCES) as Resource[]).map((r) => clusterRule(r, 'warning')),
    ...(Object.keys(RESOURCES) as Resource[]).map((r) => clusterRule(r, 'critical')),
    ...(Object.keys(RESOURCES) as Resource[]).map(agentRule),
    nodeDiskRule('NodeDiskNearlyFull', 'warning', 'journals, sandboxes and bundles will soon fail to write.'),
    nodeDiskRule('NodeDiskFull', 'critical', 'new diagnostics bundles are refused and journals, sandboxes and the registry may fail to write.'),
  ],
};
