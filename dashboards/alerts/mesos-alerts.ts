/** The Mesos layer: leader, agents, tasks, Marathon apps crash-looping, the registrar. */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { MASTER_TARGET, oneSeriesCases, series } from './rule-cases.ts';
import { FOR, THRESHOLDS as T } from './thresholds.ts';

const AGENT_UNITS = 'dcos-mesos-slave(-public)?\\\\.service';
const elected = series('mesos_stats_elected', MASTER_TARGET, '1x12');
/** Two agent nodes whose agent unit has the given health. */
const agentNodes = (health: string) =>
  ['127.0.2.1', '127.0.2.2'].map((ip) => series('minidc_unit_health', { instance: `${ip}:61091`, job: 'minidc', node: ip, unit: 'dcos-mesos-slave.service' }, health));

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
      // The agent unit's health (from its node) joined to the master's agent list on the node's address; only while a
      // master leads, since without one no agent is listed and MesosNoLeader says so.
      expr: `(max by (node, unit) (${m('minidc_unit_health')}{unit=~"${AGENT_UNITS}"}) == 0) unless on (node) ${m('minidc_mesos_agent_listed')} and on () (max(${m('mesos_stats_elected')}) == 1)`,
      for: FOR.settledState,
      severity: 'critical',
      summary: 'The agent on {{ $labels.node }} runs but the master does not list it',
      description: '{{ $labels.unit }} on {{ $labels.node }} is active, yet the leading master does not list the agent: its resources are not offered and its tasks are not tracked.',
      firing: {
        input: [...agentNodes('0x12'), series('minidc_mesos_agent_listed', { ...MASTER_TARGET, node: '127.0.2.1' }, '1x12'), elected],
        at: '1m',
        labels: { node: '127.0.2.2', unit: 'dcos-mesos-slave.service' },
      },
      quiet: {
        input: [
          ...agentNodes('0x12'),
          series('minidc_mesos_agent_listed', { ...MASTER_TARGET, node: '127.0.2.1' }, '1x12'),
          series('minidc_mesos_agent_listed', { ...MASTER_TARGET, node: '127.0.2.2' }, '0x12'),
          elected,
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
