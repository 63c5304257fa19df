/** Cluster overview: what the cluster has and uses, its tasks, agents and frameworks, from the leading master. */
import type { DashboardSpec } from './panel-spec.ts';
import { query, stat, timeseries } from './panel-spec.ts';
import { increase, rate, series } from './promql.ts';

const RESOURCES = [
  ['CPUs', 'cpus', 'short'],
  ['Memory', 'mem', 'bytes'],
  ['Disk', 'disk', 'bytes'],
] as const;

const resourcePanels = RESOURCES.map(([title, r, unit]) => {
  const [total, used] = r === 'cpus' ? ['mesos_cluster_cpus', 'mesos_cluster_cpus_used'] : [`mesos_cluster_${r}_bytes`, `mesos_cluster_${r}_used_bytes`];
  return timeseries(`${title} allocated vs total`, `${title} the agents offer (total) and what tasks hold of it (allocated), from the leading master.`, unit, [
    query(series(total), 'total'),
    query(series(used), 'allocated'),
  ]);
});

export const CLUSTER_DASHBOARD: DashboardSpec = {
  uid: 'minidc-cluster',
  title: 'minidc / Cluster overview',
  description: 'Resources allocated vs total, tasks by state, agents by state and frameworks.',
  file: 'cluster.json',
  variables: [],
  rows: [
    {
      title: 'Resources',
      panels: [
        ...resourcePanels,
        timeseries('Share allocated', 'Allocated share of each resource of the cluster, 0 to 1.', 'percentunit', [
          query(series('mesos_cluster_cpus_used_ratio'), 'cpus'),
          query(series('mesos_cluster_mem_used_ratio'), 'mem'),
          query(series('mesos_cluster_disk_used_ratio'), 'disk'),
        ]),
        stat('Outstanding offers', 'Offers sent to frameworks and not yet answered.', 'short', [query(series('mesos_cluster_outstanding_offers'), 'offers')]),
      ],
    },
    {
      title: 'Tasks',
      panels: [
        timeseries('Tasks by active state', 'Tasks in each non-terminal state.', 'short', [
          ...(['staging', 'starting', 'running', 'killing', 'unreachable'] as const).map((s) => query(series(`mesos_cluster_tasks_${s}`), s)),
        ]),
        timeseries('Tasks reaching a terminal state', 'Tasks that ended, per second, by terminal state.', 'ops', [
          ...(['finished', 'failed', 'killed', 'lost', 'error', 'dropped', 'gone'] as const).map((s) => query(rate(series(`mesos_cluster_tasks_${s}_total`)), s)),
        ]),
        timeseries('Task state changes by reason', 'State changes by state, source and reason over the last 5 minutes.', 'short', [
          query(increase(series('mesos_cluster_task_states_by_reason_total'), '5m'), '{{state}} {{source}} {{reason}}', {
            appearsAfter: 'a task failed or was lost (a terminal status update with a reason)',
          }),
        ]),
      ],
    },
    {
      title: 'Agents and frameworks',
      panels: [
        timeseries('Agents by state', 'Agents connected, disconnected, active, inactive and unreachable.', 'short', [
          ...(['connected', 'disconnected', 'active', 'inactive', 'unreachable'] as const).map((s) => query(series(`mesos_cluster_slaves_${s}`), s)),
        ]),
        timeseries('Frameworks', 'Frameworks registered, and by state.', 'short', [
          query(series('mesos_cluster_frameworks'), 'registered'),
          ...(['connected', 'disconnected', 'active', 'inactive'] as const).map((s) => query(series(`mesos_cluster_frameworks_${s}`), s)),
        ]),
        timeseries('Agent registrations and removals', 'Agents registering, re-registering and removed, per second.', 'ops', [
          query(rate(series('mesos_cluster_slave_registrations_total')), 'registered'),
          query(rate(series('mesos_cluster_slave_reregistrations_total')), 're-registered'),
          query(rate(series('mesos_cluster_slave_removals_total')), 'removed'),
        ]),
      ],
    },
  ],
};
