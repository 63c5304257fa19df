/**
 * The numbers minidc's alerts fire at, in one place: the Prometheus rules (minidc-alerts.ts) and the status page's
 * alerts panel both read them, so the page never disagrees with Prometheus about what is "nearly full".
 */
export const THRESHOLDS = {
  /** Fraction of the cluster's cpus/mem/disk allocated to tasks. */
  clusterResourceUsedRatio: { warning: 0.9, critical: 0.97 },
  /** Fraction of one agent's cpus/mem/disk allocated to tasks. */
  agentResourceUsedRatio: { warning: 0.95 },
  /** Fraction of the filesystem holding a node's data dir that is used. */
  nodeDiskUsedRatio: { warning: 0.9, critical: 0.97 },
  /** Registrar store p99, seconds. */
  registrarStoreP99Seconds: { warning: 1 },
  /** DNS forwarder: fraction of queries answered SERVFAIL, and answer-time p99 in seconds. */
  dnsFailureRatio: { warning: 0.05 },
  dnsP99Seconds: { warning: 0.5 },
  /** Failed tasks of one Marathon app in 5 minutes that make a crash loop. */
  crashLoopFailuresIn5m: { warning: 3 },
} as const;

/**
 * How long a condition must hold before its alert fires (Prometheus durations). A state (no leader, a unit down, a
 * target down) fires within 30 s of the fault at a 5 s scrape: a collector sees it on the next scrape, then `for`.
 * Usage and latency wait longer, as a short spike there is normal.
 */
export const FOR = {
  /** Counted events (a failure, a restart): each one already means something happened. */
  event: '0s',
  /** A state that is unambiguous on one scrape (no leader, a unit unhealthy, a VIP with nothing behind it). */
  state: '10s',
  /** A state a restart passes through briefly (a scrape target, a collector, a disconnected agent). */
  settledState: '15s',
  /** The node disk: a bundle or journal burst can cross the line for a moment. */
  disk: '20s',
  /** Rates and latencies over a window. */
  rate: '1m',
  /** Resources allocated to tasks: a deployment passes through high allocation on its way to a steady state. */
  allocation: '1m',
} as const;

/** A ratio as the percentage descriptions print (0.9 → "90%"). */
export const percent = (ratio: number): string => `${Math.round(ratio * 1000) / 10}%`;
