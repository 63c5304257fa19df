/**
 * How observers read JSON from the runtime (or a real Mesos cluster): one GET with a timeout that covers the whole
 * body, a size limit checked while reading (a runaway `/master/state` cannot eat the heap), and errors that name
 * the URL and what went wrong, so a collector's "down" line in the log says which source failed and why.
 */
export type HttpSourceFailure = 'status' | 'timeout' | 'too-large' | 'bad-json' | 'network' | 'aborted';

export class HttpSourceError extends Error {
  constructor(
    readonly url: string,
    readonly failure: HttpSourceFailure,
    message: string,
    readonly status?: number,
  ) {
    super(`GET ${url}: ${message}`);
    this.name = 'HttpSourceError';
  }
}

export interface HttpSourceOptions {
  /** Whole request, body included. Default 5 s. */
  timeoutMs?: number;
  /** Largest body accepted. Default 64 MiB (a 10,000-agent `/master/state` is tens of MB). */
  maxBytes?: number;
  /** The caller's own cancel (a collector's signal): aborts the request early. */
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** GETs `url` and parses its body as JSON; throws an HttpSourceError for every way that can fail. */
export async function fetchJson(url: string, options: HttpSourceOptions = {}): Promise<unknown> {
  const text = await fetchText(url, options);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpSourceError(url, 'bad-json', `response is not JSON (${(err as Error).message})`);
  }
}

/** GETs `url` and returns its body as UTF-8 text, under the same timeout and size limit. */
export async function fetchText(url: string, options: HttpSourceOptions = {}): Promise<string> {
  return (await fetchBody(url, options)).toString('utf8');
}

/** GETs `url` and returns its body's bytes, under the same timeout and size limit. */
export async function fetchBody(url: string, options: HttpSourceOptions = {}): Promise<Buffer> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be a positive number, got ${timeoutMs}`);
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  // Which of the two fired decides the message; checked when fetch or a body read rejects.
  const failure = (err: unknown): HttpSourceError => {
    if (timeout.aborted) return new HttpSourceError(url, 'timeout', `no complete response within ${timeoutMs} ms`);
    if (options.signal?.aborted) return new HttpSourceError(url, 'aborted', 'request cancelled');
    return new HttpSourceError(url, 'network', fetchFailureCause(err));
  };
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json', ...options.headers } });
  } catch (err) {
    throw failure(err);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new HttpSourceError(url, 'status', `HTTP ${response.status} ${response.statusText}`.trimEnd(), response.status);
  }
  const tooLarge = () => new HttpSourceError(url, 'too-large', `response larger than the ${maxBytes}-byte limit`);
  try {
    return await readBodyCapped(response, maxBytes, tooLarge);
  } catch (err) {
    throw err instanceof HttpSourceError ? err : failure(err);
  }
}

/**
 * A response's whole body, refused (the body cancelled, `tooLarge()` thrown) as soon as it declares or reaches more
 * than `maxBytes`, so a runaway answer never sits in memory; read errors reach the caller as they are.
 */
export async function readBodyCapped(response: Response, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks, size);
}

/**
 * Why a fetch rejected, in a word where there is one (`ECONNREFUSED`, `ECONNRESET`): undici's `fetch failed` hides
 * it in `cause`, or in the first of an AggregateError's `errors` when several addresses were tried.
 */
export function fetchFailureCause(err: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const cause = (err as { cause?: Cause }).cause;
  const first = cause?.errors?.[0];
  return cause?.code ?? first?.code ?? (cause?.message || first?.message) ?? (err as Error).message;
}
