/**
 * Random and malformed HTTP requests for the fuzz test: every route of every minidc surface (by endpoint name in
 * endpoints.json), with path parameters, query strings, methods, bodies and content types drawn from a seeded PRNG.
 * The route list is written out here from the surfaces' plugins (fastify's route table is not reachable from
 * outside a process); a route missing here is still hit by the random paths and suffixes.
 */
import type { SeededRandom } from './seeded-random.ts';

/** Paths per endpoint name; `:name` and `*` are parameters the generator fills. */
export const ROUTES: Record<string, readonly string[]> = {
  master: [
    ...['state', 'state-summary', 'slaves', 'frameworks', 'tasks', 'roles', 'flags', 'health', 'redirect'].flatMap((p) => [`/master/${p}`, `/${p}`]),
    '/version',
    '/metrics/snapshot',
  ],
  agent: [
    ...['state', 'flags', 'health', 'containers'].flatMap((p) => [`/${p}`, `/slave(1)/${p}`]),
    '/version',
    '/metrics/snapshot',
    '/files/browse',
    '/files/read',
    '/files/download',
  ],
  marathon: [
    '/ping', '/v2/info', '/v2/leader', '/v2/apps', '/v2/apps/*', '/v2/apps/*/restart', '/v2/apps/*/tasks', '/v2/tasks',
    '/v2/tasks/delete', '/v2/deployments', '/v2/deployments/:id', '/v2/groups', '/v2/groups/*', '/v2/queue', '/v2/events',
    '/metrics', '/metrics/snapshot',
  ],
  mesos_dns: ['/v1/version', '/v1/config', '/v1/hosts/:host', '/v1/hosts/:host/ports', '/v1/services/:service', '/v1/axfr', '/v1/enumerate'],
  dns_forwarder_api: ['/v1/metrics', '/v1/fault', '/metrics/snapshot'],
  l4lb: ['/vips', '/vip/:vip', '/metrics', '/metrics/snapshot'],
  history: ['/', '/ping', '/history/last', '/history/minute', '/history/hour', '/history/day'],
  metrics: ['/metrics'],
  diagnostics: [
    '/system/health/v1', '/system/health/v1/timers', '/system/health/v1/units', '/system/health/v1/units/:unitid',
    '/system/health/v1/units/:unitid/nodes', '/system/health/v1/units/:unitid/nodes/:nodeid', '/system/health/v1/nodes',
    '/system/health/v1/nodes/:nodeid', '/system/health/v1/nodes/:nodeid/units', '/system/health/v1/nodes/:nodeid/units/:unitid',
    '/system/health/v1/report', '/system/health/v1/report/download',
    '/system/health/v1/diagnostics', '/system/health/v1/diagnostics/:id', '/system/health/v1/diagnostics/:id/file',
    '/system/health/v1/node/diagnostics', '/system/health/v1/node/diagnostics/:id', '/system/health/v1/node/diagnostics/:id/file',
    ...['create', 'cancel', 'status', 'status/all', 'list', 'list/all', 'serve/:file', 'delete/:file'].map((p) => `/system/health/v1/report/diagnostics/${p}`),
    '/system/v1/logs/v1/range/', '/system/v1/logs/v1/range',
  ],
};

/**
 * The Admin Router locations (runtime/adminrouter/master-locations.ts, agent-locations.ts), each a prefix before
 * the routes of the surface it leads to: `protected` ones answer 401 without a token, the `open` ones never ask.
 * `:agent` is an agent's Mesos id, which the test fills in (a random one is only ever a 404).
 */
const withPrefix = (prefix: string, surface: string): string[] => ROUTES[surface]!.map((route) => `${prefix}${route}`);
const NODE_LOCATIONS = [...ROUTES.diagnostics!, ...withPrefix('/system/v1/metrics', 'metrics')];
export const ADMINROUTER_ROUTES = {
  master: {
    protected: [
      ...withPrefix('/mesos', 'master'), ...withPrefix('/marathon', 'marathon'), ...withPrefix('/service/marathon', 'marathon'),
      ...withPrefix('/dcos-history-service', 'history'), ...withPrefix('/mesos_dns', 'mesos_dns'), ...NODE_LOCATIONS,
      '/system/v1/agent/:agent/metrics/metrics', '/system/v1/agent/:agent/dcos-metadata/dcos-version.json', '/system/v1/agent/:agent/logs/v1/range',
    ],
    open: ['/dcos-metadata/dcos-version.json', '/marathon', '/service/marathon', '/acs/api/v1/auth/login'],
  },
  agent: { protected: [] as string[], open: [...NODE_LOCATIONS, '/dcos-metadata/dcos-version.json'] },
};

