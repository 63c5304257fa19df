/**
 * History and Signal, and the metrics pipeline itself (dcos-telegraf's collectors). Neither history nor Signal has
 * metrics of its own in the catalogue, so their units' health is what is shown.
 */
import type { DashboardSpec } from './panel-spec.ts';
import { query, stat, timeseries } from './panel-spec.ts';
import { HEALTH_TEXT, unitHealth } from './unit-health.ts';
import { series } from './promql.ts';
import { NODE } from './template-variables.ts';

export const SERVICES_DASHBOARD: DashboardSpec = {
  uid: 'minidc-services',
  title: 'minidc / History and Signal',
  description: 'The history service and the Signal reporter (unit health), and the collectors behind every /metrics.',
  file: 'history-signal.json',
  variables: [NODE],
  rows: [
    {
      title: 'History and Signal',
      panels: [
        stat('History service', 'Health of dcos-history.service on the masters.', 'short', [query(unitHealth('dcos-history\\.service'), '{{node}}')], { valueText: HEALTH_TEXT }),
        stat('Signal', 'Health of dcos-signal timer and service on the masters.', 'short', [query(unitHealth('dcos-signal\\..+'), '{{node}} {{unit}}')], { valueText: HEALTH_TEXT }),
        timeseries('Metrics service', 'Health of dcos-telegraf.service (the /metrics exposition) on each node.', 'short', [query(unitHealth('dcos-telegraf\\.service'), '{{node}}')]),
      ],
    },
    {
      title: 'Collectors',
      panels: [
        timeseries('Collectors down', 'Collectors that failed or timed out on the last scrape, per node (1 - up).', 'short', [
          query(`1 - ${series('minidc_collector_up').onNode()}`, '{{instance}} {{collector}}'),
        ]),
        timeseries('Collector duration', 'How long each collector took on the last scrape.', 's', [
          query(series('minidc_collector_duration_seconds').onNode(), '{{instance}} {{collector}}'),
        ]),
        timeseries('Scrape duration', 'How long each node took to collect a scrape, all collectors included.', 's', [
          query(series('minidc_scrape_duration_seconds').onNode(), '{{instance}}'),
        ]),
      ],
    },
  ],
};
