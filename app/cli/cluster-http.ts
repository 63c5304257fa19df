/**
 * The CLI's HTTP calls: every one with a timeout and a cap on the answer's size, failures as one-line messages
 * (`CliHttpError`) naming the URL, and an error answer's text taken from dcos-diagnostics' `{code,error}` body (or
 * the plain-text body the health routes answer with).
 */
import { fetchFailureCause, readBodyCapped } from '../../collectors/http-source.ts';

/** Replies the CLI reads whole are small; the largest, `/master/state` of a big cluster, stays under this. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;
/** dcos-diagnostics' error bodies are one line; anything longer is not one of them. */
const MAX_ERROR_BYTES = 64 * 1024;

export class CliHttpError extends Error {}

export interface SendOptions {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  body?: unknown;
  /** The whole exchange, answer body included, unless `signal` is given instead. */
  timeoutMs: number;
  /** Replaces the timeout (a download's stall timer). */
  signal?: AbortSignal;
}

/** A response whose status is not yet judged; the body not yet read. */
export async function send(url: string, options: SendOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs);
  try {
    return await fetch(url, {
      method,
      signal,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
    });
  } catch (err) {
    throw new CliHttpError(failureText(`${method} ${url}`, err, options.timeoutMs));
  }
}

/** Why an exchange failed, in one line: refused, timed out, reset, … */
export function failureText(what: string, err: unknown, timeoutMs: number): string {
  const e = err as Error;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `${what}: no answer within ${timeoutMs / 1000} s`;
  return `${what}: ${fetchFailureCause(err)}`;
}

/** Reads the body, failing once it passes `maxBytes` instead of holding an unbounded answer. */
export async function readBody(response: Response, what: string, maxBytes: number, timeoutMs: number): Promise<Buffer> {
  try {
    return await readBodyCapped(response, maxBytes, () => new CliHttpError(`${what}: answer is over the ${maxBytes}-byte limit`));
  } catch (err) {
    if (err instanceof CliHttpError) throw err;
    throw new CliHttpError(failureText(what, err, timeoutMs));
  }
}

/** The server's own words for an error answer: `error` of `{code,error}`, else the body's first line. */
export async function serverErrorText(response: Response, what: string, timeoutMs: number): Promise<string> {
  const text = (await readBody(response, what, MAX_ERROR_BYTES, timeoutMs).catch(() => Buffer.alloc(0))).toString('utf8').trim();
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: the health routes answer errors as plain text.
  }
  return text.split('\n')[0] || `HTTP ${response.status}`;
}

/** GET (or PUT/DELETE) and parse a JSON answer; a non-2xx answer is returned to the caller to map. */
export async function exchangeJson(url: string, options: SendOptions): Promise<{ status: number; body: unknown; error?: string }> {
  const what = `${options.method ?? 'GET'} ${url}`;
  const response = await send(url, options);
  if (response.status < 200 || response.status > 299)
    return { status: response.status, body: undefined, error: await serverErrorText(response, what, options.timeoutMs) };
  const raw = await readBody(response, what, MAX_JSON_BYTES, options.timeoutMs);
  if (raw.length === 0) return { status: response.status, body: undefined };
  try {
    return { status: response.status, body: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    throw new CliHttpError(`${what}: answer is not JSON`);
  }
}

/** A JSON GET that must succeed: any other status is a one-line error with the server's text. */
export async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  const r = await exchangeJson(url, { timeoutMs });
  if (r.error !== undefined) throw new CliHttpError(`GET ${url}: HTTP ${r.status}: ${r.error}`);
  return r.body;
}
