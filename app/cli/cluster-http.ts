/**
 * The CLI's HTTP calls: every one with a timeout and a cap on the answer's size, failures as one-line messages
 * (`CliHttpError`) naming the URL, and an error answer's text taken from dcos-diagnostics' `{code,error}` body (or
 * the plain-text body the health routes answer with).
 */
import { fetchFailureCause, readBodyCapped } from '../../collectors/http-source.ts';
import { storedToken } from './token-store.ts';

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

/** The token `minidc auth login` stored for an origin, read once per process; sent only to that origin. */
const tokens = new Map<string, Promise<string | undefined>>();
function tokenFor(url: string): Promise<string | undefined> {
  const origin = new URL(url).origin;
  let token = tokens.get(origin);
  if (token === undefined) tokens.set(origin, (token = storedToken(origin).catch(() => undefined)));
  return token;
}

/**
 * A response whose status is not yet judged; the body not yet read. Admin Router's 401 (`WWW-Authenticate:
 * oauthjwt`) is the one answer no command maps: it fails here, saying how to log in.
 */
export async function send(url: string, options: SendOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs);
  const token = await tokenFor(url);
  const headers: Record<string, string> = {
    ...(token === undefined ? {} : { authorization: `token=${token}` }),
    ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  let response: Response;
  try {
    response = await fetch(url, { method, signal, headers, ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }) });
  } catch (err) {
    throw new CliHttpError(failureText(`${method} ${url}`, err, options.timeoutMs));
  }
  if (response.status === 401 && response.headers.get('www-authenticate') === 'oauthjwt') {
    await response.body?.cancel();
    const origin = new URL(url).origin;
    throw new CliHttpError(
      `${method} ${url}: HTTP 401: ${token === undefined ? `not logged in to ${origin}` : `the token stored for ${origin} was refused (expired?)`}; log in with minidc auth login`,
    );
  }
  return response;
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
