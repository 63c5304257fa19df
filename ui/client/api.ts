/**
 * The page's only way to the cluster: same-origin requests to Admin Router's public locations, sent with the auth
 * cookie. A 401 means "log in" (the session store hears of it); any other failure is an error naming the path.
 */
import { session } from './session.ts';

const REQUEST_TIMEOUT_MS = 15_000;

export class ApiError extends Error {
  constructor(
    readonly path: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

export async function request(method: string, path: string, body?: unknown): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      // JSON only: Admin Router then answers a 401 as JSON, not as its HTML page.
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A hung upstream must not freeze the page's updates: the poll fails and the stale banner says so.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new ApiError(path, undefined, `${path}: no answer (${(err as Error).message})`);
  }
  if (response.status === 401) {
    session.loggedOut();
    throw new ApiError(path, 401, 'not logged in');
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw new ApiError(path, response.status, `${path}: ${response.status} ${describe(text)}`);
  }
  session.loggedIn();
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request('GET', path)).json()) as T;
}

/** The `message`/`error`/`description` of a JSON error body, else the text's start. */
function describe(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: string; error?: string; description?: string };
    return body.message ?? body.error ?? body.description ?? text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}