export interface FuzzRequest {
  method: string;
  /** Request target as sent: path and query string, bytes 0x21–0xff only (what node's client lets through). */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PROPFIND', 'M-SEARCH'];

/** Segments known to trip path handling: traversal (plain, encoded, overlong UTF-8), NULs, CRLF, huge numbers. */
const NASTY_SEGMENTS = [
  '..', '.', '..%2f..%2f..%2fetc%2fpasswd', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..%5c..%5cwindows', '%c0%ae%c0%ae%c0%af',
  '%00', 'a%00b', '%ff%fe', '%', '%zz', '%u002e', '%0d%0aX-Injected:%201', '-1', '0', '99999999999999999999999', '1e400',
  'NaN', 'null', 'true', '[]', '{}', '<script>', "'", '"', '$(id)', '`id`', '~root', 'slave(1)', 'web', 'dcos-mesos-master.service',
  'dcos-mesos-master.service.%2e%2e', '127.0.1.1', '127.0.1.1:80', '[::1]:80', ':', ':80', 'bundle-2026-01-01-1.zip',
  '..%252f..%252f', 'ı', '%e2%80%ae', '\u00e9', 'x'.repeat(300), 'a'.repeat(3000),
];

const QUERY_KEYS = [
  'jsonp', 'limit', 'offset', 'length', 'order', 'framework_id', 'task_id', 'slave_id', 'path', 'embed', 'cmd', 'label', 'id',
  'status', 'force', 'scale', 'wipe', 'partialUpdate', 'host', 'cache', 'start', 'end', 'from', 'to', 'event_type', 'plain',
  'tail', 'since', 'unit', 'node', '__proto__', 'constructor',
];

const CONTENT_TYPES = [
  'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/x-protobuf', 'application/json; charset=utf-7', 'garbage/../x', ';;;', '',
];

const JSON_KEYS = ['id', 'cmd', 'args', 'instances', 'cpus', 'mem', 'container', 'portDefinitions', 'healthChecks', 'constraints', 'env', 'labels', 'hang', 'type', 'value', 'ids', 'apps', '__proto__', 'constructor', ''];

/** One random request to `route` (a template from ROUTES). */
export function randomRequest(rng: SeededRandom, route: string): FuzzRequest {
  const method = rng.pick(METHODS);
  let path = route.replace(/:[a-z]+|\*/g, () => randomSegment(rng));
  if (rng.chance(0.15)) path += rng.pick(['/', '//', '/..', '/../..', '/%2e%2e', `/${randomSegment(rng)}`, '%00', '.json', ';x=1']);
  if (rng.chance(0.05)) path = path.replace(/\//g, () => rng.pick(['/', '//', '/./', '%2f']));
  const query = rng.chance(0.5) ? `?${randomQuery(rng)}` : '';
  const headers: Record<string, string> = {};
  let body: Buffer | undefined;
  if (rng.chance(method === 'GET' || method === 'HEAD' ? 0.15 : 0.85)) {
    body = randomBody(rng);
    const type = rng.pick(CONTENT_TYPES);
    if (type !== '') headers['content-type'] = type;
  } else if (rng.chance(0.2)) headers['content-type'] = rng.pick(CONTENT_TYPES);
  if (rng.chance(0.1)) headers['accept-encoding'] = rng.pick(['gzip', 'br', 'deflate', 'identity;q=0', '*;q=0', 'gzip;q=garbage']);
  if (rng.chance(0.05)) headers.range = rng.pick(['bytes=0-', 'bytes=-1', 'bytes=99999999999-', 'bytes=5-1', 'garbage']);
  // The forwarder's fault switch must stay off: a hung forwarder is a documented state, not a finding.
  if (route.endsWith('/v1/fault') && body !== undefined && /hang/.test(body.toString('latin1'))) body = Buffer.from('{"hang":false}');
  return { method, target: toTarget(path + query), headers, ...(body === undefined ? {} : { body }) };
}

function randomSegment(rng: SeededRandom): string {
  switch (rng.int(0, 3)) {
    case 0:
      return rng.pick(NASTY_SEGMENTS);
    case 1:
      return [...rng.bytes(rng.int(1, 40))].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    case 2:
      return randomText(rng, rng.int(0, 60));
    default:
      return `${rng.pick(NASTY_SEGMENTS)}/${randomText(rng, rng.int(1, 10))}`;
  }
}

function randomQuery(rng: SeededRandom): string {
  if (rng.chance(0.1)) return randomText(rng, rng.int(1, 200));
  const parts: string[] = [];
  for (let i = rng.int(1, 6); i > 0; i--) {
    const key = rng.chance(0.85) ? rng.pick(QUERY_KEYS) : randomSegment(rng);
    parts.push(rng.chance(0.1) ? key : `${key}=${rng.chance(0.5) ? randomSegment(rng) : rng.pick(['1', '-1', '0', 'true', 'True', 'x', '', '1.5', '1e9', '%00', '999999999999'])}`);
  }
  return parts.join(rng.chance(0.9) ? '&' : ';');
}

function randomBody(rng: SeededRandom): Buffer {
  switch (rng.int(0, 7)) {
    case 0:
    case 1:
      return Buffer.from(JSON.stringify(randomJson(rng, 0)));
    case 2: {
      const text = JSON.stringify(randomJson(rng, 0));
      return Buffer.from(text.slice(0, rng.int(0, Math.max(0, text.length - 1))));
    }
    case 3:
      return rng.bytes(rng.int(0, 4096));
    case 4: {
      const depth = rng.int(50, 5000);
      return Buffer.from(rng.chance(0.5) ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    }
    case 5:
      // Over the 1 MiB body limit every surface has.
      return Buffer.alloc(rng.int(1024 * 1024 + 1, 3 * 1024 * 1024), rng.pick(['{', 'a', ' ', '[']));
    case 6:
      return Buffer.from(rng.pick(['', 'null', '0', '"x"', '[]', '{}', '1e999', '{"id":"/web","cmd":null}', '{"__proto__":{"polluted":1}}', '\ufeff{}', '{"a":1}{"b":2}']));
    default:
      return Buffer.from(randomText(rng, rng.int(0, 500)));
  }
}

function randomJson(rng: SeededRandom, depth: number): unknown {
  const kind = depth > 4 ? rng.int(0, 3) : rng.int(0, 5);
  switch (kind) {
    case 0:
      return rng.pick([null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 1:
      return rng.int(-1e9, 1e9);
    case 2:
      return rng.chance(0.5) ? rng.pick(NASTY_SEGMENTS) : randomText(rng, rng.int(0, 40));
    case 3:
      return rng.pick(['', '/web', 'web', '/', 'x'.repeat(rng.int(0, 2000))]);
    case 4:
      return Array.from({ length: rng.int(0, 5) }, () => randomJson(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 6); i > 0; i--) out[rng.chance(0.8) ? rng.pick(JSON_KEYS) : randomText(rng, rng.int(0, 12))] = randomJson(rng, depth + 1);
      return out;
    }
  }
}

/** Printable and not-so-printable text: ASCII, control characters, and multi-byte characters. */
function randomText(rng: SeededRandom, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    out += r < 0.7 ? String.fromCharCode(rng.int(0x20, 0x7e)) : r < 0.85 ? String.fromCharCode(rng.int(0, 0x1f)) : String.fromCodePoint(rng.int(0x80, 0x2fff));
  }
  return out;
}

/** Percent-encodes what node's HTTP client refuses in a request target (control characters, space, above 0xff). */
function toTarget(raw: string): string {
  let out = '';
  for (const ch of raw) {
    const code = ch.codePointAt(0)!;
    out += code > 0x20 && code <= 0x7e ? ch : [...Buffer.from(ch)].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
  return out;
}
