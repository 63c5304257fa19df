/**
 * One GET of a node's `/system/health/v1` for the cluster pull, on node:http rather than fetch: at 1,000 nodes per
 * pull, undici's per-request machinery (a Request, streams, an `AbortSignal.any` per call) and its pool per origin
 * were most of the pull's CPU and garbage (see BENCHMARKS.md). The same contract as collectors' `fetchJson`: one
 * timeout covers the whole answer, the body is refused once it passes `maxBytes`, and every failure is an
 * `HttpSourceError` naming the URL and what went wrong.
 */
import { Agent, get } from 'node:http';
import { HttpSourceError } from '../../collectors/http-source.ts';

export interface NodeHealthFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  /** The pull's cancel. */
  signal: AbortSignal;
}

// No keep-alive: the next pull is 15 s away, past any node's idle timeout, so a pooled socket would only risk a
// request written into a connection the node is closing.
const agent = new Agent({ keepAlive: false });

export function fetchNodeHealth(url: string, options: NodeHealthFetchOptions): Promise<unknown> {
  const { timeoutMs, maxBytes, signal } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new HttpSourceError(url, 'aborted', 'request cancelled'));
      return;
    }
    let settled = false;
    const fail = (error: HttpSourceError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      request.destroy();
      reject(error);
    };
    const onAbort = () => fail(new HttpSourceError(url, 'aborted', 'request cancelled'));
    const timer = setTimeout(() => fail(new HttpSourceError(url, 'timeout', `no complete response within ${timeoutMs} ms`)), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });

    const request = get(url, { agent, headers: { accept: 'application/json' } }, (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        fail(new HttpSourceError(url, 'status', `HTTP ${status} ${response.statusMessage ?? ''}`.trimEnd(), status));
        return;
      }
      const tooLarge = () => new HttpSourceError(url, 'too-large', `response larger than the ${maxBytes}-byte limit`);
      if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
        fail(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(tooLarge());
        else chunks.push(chunk);
      });
      response.on('error', (err) => fail(new HttpSourceError(url, 'network', err.message)));
      response.on('close', () => fail(new HttpSourceError(url, 'network', 'connection closed before the response ended')));
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        try {
          resolve(JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown);
        } catch (err) {
          reject(new HttpSourceError(url, 'bad-json', `response is not JSON (${(err as Error).message})`));
        }
      });
    });
    request.on('error', (err: NodeJS.ErrnoException) => fail(new HttpSourceError(url, 'network', err.code ?? err.message)));
  });
}
