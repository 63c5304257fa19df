/** VIPs (dcos-l4lb): VIPs and backends per node, connections proxied and connect failures. */
import type { DashboardSpec } from './panel-spec.ts';
import { query, timeseries } from './panel-spec.ts';
import { rate, series } from './promql.ts';
import { NODE } from './template-variables.ts';

const l4lb = (name: string) => series(name).onNode();

export const VIPS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-vips',
  title: 'minidc / VIPs',
  description: 'Connections, backends up and down, and connect failures of the VIP layer on each node.',
  file: 'vips.json',
  variables: [NODE],
  rows: [
    {
      title: 'VIPs and backends',
      panels: [
        timeseries('VIPs', 'VIPs each node proxies, and those it could not bind.', 'short', [
          query(l4lb('minidc_l4lb_vips'), '{{instance}} VIPs'),
          query(l4lb('minidc_l4lb_vips_not_listening'), '{{instance}} not listening'),
        ]),
        timeseries('Backends up / down', 'Backends across all VIPs: up (not marked down) and down after failed connects.', 'short', [
          query(`${l4lb('minidc_l4lb_backends')} - ${l4lb('minidc_l4lb_backends_down')}`, '{{instance}} up'),
          query(l4lb('minidc_l4lb_backends_down'), '{{instance}} down'),
        ]),
        timeseries('Named VIP addresses', 'Addresses allocated to named VIPs, and named VIPs that got none, per node.', 'short', [
          query(l4lb('minidc_l4lb_named_vip_addresses'), '{{instance}} allocated'),
          query(rate(l4lb('minidc_l4lb_named_vip_allocation_failures_total')), '{{instance}} allocation failures/s'),
        ]),
      ],
    },
    {
      title: 'Connections',
      panels: [
        timeseries('Connections per second', 'Connections accepted on VIPs, per second, per node.', 'ops', [query(rate(l4lb('minidc_l4lb_connections_total')), '{{instance}}')]),
        timeseries('Active connections', 'Connections being proxied on each node.', 'short', [query(l4lb('minidc_l4lb_active_connections'), '{{instance}}')]),
        timeseries('Connect failures', 'Backend connects that failed, per second, per node.', 'ops', [query(rate(l4lb('minidc_l4lb_connect_failures_total')), '{{instance}}')]),
      ],
    },
  ],
};
