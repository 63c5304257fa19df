/**
 * The one interface every collector implements, in node_exporter's style: a name, whether it runs unless told
 * otherwise, and `collect`, which reads its source and returns samples. A collector holds no registry state; the
 * CollectorRegistry runs it, times it, cuts it at its timeout and reports its health.
 */
import type { Sample } from './metric.ts';

export interface CollectContext {
  /** Aborted when the collector's timeout passes: stop work (pass it to fetch) — the result is discarded anyway. */
  readonly signal: AbortSignal;
}

export interface Collector {
  /** Lower-case snake case (`host`, `mesos_master`); the `collector` label of its health series. */
  readonly name: string;
  readonly enabledByDefault: boolean;
  /** Its own cut-off per scrape; the registry's default when absent. */
  readonly timeoutMs?: number;
  collect(context: CollectContext): Promise<readonly Sample[]> | readonly Sample[];
}
