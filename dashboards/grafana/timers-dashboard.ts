/**
 * Timers: the health of the timer units (logrotate, gen-resolvconf, Admin Router reload, Signal, the spartan
 * watchdog) and the watchdog's restarts of the forwarder. Logrotate runs have no counter in the catalogue yet, so
 * its timer's and service's health stand for them.
 */
import type { DashboardSpec } from './panel-spec.ts';
import { query, stat, timeseries } from './panel-spec.ts';
import { HEALTH_TEXT, unitHealth } from './unit-health.ts';
import { increase, series } from './promql.ts';
import { NODE } from './template-variables.ts';

export const TIMERS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-timers',
  title: 'minidc / Timers',
  description: 'Logrotate and the other timer units per node, and DNS watchdog restarts.',
  file: 'timers.json',
  variables: [NODE],
  rows: [
    {
      title: 'Timer units',
      panels: [
        {
          title: 'Timer health',
          description: 'Health of every timer unit and the service it runs, per node (0 healthy, 1 unhealthy).',
          kind: 'matrix',
          queries: [query(unitHealth('.+\\.timer'), '{{unit}}')],
          matrix: { rows: 'unit', columns: 'node' },
          valueText: HEALTH_TEXT,
          width: 12,
        },
        timeseries('Logrotate', 'Health of dcos-logrotate-master/agent timer and service on each node (1: unhealthy).', 'short', [
          query(unitHealth('dcos-logrotate-.+'), '{{node}} {{unit}}'),
        ], { width: 12 }),
      ],
    },
    {
      title: 'DNS watchdog',
      panels: [
        stat('Watchdog restarts (1 h)', 'Restarts of the forwarder by dcos-spartan-watchdog in the last hour, all chosen nodes.', 'short', [
          query(`sum(${increase(series('minidc_dns_watchdog_restarts_total').onNode(), '1h')})`, 'restarts'),
        ]),
        timeseries('Watchdog restarts', 'Restarts of each node’s forwarder over the last 5 minutes.', 'short', [
          query(increase(series('minidc_dns_watchdog_restarts_total').onNode(), '5m'), '{{instance}}'),
        ]),
        timeseries('Watchdog units', 'Health of dcos-spartan-watchdog timer and service on each node.', 'short', [query(unitHealth('dcos-spartan-watchdog.+'), '{{node}} {{unit}}')]),
      ],
    },
  ],
};
