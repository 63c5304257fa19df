/**
 * One collection: every reporter asked at once (each under the same 15 s per request as dcos-signal, a size limit,
 * and the run's cancel), each answer made into its event. A reporter that fails is left out with its reason, so
 * one unreachable source costs only its own event.
 */
import { fetchJson } from '../collectors/http-source.ts';
import { healthReporter } from './health-reporter.ts';
import { mesosReporter } from './mesos-reporter.ts';
import { packageListReporter } from './package-list-reporter.ts';
import type { Reporter } from './reporter.ts';
import type { MasterEndpoints } from './signal-sources.ts';
import { trackEvent, type SignalEventName, type SignalIdentity, type TrackEvent } from './track-event.ts';

/** dcos-signal's client timeout: Cosmos called out to the internet, and 5 s was too short (DCOS-12267). */
export const SOURCE_TIMEOUT_MS = 15_000;
/** A 1,000-node health report is a few MB; anything far past that is not one. */
export const SOURCE_MAX_BYTES = 64 * 1024 * 1024;

export interface CollectionOptions {
  identity: SignalIdentity;
  reporters: readonly Reporter[];
  signal: AbortSignal;
  timeoutMs?: number;
  now?: () => Date;
}

export interface Collection {
  events: TrackEvent[];
  /** Events left out, with why (the source's error). */
  skipped: { event: SignalEventName; reason: string }[];
}

/** DC/OS's three reporters, reading the master's endpoints (looked up at each run: units bind after Signal is built). */
export function signalReporters(endpoints: () => MasterEndpoints): Reporter[] {
  return [healthReporter(endpoints), mesosReporter(endpoints), packageListReporter(endpoints)];
}

export async function collect(options: CollectionOptions): Promise<Collection> {
  const now = options.now ?? (() => new Date());
  const read = (url: string) => fetchJson(url, { timeoutMs: options.timeoutMs ?? SOURCE_TIMEOUT_MS, maxBytes: SOURCE_MAX_BYTES, signal: options.signal });
  const outcomes = await Promise.allSettled(options.reporters.map((r) => r.properties(read)));
  const collection: Collection = { events: [], skipped: [] };
  outcomes.forEach((outcome, i) => {
    const { event } = options.reporters[i]!;
    if (outcome.status === 'fulfilled') collection.events.push(trackEvent(event, options.identity, outcome.value, now()));
    else collection.skipped.push({ event, reason: (outcome.reason as Error).message });
  });
  return collection;
}
