/** Units, as dcos-diagnostics judges them on each node, and the Signal reporter. */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { AGENT_TARGET, MASTER_TARGET, series } from './rule-cases.ts';
import { FOR } from './thresholds.ts';

// One series per node and unit whoever scrapes it (a node's telegraf, `minidc collect`), so the alert's labels are
// exactly the node and the unit.
const unitHealth = (selector = '') => `max by (node, unit) (${m('minidc_unit_health')}${selector})`;

export const UNIT_ALERTS: AlertGroup = {
  name: 'minidc-units',
  rules: [
    {
      alert: 'UnitUnhealthy',
      expr: `${unitHealth()} == 1`,
      for: FOR.state,
      severity: 'critical',
      summary: '{{ $labels.unit }} unhealthy on {{ $labels.node }}',
      description: 'dcos-diagnostics reports {{ $labels.unit }} on {{ $labels.node }} unhealthy (failed, not running, or its liveness probe fails).',
      firing: {
        input: [
          series('minidc_unit_health', { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-spartan.service' }, '0 1x12'),
          series('minidc_unit_health', { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-mesos-slave.service' }, '0x12'),
        ],
        at: '1m',
        labels: { node: '127.0.2.1', unit: 'dcos-spartan.service' },
      },
      // Unhealthy for one scrape only (a restart), shorter than `for`.
      quiet: { input: [series('minidc_unit_health', { ...AGENT_TARGET, node: '127.0.2.1', unit: 'dcos-spartan.service' }, '0x10 1 0')], at: '1m' },
    },
    {
      alert: 'SignalFailing',
      expr: `${unitHealth('{unit="dcos-signal.service"}')} == 1`,
      for: FOR.event,
      severity: 'warning',
      summary: 'Signal reports fail on {{ $labels.node }}',
      description: "dcos-signal's last run failed: the cluster's health and usage report is not being delivered.",
      firing: { input: [series('minidc_unit_health', { ...MASTER_TARGET, node: '127.0.1.1', unit: 'dcos-signal.service' }, '0 1x12')], at: '1m', labels: { node: '127.0.1.1', unit: 'dcos-signal.service' } },
      quiet: {
        input: [
          series('minidc_unit_health', { ...MASTER_TARGET, node: '127.0.1.1', unit: 'dcos-signal.service' }, '0x12'),
          series('minidc_unit_health', { ...MASTER_TARGET, node: '127.0.1.1', unit: 'dcos-mesos-master.service' }, '1x12'),
        ],
        at: '1m',
      },
    },
  ],
};
