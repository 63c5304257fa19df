/**
 * The forwarder's metrics as one flat snapshot in Mesos's style (`{"dns/…": number}`): the fixed keys are declared
 * once below; three families carry a label in the key — `dns/requests/<zone>/<rcode>`,
 * `dns/upstream_failures/<ip:port>` and `dns/records/<zone>` — where zone is `mesos`, `spartan`,
 * `l4lb.thisdcos.directory`, a forward zone, or `default` for the default upstreams.
 */
import { RCODE_NAMES } from '../wire/dns-constants.ts';
import type { DnsServerCounterKey } from '../wire/dns-server.ts';

/** Histogram bucket upper bounds in milliseconds (Prometheus-style, cumulative in the snapshot). */
export const DURATION_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

type BucketKey = `dns/request_duration_ms/le_${(typeof DURATION_BUCKETS_MS)[number]}`;

export const FORWARDER_METRIC_KEYS = [
  /** Turned away with SERVFAIL because too many were in flight. */
  'dns/requests_overloaded',
  'dns/request_duration_ms/count',
  'dns/request_duration_ms/sum',
  ...DURATION_BUCKETS_MS.map((b): BucketKey => `dns/request_duration_ms/le_${b}`),
  'dns/tcp/connections',
  'dns/tcp/closed_deadline',
  'dns/tcp/closed_idle',
  'dns/tcp/evicted',
  /** Restarts by the node's DNS watchdog; kept by the forwarder's unit (dns-forwarder-service.ts), which outlives them. */
  'dns/watchdog_restarts',
] as const;

export type ForwarderMetricKey = (typeof FORWARDER_METRIC_KEYS)[number];

/** The DNS server's counters under the forwarder's keys. */
const TCP_KEYS: Record<DnsServerCounterKey, ForwarderMetricKey> = {
  tcp_connections: 'dns/tcp/connections',
  tcp_closed_deadline: 'dns/tcp/closed_deadline',
  tcp_closed_idle: 'dns/tcp/closed_idle',
  tcp_evicted: 'dns/tcp/evicted',
};

/** Zone label of the default upstreams (the router calls it `.`). */
const DEFAULT_ZONE = 'default';

export type ForwarderMetricsSnapshot = Record<string, number>;

export class ForwarderMetrics {
  /** `dns/requests/<zone>/<rcode>` → count, created on first use. */
  private readonly requests = new Map<string, number>();
  private readonly bucketCounts = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
  private count = 0;
  private sumMs = 0;
  overloaded = 0;

  /** One reply sent: its zone, its rcode (from the reply header) and how long it took. */
  observe(zone: string, reply: Buffer, ms: number): void {
    const rcode = reply.length >= 4 ? (RCODE_NAMES[reply[3]! & 0xf] ?? String(reply[3]! & 0xf)) : 'NONE';
    const key = `dns/requests/${zone === '.' ? DEFAULT_ZONE : zone}/${rcode}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let i = 0;
    while (i < DURATION_BUCKETS_MS.length && ms > DURATION_BUCKETS_MS[i]!) i++;
    this.bucketCounts[i]!++;
    this.count++;
    this.sumMs += ms;
  }

  snapshot(
    upstreamFailures: ReadonlyMap<string, number>,
    records: Record<string, number>,
    tcp: Record<DnsServerCounterKey, number>,
  ): ForwarderMetricsSnapshot {
    const out: Record<string, number> = {};
    const set = (key: ForwarderMetricKey, value: number) => (out[key] = value);
    set('dns/requests_overloaded', this.overloaded);
    set('dns/request_duration_ms/count', this.count);
    set('dns/request_duration_ms/sum', this.sumMs);
    let running = 0;
    DURATION_BUCKETS_MS.forEach((b, i) => set(`dns/request_duration_ms/le_${b}`, (running += this.bucketCounts[i]!)));
    for (const [k, key] of Object.entries(TCP_KEYS) as [DnsServerCounterKey, ForwarderMetricKey][]) set(key, tcp[k]);
    for (const [key, n] of this.requests) out[key] = n;
    for (const [upstream, n] of upstreamFailures) out[`dns/upstream_failures/${upstream}`] = n;
    for (const [zone, n] of Object.entries(records)) out[`dns/records/${zone}`] = n;
    return out;
  }
}
