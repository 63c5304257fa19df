/**
 * The forwarder's metrics as a plain snapshot the cluster publishes later: requests by zone and rcode, a duration
 * histogram, upstream failures and records per zone.
 */
import { RCODE_NAMES } from '../wire/dns-constants.ts';

/** Histogram bucket upper bounds in milliseconds (Prometheus-style, cumulative in the snapshot). */
export const DURATION_BUCKETS_MS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

export interface ForwarderMetricsSnapshot {
  /** zone (`mesos`, `spartan`, `l4lb.thisdcos.directory`, a forward zone, `.` for the default upstreams) → rcode → count. */
  requests: Record<string, Record<string, number>>;
  duration: { bucketsMs: number[]; cumulativeCounts: number[]; count: number; sumMs: number };
  /** `ip:port` → failed or timed-out exchanges. */
  upstreamFailures: Record<string, number>;
  /** Internal zone → A/AAAA values it holds. */
  records: Record<string, number>;
  /** Queries turned away because too many were in flight. */
  overloaded: number;
}

export class ForwarderMetrics {
  private readonly requests = new Map<string, Map<string, number>>();
  private readonly bucketCounts = new Array<number>(DURATION_BUCKETS_MS.length + 1).fill(0);
  private count = 0;
  private sumMs = 0;
  overloaded = 0;

  /** One reply sent: its zone, its rcode (from the reply header) and how long it took. */
  observe(zone: string, reply: Buffer, ms: number): void {
    const rcode = reply.length >= 4 ? RCODE_NAMES[reply[3]! & 0xf] ?? String(reply[3]! & 0xf) : 'NONE';
    let byRcode = this.requests.get(zone);
    if (byRcode === undefined) this.requests.set(zone, (byRcode = new Map()));
    byRcode.set(rcode, (byRcode.get(rcode) ?? 0) + 1);
    let i = 0;
    while (i < DURATION_BUCKETS_MS.length && ms > DURATION_BUCKETS_MS[i]!) i++;
    this.bucketCounts[i]!++;
    this.count++;
    this.sumMs += ms;
  }

  snapshot(upstreamFailures: ReadonlyMap<string, number>, records: Record<string, number>): ForwarderMetricsSnapshot {
    let running = 0;
    const cumulativeCounts = DURATION_BUCKETS_MS.map((_, i) => (running += this.bucketCounts[i]!));
    return {
      requests: Object.fromEntries([...this.requests].map(([zone, m]) => [zone, Object.fromEntries(m)])),
      duration: { bucketsMs: [...DURATION_BUCKETS_MS], cumulativeCounts, count: this.count, sumMs: this.sumMs },
      upstreamFailures: Object.fromEntries(upstreamFailures),
      records,
      overloaded: this.overloaded,
    };
  }
}
