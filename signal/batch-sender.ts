/**
 * POSTs a batch to the configured endpoint, retrying with exponential backoff within the run (dcos-signal only
 * logged a failed send; minidc tries again a few times before giving the batch up). Each attempt has its own
 * timeout, the answer's body is read only up to a small limit, and the run's cancel stops the attempts and the
 * waits between them at once. Credentials in the endpoint URL (`https://WRITE_KEY:@api.segment.io/v1/batch`, as
 * Segment's basic auth takes its write key) go into an Authorization header and never into a log line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchFailureCause, readBodyCapped } from '../collectors/http-source.ts';
import type { SegmentBatch } from './segment-batch.ts';

export const SEND_TIMEOUT_MS = 15_000;
export const SEND_ATTEMPTS = 3;
export const SEND_BACKOFF_MS = 1_000;
/** A batch endpoint answers `{"success":true}` or an error line; a longer answer is only drained this far. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface SendOptions {
  endpoint: string;
  signal: AbortSignal;
  timeoutMs?: number;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** The wait after the first failed attempt; doubled after each further one. */
  backoffMs?: number;
  /** Told of every failed attempt (the reason names the endpoint without credentials). */
  onAttemptFailed?: (attempt: number, reason: string) => void;
}

export class SendError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
  }
}

/** The endpoint as it may be shown: no user or password, no query (an API key may sit there). */
export function endpointForLog(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

/** The URL fetch is given (it refuses credentials in URLs) and the Authorization header they become. */
function request(endpoint: string): { url: string; authorization?: string } {
  const url = new URL(endpoint);
  if (url.username === '' && url.password === '') return { url: url.href };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.href, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** A refused batch (a 4xx other than 408/429) will be refused again: not worth another attempt. */
const isRetryable = (status: number) => status >= 500 || status === 408 || status === 429;

class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

async function attempt(body: string, target: { url: string; authorization?: string }, shown: string, options: SendOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? SEND_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(target.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...(target.authorization === undefined ? {} : { authorization: target.authorization }) },
      signal: AbortSignal.any([timeout, options.signal]),
    });
    await readBodyCapped(response, MAX_ANSWER_BYTES, () => new Error('answer too large')).catch(() => undefined);
  } catch (err) {
    if (options.signal.aborted) throw new AttemptError(`POST ${shown}: cancelled`, false);
    if (timeout.aborted) throw new AttemptError(`POST ${shown}: no answer within ${timeoutMs} ms`, true);
    throw new AttemptError(`POST ${shown}: ${fetchFailureCause(err)}`, true);
  }
  if (response.status < 200 || response.status > 299)
    throw new AttemptError(`POST ${shown}: HTTP ${response.status} ${response.statusText}`.trimEnd(), isRetryable(response.status));
}

/** Resolves with the number of attempts it took; throws a SendError once it gives up. */
export async function sendBatch(batch: SegmentBatch, options: SendOptions): Promise<number> {
  const attempts = options.attempts ?? SEND_ATTEMPTS;
  const target = request(options.endpoint);
  const shown = endpointForLog(options.endpoint);
  const body = JSON.stringify(batch);
  for (let n = 1; ; n++) {
    try {
      await attempt(body, target, shown, options);
      return n;
    } catch (err) {
      const e = err as AttemptError;
      options.onAttemptFailed?.(n, e.message);
      if (!e.retryable || n >= attempts) throw new SendError(`${e.message} (attempt ${n} of ${attempts}; batch given up)`, n);
    }
    try {
      await sleep((options.backoffMs ?? SEND_BACKOFF_MS) * 2 ** (n - 1), undefined, { signal: options.signal });
    } catch {
      throw new SendError(`POST ${shown}: cancelled while waiting to retry (after ${n} attempts)`, n);
    }
  }
}
