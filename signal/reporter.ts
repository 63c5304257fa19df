/**
 * One of dcos-signal's reporters: reads its sources over HTTP and turns them into its event's own properties. A
 * reporter whose source fails throws, and only its event is left out of the batch.
 */
import type { SignalEventName } from './track-event.ts';

/** A JSON GET under the run's timeout, size limit and cancel; throws naming the URL and what went wrong. */
export type JsonReader = (url: string) => Promise<unknown>;

export interface Reporter {
  readonly event: SignalEventName;
  properties(read: JsonReader): Promise<Record<string, unknown>>;
}

/** A source answered, but not with what the reporter reads. */
export class SourceShapeError extends Error {}

export function objectOf(body: unknown, url: string, what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SourceShapeError(`GET ${url}: not ${what}`);
  return body as Record<string, unknown>;
}
