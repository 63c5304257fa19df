/**
 * minidc's alerting rules, one group per concern. `for:` windows are short enough for a fault to fire within 30 s
 * of a 5 s scrape (issue 13's target) where the condition is a state (no leader, a unit unhealthy, a target down),
 * and longer where a brief spike is normal (resource use, latency).
 */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { THRESHOLDS as T } from './thresholds.ts';

export const ALERT_GROUPS: readonly AlertGroup[] = [
  {
    name: 'minidc-mesos',
    rules: [
      {
        alert: 'MesosNoLeader',
        expr: `max(${m('mesos_stats_elected')}) < 1 or absent(${m('mesos_stats_elected')})`,
        for: '15s',
        severity: 'critical',
        summary: 'No Mesos master is elected',
        description: 'No scraped master reports mesos.stats.elected = 1: no offers are made, no task is launched or killed.',
      },
      {
        alert: 'MesosAgentsDisconnected',
        expr: `${m('mesos_cluster_slaves_disconnected')} > 0`,
        for: '30s',
        severity: 'warning',
        summary: '{{ $value }} Mesos agent(s) disconnected',
        description: 'The master counts {{ $value }} agent(s) disconnected; their tasks keep running but get no new work.',
      },
      {
        alert: 'MesosAgentsUnreachable',
        expr: `${m('mesos_cluster_slaves_unreachable')} > 0`,
        for: '15s',
        severity: 'critical',
        summary: '{{ $value }} Mesos agent(s) unreachable',
        description: 'The master marked {{ $value }} agent(s) unreachable after missed health checks; their tasks are TASK_UNREACHABLE.',
      },
      {
        alert: 'MesosTasksLostOrUnreachable',
        expr: `increase(${m('mesos_cluster_tasks_lost_total')}[5m]) > 0 or ${m('mesos_cluster_tasks_unreachable')} > 0`,
        for: '0s',
        severity: 'warning',
        summary: 'Tasks lost or unreachable',
        description: 'Tasks were lost in the last 5 minutes or are unreachable now ({{ $value }}).',
      },
      {
        alert: 'MesosTaskCrashLoop',
        expr: `sum by (framework) (increase(${m('mesos_framework_tasks_terminal_total')}{state="failed"}[5m])) >= ${T.crashLoopFailuresIn5m.warning}`,
        for: '0s',
        severity: 'warning',
        summary: 'Tasks of {{ $labels.framework }} keep failing',
        description: '{{ $value }} tasks of framework {{ $labels.framework }} failed in the last 5 minutes: an app is crash-looping.',
      },
      {
        alert: 'MesosRegistrarStoreSlow',
        expr: `${m('mesos_registrar_state_store_seconds')}{quantile="0.99"} > ${T.registrarStoreP99Seconds.warning}`,
        for: '1m',
        severity: 'warning',
        summary: 'Registrar stores take {{ $value }} s (p99)',
        description: "The master's registry writes are slow (p99 {{ $value }} s): agent registrations and removals wait on them.",
      },
    ],
  },
  {
    name: 'minidc-resources',
    rules: [
      ...(['cpus', 'mem', 'disk'] as const).map((r) => ({
        alert: `MesosCluster${r === 'cpus' ? 'Cpus' : r === 'mem' ? 'Mem' : 'Disk'}NearlyExhausted`,
        expr: `${m(`mesos_cluster_${r}_used_ratio`)} > ${T.clusterResourceUsedRatio.warning}`,
        for: '5m',
        severity: 'warning' as const,
        summary: `Cluster ${r} {{ $value | humanizePercentage }} allocated`,
        description: `Over 90% of the cluster's ${r} is allocated to tasks: new tasks needing ${r} may not be placed.`,
      })),
      ...(['cpus', 'mem', 'disk'] as const).map((r) => ({
        alert: `MesosAgent${r === 'cpus' ? 'Cpus' : r === 'mem' ? 'Mem' : 'Disk'}NearlyExhausted`,
        expr: `${m(`mesos_slave_${r}_used_ratio`)} > ${T.agentResourceUsedRatio.warning}`,
        for: '5m',
        severity: 'warning' as const,
        summary: `Agent {{ $labels.instance }}: ${r} {{ $value | humanizePercentage }} allocated`,
        description: `Over 95% of the agent's ${r} is allocated to tasks.`,
      })),
      {
        alert: 'NodeDiskNearlyFull',
        expr: `${m('minidc_host_disk_used_bytes')} / ${m('minidc_host_disk_total_bytes')} > ${T.nodeDiskUsedRatio.warning}`,
        for: '30s',
        severity: 'critical',
        summary: 'Node {{ $labels.instance }}: disk {{ $value | humanizePercentage }} full',
        description: 'The filesystem of the node data dir is over 90% full: journals, sandboxes and bundles will fail to write.',
      },
    ],
  },
  {
    name: 'minidc-units',
    rules: [
      {
        alert: 'UnitUnhealthy',
        expr: `${m('minidc_unit_health')} == 1`,
        for: '15s',
        severity: 'critical',
        summary: '{{ $labels.unit }} unhealthy on {{ $labels.node }}',
        description: 'dcos-diagnostics reports {{ $labels.unit }} on {{ $labels.node }} unhealthy (failed, not running, or its liveness probe fails).',
      },
      {
        alert: 'SignalFailing',
        expr: `${m('minidc_unit_health')}{unit="dcos-signal.service"} == 1`,
        for: '0s',
        severity: 'warning',
        summary: 'Signal reports fail on {{ $labels.node }}',
        description: "dcos-signal's last run failed: telemetry is not being delivered.",
      },
    ],
  },
  {
    name: 'minidc-network',
    rules: [
      {
        alert: 'DnsFailures',
        expr: `sum by (instance) (rate(${m('minidc_dns_requests_total')}{rcode="SERVFAIL"}[1m])) / sum by (instance) (rate(${m('minidc_dns_requests_total')}[1m])) > ${T.dnsFailureRatio.warning}`,
        for: '1m',
        severity: 'warning',
        summary: 'DNS forwarder on {{ $labels.instance }} fails {{ $value | humanizePercentage }} of queries',
        description: 'Over 5% of queries to the node DNS forwarder answered SERVFAIL in the last minute.',
      },
      {
        alert: 'DnsSlowAnswers',
        expr: `histogram_quantile(0.99, sum by (instance, le) (rate(${m('minidc_dns_request_duration_seconds_bucket')}[5m]))) > ${T.dnsP99Seconds.warning}`,
        for: '2m',
        severity: 'warning',
        summary: 'DNS forwarder on {{ $labels.instance }}: p99 {{ $value }} s',
        description: 'The node DNS forwarder p99 answer time is over 500 ms.',
      },
      {
        alert: 'DnsWatchdogRestarts',
        expr: `increase(${m('minidc_dns_watchdog_restarts_total')}[10m]) > 0`,
        for: '0s',
        severity: 'warning',
        summary: 'The DNS watchdog restarted the forwarder on {{ $labels.instance }}',
        description: 'dcos-spartan-watchdog found the forwarder not answering ready.spartan and restarted it.',
      },
      {
        alert: 'VipBackendsDown',
        expr: `${m('minidc_l4lb_backends_down')} > 0`,
        for: '30s',
        severity: 'warning',
        summary: '{{ $value }} VIP backend(s) down on {{ $labels.instance }}',
        description: 'The VIP proxy on {{ $labels.instance }} cannot connect to {{ $value }} backend(s); connections go to the others.',
      },
      {
        alert: 'VipNotListening',
        expr: `${m('minidc_l4lb_vips_not_listening')} > 0`,
        for: '30s',
        severity: 'critical',
        summary: '{{ $value }} VIP(s) not listening on {{ $labels.instance }}',
        description: 'A VIP in the table has no listener on this node: clients of that VIP are refused here.',
      },
    ],
  },
  {
    name: 'minidc-monitoring',
    rules: [
      {
        alert: 'ScrapeTargetDown',
        expr: `${m('up')} == 0`,
        for: '30s',
        severity: 'critical',
        summary: 'Prometheus cannot scrape {{ $labels.instance }}',
        description: 'The {{ $labels.job }} target {{ $labels.instance }} did not answer its scrape: the node or its dcos-telegraf is down.',
      },
      {
        alert: 'CollectorDown',
        expr: `${m('minidc_collector_up')} == 0`,
        for: '1m',
        severity: 'warning',
        summary: 'Collector {{ $labels.collector }} failing on {{ $labels.instance }}',
        description: "The node's {{ $labels.collector }} collector failed or timed out: its metrics are missing from the scrape.",
      },
    ],
  },
];
