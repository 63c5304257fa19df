/**
 * Mesos-DNS's metrics as one flat snapshot (`{"mesos_dns/…": number}`), keys declared once. Real Mesos-DNS
 * publishes none; minidc serves these at `GET /metrics/snapshot` on Mesos-DNS's HTTP port.
 */
import type { MesosDnsStats } from './mesos-dns.ts';

export const MESOS_DNS_METRIC_KEYS = [
  'mesos_dns/reloads',
  'mesos_dns/reload_failures',
  /** Generating the records of the last good reload (main thread). */
  'mesos_dns/last_reload_ms',
  /** Handing them to the serving thread until it serves them (encoding on the main thread included). */
  'mesos_dns/last_publish_ms',
  /** The main thread's part of it. */
  'mesos_dns/last_handover_ms',
  'mesos_dns/serial',
  'mesos_dns/names',
  'mesos_dns/prepared_answers',
  'mesos_dns/values/a',
  'mesos_dns/values/aaaa',
  'mesos_dns/values/srv',
  'mesos_dns/forwarded',
  'mesos_dns/forward_failures',
  'mesos_dns/tcp/connections',
  'mesos_dns/tcp/closed_deadline',
  'mesos_dns/tcp/closed_idle',
  'mesos_dns/tcp/evicted',
  'mesos_dns/serving/loop_active_ms',
] as const;

export type MesosDnsMetricKey = (typeof MESOS_DNS_METRIC_KEYS)[number];

export function mesosDnsMetrics(s: MesosDnsStats): Record<MesosDnsMetricKey, number> {
  return {
    'mesos_dns/reloads': s.reloads,
    'mesos_dns/reload_failures': s.reloadFailures,
    'mesos_dns/last_reload_ms': s.lastReloadMs ?? 0,
    'mesos_dns/last_publish_ms': s.lastPublishMs ?? 0,
    'mesos_dns/last_handover_ms': s.lastHandoverMs ?? 0,
    'mesos_dns/serial': s.serial,
    'mesos_dns/names': s.names,
    'mesos_dns/prepared_answers': s.preparedAnswers,
    'mesos_dns/values/a': s.values.a,
    'mesos_dns/values/aaaa': s.values.aaaa,
    'mesos_dns/values/srv': s.values.srv,
    'mesos_dns/forwarded': s.forwarded,
    'mesos_dns/forward_failures': s.forwardFailures,
    'mesos_dns/tcp/connections': s.tcp.tcp_connections,
    'mesos_dns/tcp/closed_deadline': s.tcp.tcp_closed_deadline,
    'mesos_dns/tcp/closed_idle': s.tcp.tcp_closed_idle,
    'mesos_dns/tcp/evicted': s.tcp.tcp_evicted,
    'mesos_dns/serving/loop_active_ms': s.servingLoopActiveMs,
  };
}
