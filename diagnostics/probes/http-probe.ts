/** Probes that ask an HTTP API: a 2xx answer, or a JSON body passing a check. */
import { fetchJson, fetchText } from '../../collectors/http-source.ts';
import type { Probe } from './probe.ts';

const MAX_BYTES = 4 * 1024 * 1024;
/** The fetch's own timeout; the probe's (shorter) timeout normally ends it first through the signal. */
const FETCH_TIMEOUT_MS = 10_000;

export function httpOkProbe(unit: string, url: string): Probe {
  return {
    unit,
    what: `GET ${url}`,
    check: async (signal) => void (await fetchText(url, { signal, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_BYTES })),
  };
}

/** `test` returns a failure text, or undefined when the body is as expected. */
export function httpJsonProbe(unit: string, url: string, test: (body: unknown) => string | undefined): Probe {
  return {
    unit,
    what: `GET ${url}`,
    check: async (signal) => {
      const failure = test(await fetchJson(url, { signal, timeoutMs: FETCH_TIMEOUT_MS, maxBytes: MAX_BYTES }));
      if (failure !== undefined) throw new Error(failure);
    },
  };
}

/** A check of one numeric key of a Mesos `/metrics/snapshot`. */
export function snapshotKeyIs(key: string, expected: number): (body: unknown) => string | undefined {
  return (body) => {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
    return value === expected ? undefined : `${key} is ${JSON.stringify(value)}, not ${expected}`;
  };
}
