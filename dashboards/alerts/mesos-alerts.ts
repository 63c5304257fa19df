/** The Mesos layer: leader, agents, tasks, Marathon apps crash-looping, the registrar. */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { AGENT_TARGET, MASTER_TARGET, oneSeriesCases, series } from './rule-cases.ts';
import { FOR, THRESHOLDS as T } from './thresholds.ts';

const AGENT_UNITS = 'dcos-mesos-slave(-public)?\\\\.service';

export const MESOS_ALERTS: AlertGroup = {
  name: 'minidc-mesos',
  rules: [
    {
      alert: 'MesosNoLeader',
      expr: `max(${m('mesos_stats_elected')}) < 1 or absent(${m('mesos_stats_elected')})`,
      for: FOR.state,
      severity: 'critical',
      summary: 'No Mesos master is elected',
      description: 'No scraped master reports mesos.stats.elected = 1: no offers are made, no task is launched or killed.',
      ...oneSeriesCases('mesos_stats_elected', MASTER_TARGET, { fires: '1 0x12', quiet: '1x12' }, { labels: {} }),
    },
    {
      alert: 'MesosAgentsDisconnected',
      expr: `${m('mesos_cluster_slaves_disconnected')} > 0`,
      for: FOR.settledState,
      severity: 'warning',
      summary: '{{ $value }} Mesos agent(s) disconnected',
      description: 'The master counts {{ $value }} agent(s) disconnected; their tasks keep running but get no new work.',
      ...oneSeriesCases('mesos_cluster_slaves_disconnected', MASTER_TARGET, { fires: '0 1x12', quiet: '0x12' }, { value: 1 }),
    },
    {
      alert: 'MesosAgentsUnreachable',
      expr: `${m('mesos_cluster_slaves_unreachable')} > 0`,
      for: FOR.state,
      severity: 'critical',
      summary: '{{ $value }} Mesos agent(s) unreachable',
      description: 'The master marked {{ $value }} agent(s) unreachable after missed health checks; their tasks are TASK_UNREACHABLE.',
      ...oneSeriesCases('mesos_cluster_slaves_unreachable', MASTER_TARGET, { fires: '0 2x12', quiet: '0x12' }, { value: 2 }),
    },
    {
      alert: 'MesosAgentNotRegistered',
      // Both series come from the agent node's own scrape, so they share its `instance`.
      expr: `(${m('minidc_unit_health')}{unit=~"${AGENT_UNITS}"} == 0) and on (instance) (${m('mesos_stats_registered')} == 0)`,
      for: FOR.settledState,
      severity: 'critical',
      summary: 'The agent on {{ $labels.node }} runs but is not registered with the master',
      description:
        '{{ $labels.unit }} on {{ $labels.node }} is active, yet the agent reports it is not registered: the master does not list it, so its resources are not offered.',
      firing: {
        input: [
          series('minidc_unit_health', { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-mesos-slave.service' }, '0x12'),
          series('mesos_stats_registered', AGENT_TARGET, '1 0x12'),
        ],
        at: '1m',
        labels: { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-mesos-slave.service' },
      },
      quiet: {
        input: [
          series('minidc_unit_health', { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-mesos-slave.service' }, '0x12'),
          series('mesos_stats_registered', AGENT_TARGET, '1x12'),
        ],
        at: '1m',
      },
    },
    {
      alert: 'MesosTasksLostOrUnreachable',
      expr: `increase(${m('mesos_cluster_tasks_lost_total')}[5m]) > 0 or ${m('mesos_cluster_tasks_unreachable')} > 0`,
      for: FOR.event,
      severity: 'warning',
      summary: 'Tasks lost or unreachable',
      description: 'Tasks were lost in the last 5 minutes or are unreachable now ({{ $value }}).',
      firing: {
        input: [series('mesos_cluster_tasks_lost_total', MASTER_TARGET, '0x12'), series('mesos_cluster_tasks_unreachable', MASTER_TARGET, '0 3x12')],
        at: '1m',
        labels: MASTER_TARGET,
        value: 3,
      },
      quiet: {
        input: [series('mesos_cluster_tasks_lost_total', MASTER_TARGET, '1x12'), series('mesos_cluster_tasks_unreachable', MASTER_TARGET, '0x12')],
        at: '1m',
      },
    },
    {
      alert: 'MarathonAppCrashLoop',
      expr: `sum by (app) (increase(${m('minidc_marathon_app_task_failures_total')}[5m])) >= ${T.crashLoopFailuresIn5m.warning}`,
      for: FOR.event,
      severity: 'warning',
      summary: 'Marathon app {{ $labels.app }} keeps failing',
      description: `At least ${T.crashLoopFailuresIn5m.warning} tasks of {{ $labels.app }} failed in the last 5 minutes: the app is crash-looping.`,
      firing: {
        input: [
          series('minidc_marathon_app_task_failures_total', { ...MASTER_TARGET, app: '/crashy' }, '0+1x12'),
          series('minidc_marathon_app_task_failures_total', { ...MASTER_TARGET, app: '/steady' }, '1x12'),
        ],
        at: '1m',
        labels: { app: '/crashy' },
      },
      quiet: { input: [series('minidc_marathon_app_task_failures_total', { ...MASTER_TARGET, app: '/flaky' }, '0 1 2x10')], at: '1m' },
    },
    {
      alert: 'MesosRegistrarStoreSlow',
      expr: `${m('mesos_registrar_state_store_seconds')}{quantile="0.99"} > ${T.registrarStoreP99Seconds.warning}`,
      for: FOR.rate,
      severity: 'warning',
      summary: 'Registrar stores take {{ $value }} s (p99)',
      description: "The master's registry writes are slow (p99 {{ $value }} s): agent registrations and removals wait on them.",
      ...oneSeriesCases('mesos_registrar_state_store_seconds', { ...MASTER_TARGET, quantile: '0.99' }, { fires: '1.5x30', quiet: '0.2x30' }, { value: 1.5 }, '2m'),
    },
  ],
};
