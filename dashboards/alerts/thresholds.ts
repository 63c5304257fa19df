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
