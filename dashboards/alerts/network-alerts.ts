/** Service discovery and load balancing: the node DNS forwarders, their watchdog, and the VIPs. */
import { metric as m, type AlertGroup } from './alert-rule.ts';
import { AGENT_TARGET, oneSeriesCases, series } from './rule-cases.ts';
import { FOR, percent, THRESHOLDS as T } from './thresholds.ts';

const requests = m('minidc_dns_requests_total');
const requestsWith = (rcode: string) => ({ ...AGENT_TARGET, zone: 'mesos', rcode });
/** The duration histogram with 10 answers a scrape, `fast` of them (in promtool's notation) under 0.1 s. */
const durationBuckets = (fast: string) =>
  (
    [
      ['0.1', fast],
      ['1', '0+10x40'],
      ['+Inf', '0+10x40'],
    ] as const
  ).map(([le, values]) => series('minidc_dns_request_duration_seconds_bucket', { ...AGENT_TARGET, le }, values));
const VIP = { ...AGENT_TARGET, vip: '11.0.0.1:80', name: 'web.marathon.l4lb.thisdcos.directory:80' };
const vipBackends = (total: string, healthy: string) => [series('minidc_l4lb_vip_backends', VIP, total), series('minidc_l4lb_vip_backends_healthy', VIP, healthy)];

export const NETWORK_ALERTS: AlertGroup = {
  name: 'minidc-network',
  rules: [
    {
      alert: 'DnsFailures',
      expr: `sum by (instance) (rate(${requests}{rcode="SERVFAIL"}[1m])) / sum by (instance) (rate(${requests}[1m])) > ${T.dnsFailureRatio.warning}`,
      for: FOR.rate,
      severity: 'warning',
      summary: 'DNS forwarder on {{ $labels.instance }} fails {{ $value | humanizePercentage }} of queries',
      description: `Over ${percent(T.dnsFailureRatio.warning)} of queries to the node DNS forwarder answered SERVFAIL in the last minute.`,
      firing: {
        input: [series('minidc_dns_requests_total', requestsWith('SERVFAIL'), '0+10x40'), series('minidc_dns_requests_total', requestsWith('NOERROR'), '0+10x40')],
        at: '3m',
        labels: { instance: AGENT_TARGET.instance },
        value: 0.5,
      },
      quiet: {
        input: [series('minidc_dns_requests_total', requestsWith('SERVFAIL'), '5x40'), series('minidc_dns_requests_total', requestsWith('NOERROR'), '0+10x40')],
        at: '3m',
      },
    },
    {
      alert: 'DnsSlowAnswers',
      expr: `histogram_quantile(0.99, sum by (instance, le) (rate(${m('minidc_dns_request_duration_seconds_bucket')}[5m]))) > ${T.dnsP99Seconds.warning}`,
      for: FOR.rate,
      severity: 'warning',
      summary: 'DNS forwarder on {{ $labels.instance }} answers slowly',
      description: `The node DNS forwarder's p99 answer time over 5 minutes is over ${T.dnsP99Seconds.warning * 1000} ms: its upstreams or Mesos-DNS are slow.`,
      // Every answer between 0.1 s and 1 s, or every answer under 0.1 s.
      firing: { input: durationBuckets('0x40'), at: '3m', labels: { instance: AGENT_TARGET.instance } },
      quiet: { input: durationBuckets('0+10x40'), at: '3m' },
    },
    {
      alert: 'DnsWatchdogRestarts',
      expr: `increase(${m('minidc_dns_watchdog_restarts_total')}[10m]) > 0`,
      for: FOR.event,
      severity: 'warning',
      summary: 'The DNS watchdog restarted the forwarder on {{ $labels.instance }}',
      description: 'dcos-spartan-watchdog found the forwarder not answering ready.spartan and restarted it.',
      ...oneSeriesCases('minidc_dns_watchdog_restarts_total', AGENT_TARGET, { fires: '0 0 1x10', quiet: '1x12' }),
    },
    {
      alert: 'VipBackendsDown',
      // Some but not all: a VIP with none healthy is VipNoHealthyBackend.
      expr: `(${m('minidc_l4lb_vip_backends')} - ${m('minidc_l4lb_vip_backends_healthy')} > 0) and ${m('minidc_l4lb_vip_backends_healthy')} > 0`,
      for: FOR.settledState,
      severity: 'warning',
      summary: '{{ $value }} backend(s) of VIP {{ $labels.vip }} down on {{ $labels.instance }}',
      description: 'The VIP proxy on {{ $labels.instance }} cannot connect to {{ $value }} backend(s) of {{ $labels.vip }} ({{ $labels.name }}); connections go to the others.',
      firing: { input: vipBackends('3x12', '3 1x11'), at: '1m', labels: VIP, value: 2 },
      quiet: { input: vipBackends('3x12', '3x12'), at: '1m' },
    },
    {
      alert: 'VipNoHealthyBackend',
      expr: `${m('minidc_l4lb_vip_backends_healthy')} == 0`,
      for: FOR.state,
      severity: 'critical',
      summary: 'VIP {{ $labels.vip }} has no healthy backend on {{ $labels.instance }}',
      description: 'Every backend of {{ $labels.vip }} ({{ $labels.name }}) is down as seen from {{ $labels.instance }}: clients of the VIP there are refused.',
      firing: { input: vipBackends('2x12', '2 0x11'), at: '1m', labels: VIP },
      quiet: { input: vipBackends('2x12', '2 1x11'), at: '1m' },
    },
    {
      alert: 'VipNotListening',
      expr: `${m('minidc_l4lb_vips_not_listening')} > 0`,
      for: FOR.settledState,
      severity: 'critical',
      summary: '{{ $value }} VIP(s) not listening on {{ $labels.instance }}',
      description: 'A VIP in the table has no listener on this node: clients of that VIP are refused here.',
      ...oneSeriesCases('minidc_l4lb_vips_not_listening', AGENT_TARGET, { fires: '0 1x12', quiet: '0x12' }, { value: 1 }),
    },
  ],
};
