/**
 * Fires hostile HTTP requests at a minidc cluster, from its own process so the target's memory is its own:
 * `node --import tsx bench/hostile-client.ts MASTER_URL AGENT_URL MARATHON_URL [KIND]` (all kinds without KIND).
 * Prints one JSON line with the number of requests and the statuses seen per kind.
 *
 * Kinds: over-limit bodies, bad and deeply nested JSON, huge query strings, many distinct query parameters,
 * `/master/state` and `/files/read` with odd parameters, unique unknown paths, slow (never-finished) and abandoned
 * connections. Every request has a timeout; the client never waits on the server forever.
 */
import { connect, type Socket } from 'node:net';

const [master, agent, marathon, onlyKind] = process.argv.slice(2);
if (master === undefined || agent === undefined || marathon === undefined) {
  console.error('usage: hostile-client.ts MASTER_URL AGENT_URL MARATHON_URL [KIND]');
  process.exit(2);
}
const statuses: Record<string, Record<string, number>> = {};

function seen(kind: string, status: string | number): void {
  const k = (statuses[kind] ??= {});
  k[String(status)] = (k[String(status)] ?? 0) + 1;
}

async function hit(kind: string, url: string, init: RequestInit = {}): Promise<void> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    seen(kind, res.status);
  } catch (err) {
    seen(kind, (err as Error).name === 'TimeoutError' ? 'timeout' : 'error');
  }
}

/** Runs `n` calls of `f` with at most `width` in flight. */
async function pool(n: number, width: number, f: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await f(next++);
    }),
  );
}

/** A connection that sends part of a request and then nothing; closed by the server's timeouts or after `holdMs`. */
function slowConnection(url: string, holdMs: number, partial: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket: Socket = connect(Number(port), hostname, () => socket.write(partial));
    let closedByServer = false;
    socket.on('data', () => undefined);
    socket.on('close', () => {
      seen('slow_connection', closedByServer ? 'closed_by_server' : 'abandoned');
      clearTimeout(timer);
      resolve();
    });
    socket.on('end', () => (closedByServer = true));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), holdMs);
  });
}

const json = { 'content-type': 'application/json' };
const big = 'x'.repeat(2 * 1024 * 1024);
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const longQuery = (n: number) => `q=${'a'.repeat(n)}`;
const manyParams = (n: number, from: number) => Array.from({ length: n }, (_, i) => `p${from}_${i}=${i}`).join('&');

const salt = Date.now() % 1_000_000_000;
const kinds: Record<string, () => Promise<unknown>> = {
  slow_connection: () =>
    Promise.all([
      ...Array.from({ length: 100 }, () => slowConnection(master, 15_000, 'GET /master/state HTTP/1.1\r\nHost: x\r\n')),
      ...Array.from({ length: 100 }, () =>
        slowConnection(marathon, 15_000, 'POST /v2/apps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{"id":'),
      ),
      ...Array.from({ length: 100 }, () => slowConnection(agent, 15_000, '')),
    ]),
  oversized_body: () => pool(100, 10, () => hit('oversized_body', `${marathon}/v2/apps`, { method: 'POST', headers: json, body: `{"id":"/big","cmd":"${big}"}` })),
  oversized_body_unknown_route: () =>
    pool(100, 10, () => hit('oversized_body_unknown_route', `${master}/master/nothing`, { method: 'POST', headers: json, body: big })),
  bad_json: () =>
    pool(400, 20, (i) => hit('bad_json', `${marathon}/v2/apps`, { method: 'POST', headers: json, body: `{"id": "/bad${i}", "cmd": ${'"'.repeat(i % 7)}` })),
  deep_json: () => pool(200, 10, () => hit('deep_json', `${marathon}/v2/apps`, { method: 'POST', headers: json, body: nested(400_000) })),
  deep_json_object: () =>
    pool(100, 10, () =>
      hit('deep_json_object', `${marathon}/v2/apps`, { method: 'POST', headers: json, body: '{"a":'.repeat(150_000) + '1' + '}'.repeat(150_000) }),
    ),
  huge_query: () => pool(300, 20, () => hit('huge_query', `${master}/master/state?${longQuery(100_000)}`)),
  long_query: () => pool(300, 20, () => hit('long_query', `${master}/master/state-summary?${longQuery(12_000)}`)),
  many_params: () => pool(300, 20, (i) => hit('many_params', `${master}/master/tasks?${manyParams(1_000, salt + i)}`)),
  odd_state_params: () =>
    pool(600, 20, (i) => {
      const odd = [`jsonp=cb${i}`, `jsonp=${'a'.repeat(5000)}`, 'jsonp[]=a&jsonp[]=b', `limit=${i}`, 'limit=-1&offset=9e99', `framework_id=${salt + i}`, 'order=sideways', `task_id=${'%00'.repeat(200)}`];
      const paths = ['/master/state', '/master/tasks', '/master/frameworks', '/master/slaves', '/state', '/master/state-summary'];
      return hit('odd_state_params', `${master}${paths[i % paths.length]}?${odd[i % odd.length]}`);
    }),
  odd_files_params: () =>
    pool(800, 20, (i) => {
      const odd = [
        `path=/nonexistent/${salt + i}&offset=0&length=100`,
        `path=../../../../etc/passwd&offset=0`,
        `path=/frameworks/x/executors/y/runs/latest/stdout&offset=${i}&length=999999999999`,
        `path=${'/a'.repeat(3000)}`,
        `path=/&offset=-5`,
        'path=%00&length=abc',
        `offset=1&length=1`,
        `path=${encodeURIComponent('\u0000'.repeat(100))}`,
      ];
      const route = ['/files/read', '/files/browse', '/files/download'][i % 3];
      return hit('odd_files_params', `${agent}${route}?${odd[i % odd.length]}`);
    }),
  unique_unknown_paths: () =>
    pool(400, 20, (i) => hit('unique_unknown_paths', `${[master, agent, marathon][i % 3]}/unknown/${salt + i}/${'z'.repeat(i % 500)}`)),
  unique_app_ids: () => pool(200, 20, (i) => hit('unique_app_ids', `${marathon}/v2/apps/nope-${salt + i}`)),
};

if (onlyKind !== undefined && !(onlyKind in kinds)) {
  console.error(`unknown kind '${onlyKind}'; kinds: ${Object.keys(kinds).join(', ')}`);
  process.exit(2);
}
for (const [kind, run] of Object.entries(kinds)) if (onlyKind === undefined || kind === onlyKind) await run();
const total = Object.values(statuses).reduce((n, s) => n + Object.values(s).reduce((a, b) => a + b, 0), 0);
console.log(JSON.stringify({ total, statuses }));
