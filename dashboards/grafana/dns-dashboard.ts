/** DNS: the per-node forwarder (request rate by zone, latency, failures, its own records) and Mesos-DNS. */
import type { DashboardSpec } from './panel-spec.ts';
import { query, timeseries } from './panel-spec.ts';
import { histogramQuantile, rate, series, sumBy } from './promql.ts';
import { NODE } from './template-variables.ts';

const forwarder = (name: string) => series(name).onNode();

export const DNS_DASHBOARD: DashboardSpec = {
  uid: 'minidc-dns',
  title: 'minidc / DNS',
  description: 'Forwarder request rate by zone and response code, latency, failures and records; Mesos-DNS reloads and records.',
  file: 'dns.json',
  variables: [NODE],
  rows: [
    {
      title: 'Forwarder (dcos-spartan)',
      panels: [
        timeseries('Requests by zone', 'Replies the forwarders send, per second, by zone.', 'reqps', [
          query(sumBy(['zone'], rate(forwarder('minidc_dns_requests_total'))), '{{zone}}', { appearsAfter: 'the forwarder answered a query' }),
        ]),
        timeseries('Requests by response code', 'Replies per second by response code (NXDOMAIN, SERVFAIL are failures to look at).', 'reqps', [
          query(sumBy(['rcode'], rate(forwarder('minidc_dns_requests_total'))), '{{rcode}}', { appearsAfter: 'the forwarder answered a query' }),
        ]),
        timeseries('Latency', 'Time from query to reply on the chosen nodes, percentiles (the histogram is per node, not per zone).', 's', [
          query(histogramQuantile(0.5, forwarder('minidc_dns_request_duration_seconds_bucket')), 'p50'),
          query(histogramQuantile(0.99, forwarder('minidc_dns_request_duration_seconds_bucket')), 'p99'),
        ]),
        timeseries('Failures', 'Upstream queries that failed or timed out, and queries turned away overloaded, per second.', 'ops', [
          query(sumBy(['upstream'], rate(forwarder('minidc_dns_upstream_failures_total'))), '{{upstream}}', { appearsAfter: 'a query forwarded upstream failed' }),
          query(sumBy(['instance'], rate(forwarder('minidc_dns_requests_overloaded_total'))), '{{instance}} overloaded'),
        ]),
        timeseries('Records by zone', 'Records the forwarders answer themselves, by zone.', 'short', [query(sumBy(['instance', 'zone'], forwarder('minidc_dns_records')), '{{instance}} {{zone}}')]),
        timeseries('TCP connections', 'Open DNS-over-TCP connections per forwarder.', 'short', [query(forwarder('minidc_dns_tcp_connections'), '{{instance}}')]),
      ],
    },
    {
      title: 'Mesos-DNS',
      panels: [
        timeseries('Reloads', 'Record generations from the master state that succeeded and failed, per second.', 'ops', [
          query(rate(series('minidc_mesos_dns_reloads_total')), 'reloads'),
          query(rate(series('minidc_mesos_dns_reload_failures_total')), 'failures'),
        ]),
        timeseries('Reload time', 'Time the last good record generation took, and its publish.', 's', [
          query(series('minidc_mesos_dns_last_reload_seconds'), 'reload'),
          query(series('minidc_mesos_dns_last_publish_seconds'), 'publish'),
        ]),
        timeseries('Records', 'Names in the zone and record values by type.', 'short', [
          query(series('minidc_mesos_dns_names'), 'names'),
          query(series('minidc_mesos_dns_values'), '{{type}} values'),
        ]),
        timeseries('Forwarded queries', 'Queries outside the zone forwarded upstream, and those no upstream answered, per second.', 'ops', [
          query(rate(series('minidc_mesos_dns_forwarded_total')), 'forwarded'),
          query(rate(series('minidc_mesos_dns_forward_failures_total')), 'failed'),
        ]),
      ],
    },
  ],
};
