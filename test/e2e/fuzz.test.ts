/**
 * Hostile input against a started cluster (`minidc start`, ephemeral ports): thousands of random and malformed
 * HTTP requests to every route of every surface in endpoints.json (random methods, garbage and encoded paths,
 * traversal, query strings, bodies of random shape, size and type), truncated and garbage requests over raw
 * sockets, and random UDP and TCP packets to the DNS ports (Mesos-DNS and every forwarder). Afterwards every unit
 * healthy before is healthy still, DNS still answers, and the cluster's RSS has stayed within a generous bound.
 *
 * The same random requests go through Admin Router: without a token every protected location must answer 401 and
 * nothing else (the upstream never answers), with the admin's token the findings are those of the direct surfaces.
 *
 * Findings: any 5xx not listed in DOCUMENTED_5XX, any response carrying a stack trace, any request neither answered
 * nor closed within BOUND_MS. The PRNG is seeded (FUZZ_SEED to replay); a failure prints the seed and the requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BODY_LIMIT } from '../../runtime/http/http-server.ts';
import { httpExchange, rawExchange, type Exchange } from '../support/bounded-exchange.ts';
import { ADMINROUTER_ROUTES, randomRequest, ROUTES, type FuzzRequest } from '../support/fuzz-requests.ts';
import { endpointsOf, eventually, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';
import { SeededRandom } from '../support/seeded-random.ts';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 32));
const HTTP_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 4000);
/** Each of the two Admin Router runs (without a token, with one). */
const ADMINROUTER_REQUESTS = Number(process.env.FUZZ_ADMINROUTER_REQUESTS ?? 1500);
const RAW_REQUESTS = 400;
const DNS_PACKETS = 3000;
const CONCURRENCY = 24;
/** A request must be answered or closed within this long: far above any route's work, far below a hang. */
const BOUND_MS = 20_000;
/** RSS may grow this much over the fuzzing (caches, JIT, a bundle or two), no more. */
const RSS_GROWTH_BOUND_MB = 400;

/** The 5xx a surface answers by design, as the component it rebuilds does (README, "Hardening and limits"). */
const DOCUMENTED_5XX: { route: RegExp; status: number; why: string }[] = [
  { route: /^\/v1\/hosts\/[^?]*\/ports(\?|$)/, status: 501, why: "Mesos-DNS's own \"To be implemented...\"" },
  {
    route: /^\/system\/health\/v1\/(units|nodes|report)(\/|\?|$)/,
    status: 503,
    why: 'dcos-diagnostics: the cluster views on an agent ("not started with -pull flag"), or no fresh pull in time on the master',
  },
  { route: /^\/system\/health\/v1\/report\/diagnostics\/cancel(\?|$)/, status: 503, why: 'dcos-diagnostics: "Job is not running", and on an agent "not implemented"' },
];

const STACK_TRACE = /\n\s+at \S+ \(|\bat (?:file:\/\/|node:internal|\/[\w./-]+\.ts:\d+)/;

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;
let healthyBefore: Map<string, Set<string>>;
let rssBeforeMb: number;
let token: string;

console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to replay)`);

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-fuzz-'));
  run = startMinidc(['--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--no-sample']);
  endpoints = await endpointsOf(run, join(dir, 'data'), 60_000, (f) =>
    f.nodes.every((n) => n.endpoints.diagnostics !== undefined && n.endpoints.metrics !== undefined && n.endpoints.adminrouter !== undefined && n.id !== '') &&
    ['marathon', 'mesos_dns', 'history', 'dns'].every((e) => f.nodes[0]!.endpoints[e] !== undefined),
  );
  // Every unit of every node healthy first (or as healthy as it gets within the wait), so "healthy after" means something.
  healthyBefore = await eventually('every unit healthy', async () => {
    const healthy = await healthyUnits();
    const all = [...healthy.values()].every((set, i) => set.size === endpoints.nodes[i]!.units.length);
    return all ? healthy : undefined;
  }, 60_000).catch(() => healthyUnits());
  rssBeforeMb = await rssMb();
  token = await adminToken();
});

after(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await rm(dir, { recursive: true, force: true });
});

test('random and malformed requests to every route of every surface: no undocumented 5xx, no stack trace, no hang', { timeout: 120_000 }, async () => {
  const targets = endpoints.nodes.flatMap((node) =>
    Object.entries(node.endpoints).flatMap(([name, base]) => {
      const routes = name === 'mesos' ? ROUTES[node.role === 'master' ? 'master' : 'agent'] : ROUTES[name];
      return routes ? routes.map((route) => ({ base, route })) : [];
    }),
  );
  const rng = new SeededRandom(SEED);
  const findings = await fuzz(HTTP_REQUESTS, () => {
    const { base, route } = rng.pick(targets);
    return { base, request: randomRequest(rng, route) };
  }, ({ base, request }) => httpExchange(base, request, BOUND_MS), ({ request }, e) => judge(request.target, e));
  assert.deepEqual(findings, [], `seed ${SEED}: ${findings.length} finding(s)`);
});

test('through the master\'s Admin Router without a token: every protected location answers 401 and nothing else', { timeout: 120_000 }, async () => {
  const master = endpoints.nodes[0]!;
  const agentIds = endpoints.nodes.filter((n) => n.role !== 'master').map((n) => n.id);
  const rng = new SeededRandom(SEED ^ 0xa401);
  const findings = await fuzz(ADMINROUTER_REQUESTS, () => ({ base: master.endpoints.adminrouter!, request: randomRequest(rng, withAgent(rng, rng.pick(ADMINROUTER_ROUTES.master.protected), agentIds)) }),
    ({ base, request }) => httpExchange(base, request, BOUND_MS), ({ request }, e) => {
      const why = judge(request.target, e);
      if (why !== undefined || e.status === undefined || e.status === 401) return why;
      // Outside every location (`/./mesos//x`: Admin Router does not merge slashes or dot segments) its own 4xx.
      // A `#` ends the path for the server as it would for a browser: what follows is no part of the location.
      if (!PROTECTED_LOCATION.test(request.target.split('#', 1)[0]!)) return e.status >= 400 && e.status < 500 ? undefined : `HTTP ${e.status} outside every location`;
      return refusedBeforeRouting(request, e) ? undefined : `HTTP ${e.status} without a token (401 expected): ${e.body.slice(0, 200)}`;
    });
  assert.deepEqual(findings, [], `seed ${SEED}: ${findings.length} finding(s)`);
});

test('through every Admin Router with the admin\'s token: no undocumented 5xx, no stack trace, no hang', { timeout: 120_000 }, async () => {
  const agentIds = endpoints.nodes.filter((n) => n.role !== 'master').map((n) => n.id);
  const targets = endpoints.nodes.flatMap((node) => {
    const { protected: guarded, open } = ADMINROUTER_ROUTES[node.role === 'master' ? 'master' : 'agent'];
    return [...guarded, ...open].map((route) => ({ base: node.endpoints.adminrouter!, route }));
  });
  const rng = new SeededRandom(SEED ^ 0xa200);
  const findings = await fuzz(ADMINROUTER_REQUESTS, () => {
    const { base, route } = rng.pick(targets);
    const request = randomRequest(rng, withAgent(rng, route, agentIds));
    request.headers.authorization = `token=${token}`;
    return { base, request };
  }, ({ base, request }) => httpExchange(base, request, BOUND_MS), ({ request }, e) => (upstreamRefusedBody(request, e) ? undefined : judge(upstreamTarget(request.target), e)));
  assert.deepEqual(findings, [], `seed ${SEED}: ${findings.length} finding(s)`);
});

test('truncated and garbage requests over raw sockets: answered or closed, never a 5xx or a hang', { timeout: 60_000 }, async () => {
  const servers = endpoints.nodes.flatMap((n) => Object.entries(n.endpoints).filter(([, v]) => v.startsWith('http://')).map(([, v]) => new URL(v)));
  const rng = new SeededRandom(SEED ^ 0x5eed);
  const findings = await fuzz(RAW_REQUESTS, () => ({ url: rng.pick(servers), bytes: rawRequest(rng) }), ({ url, bytes }) =>
    rawExchange(url.hostname, Number(url.port), bytes, BOUND_MS), ({ bytes }, e) => judge(bytes.toString('latin1').slice(0, 200), e));
  assert.deepEqual(findings, [], `seed ${SEED}: ${findings.length} finding(s)`);
});

test('random UDP and TCP packets to every DNS port: every server still answers a query afterwards', { timeout: 60_000 }, async () => {
  const servers = endpoints.nodes.flatMap((n) => [n.endpoints.dns, n.endpoints.dns_forwarder].filter((a): a is string => a !== undefined)).map(hostPort);
  const rng = new SeededRandom(SEED ^ 0xd25);
  const udp = createSocket('udp4');
  for (let i = 0; i < DNS_PACKETS; i++) {
    const { host, port } = rng.pick(servers);
    await new Promise<void>((resolve) => udp.send(dnsPacket(rng), port, host, () => resolve()));
  }
  udp.close();
  const findings = await fuzz(300, () => ({ ...rng.pick(servers), bytes: tcpDnsStream(rng) }), ({ host, port, bytes }) =>
    tcpExchange(host, port, bytes), ({ host, port }, e) => (e.hung ? `TCP ${host}:${port}: neither answered nor closed within ${BOUND_MS} ms` : undefined));
  assert.deepEqual(findings, []);
  for (const { host, port } of servers) {
    const resolver = new Resolver({ timeout: 2000, tries: 3 });
    resolver.setServers([`${host}:${port}`]);
    const answer = await eventually(`leader.mesos from ${host}:${port}`, () => resolver.resolve4('leader.mesos'), 15_000);
    assert.ok(answer.length > 0, `${host}:${port}`);
  }
});

test('afterwards: every unit healthy before is healthy, the cluster process runs, its RSS stayed bounded', { timeout: 90_000 }, async () => {
  assert.equal(run!.child.exitCode, null, run!.output());
  const now = await eventually('every unit healthy again', async () => {
    const healthy = await healthyUnits();
    return [...healthyBefore].every(([ip, units]) => [...units].every((u) => healthy.get(ip)?.has(u))) ? healthy : undefined;
  }, 60_000).catch(() => healthyUnits());
  for (const [ip, units] of healthyBefore) assert.deepEqual([...units].filter((u) => !now.get(ip)?.has(u)), [], `${ip}: units no longer healthy`);
  const rss = await rssMb();
  console.log(`cluster RSS ${rssBeforeMb.toFixed(0)} MB before fuzzing, ${rss.toFixed(0)} MB after`);
  assert.ok(rss - rssBeforeMb < RSS_GROWTH_BOUND_MB, `RSS grew from ${rssBeforeMb.toFixed(0)} MB to ${rss.toFixed(0)} MB`);
});

/** Runs `count` generated cases CONCURRENCY at a time; returns one line per finding (case index, request, why). */
async function fuzz<C>(count: number, generate: () => C, send: (c: C) => Promise<Exchange>, verdict: (c: C, e: Exchange) => string | undefined): Promise<string[]> {
  const findings: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      // Generated as it is taken, in index order, so case N is the same whatever the scheduling.
      const c = generate();
      const why = verdict(c, await send(c));
      if (why !== undefined && findings.length < 25) findings.push(`#${index} ${why} — ${describe(c)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return findings;
}

function judge(what: string, e: Exchange): string | undefined {
  if (e.hung) return `no answer within ${BOUND_MS} ms: ${what}`;
  if (STACK_TRACE.test(e.body)) return `stack trace in the response (${e.status}): ${e.body.slice(0, 300)}`;
  if (e.status !== undefined && e.status >= 500 && !DOCUMENTED_5XX.some((d) => d.status === e.status && d.route.test(what)))
    return `HTTP ${e.status} ${e.body.slice(0, 200)}`;
  return undefined;
}

function describe(c: unknown): string {
  const r = (c as { request?: FuzzRequest }).request;
  if (r) return `${r.method} ${(c as { base: string }).base}${r.target.slice(0, 300)} ${JSON.stringify(r.headers)} body ${r.body === undefined ? 'none' : `${r.body.length} B ${JSON.stringify(r.body.subarray(0, 120).toString('latin1'))}`}`;
  const b = (c as { bytes?: Buffer }).bytes;
  return JSON.stringify(b?.subarray(0, 200).toString('latin1'));
}

/** A token for the first admin `minidc start` made, from the login route as a user gets one. */
async function adminToken(): Promise<string> {
  const credential = await readFile(join(dir, 'data', 'auth', 'admin-credential.json'), 'utf8');
  const res = await fetch(`${endpoints.nodes[0]!.endpoints.adminrouter}/acs/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: credential,
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(res.status, 200);
  return ((await res.json()) as { token: string }).token;
}

/** An Admin Router route with `:agent` filled by a real agent id half the time (else the generator's random one). */
function withAgent(rng: SeededRandom, route: string, agentIds: string[]): string {
  return rng.chance(0.5) ? route.replace(':agent', rng.pick(agentIds)) : route;
}

/**
 * Requests no location is chosen for, so there is nothing to guard: the parser refused the bytes (a GET body without
 * framing, `HPE_*`), the target is not a decodable URL, too long, or the method is one the router does not know.
 */
function refusedBeforeRouting(request: FuzzRequest, e: Exchange): boolean {
  // A HEAD answer has no body to say why; its GET twin says it.
  if (e.status === 400) return /"FST_ERR_BAD_URL"|"Bad Request: HPE_/.test(e.body) || (request.method === 'HEAD' && e.body === '');
  if (e.status === 404) return !PROXIED_METHODS.includes(request.method) && e.body.startsWith(`{"message":"Not found: ${request.method} `);
  return e.status === 414;
}

/** A target the router puts in a protected location of the master's Admin Router (master-locations.ts). */
const PROTECTED_LOCATION = /^\/(mesos|marathon|service\/marathon|dcos-history-service|mesos_dns|system\/v1\/metrics|system\/v1\/agent\/[^/?]*)\/|^\/system\/health\/v1([/?]|$)/;

/** What @fastify/http-proxy routes (its default methods). */
const PROXIED_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

/**
 * A 502 that is the upstream's doing, documented in README's hardening section: a body over the upstreams' 1 MiB
 * limit gets their 413 with `Connection: close`, and they close without reading the rest, so Admin Router's write
 * fails (EPIPE/ECONNRESET, RFC 9112 §9.6's "TCP reset problem") before it has read their answer.
 */
function upstreamRefusedBody(request: FuzzRequest, e: Exchange): boolean {
  return e.status === 502 && (request.body?.length ?? 0) > DEFAULT_BODY_LIMIT && /did not answer \((write EPIPE|read ECONNRESET|write ECONNRESET|other side closed)/.test(e.body);
}

/** The target an upstream sees behind Admin Router's location prefix, for DOCUMENTED_5XX (written per surface). */
function upstreamTarget(target: string): string {
  return target.replace(/^\/(mesos_dns|mesos|service\/marathon|marathon|dcos-history-service|system\/v1\/metrics)(?=[/?]|$)/, '');
}

/** Every node's healthy units (health 0 in its own `/system/health/v1`), by node IP. */
async function healthyUnits(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const node of endpoints.nodes) {
    const res = await fetch(`${node.endpoints.diagnostics}/system/health/v1`, { signal: AbortSignal.timeout(10_000) });
    const { units } = (await res.json()) as { units: { id: string; health: number }[] };
    out.set(node.ip, new Set(units.filter((u) => u.health === 0).map((u) => u.id)));
  }
  return out;
}

async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${run!.child.pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Requests an HTTP parser must refuse or answer: truncated, garbage, smuggling-shaped, oversized heads. */
function rawRequest(rng: SeededRandom): Buffer {
  const path = rng.pick(['/', '/master/state', '/v2/apps', '/system/health/v1', '/v1/fault', '/metrics', '/vips', '/history/last']);
  switch (rng.int(0, 9)) {
    case 0:
      return rng.bytes(rng.int(1, 2000));
    case 1:
      return Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${rng.int(10, 100000)}\r\n\r\n{"id":`);
    case 2:
      return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\nX-Half: ${'a'.repeat(rng.int(0, 100))}`);
    case 3:
      return Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n${rng.pick(['zz', 'ffffffffffffffff', '5\r\n{"a":', '-1', '3\r\nabc\r\n0'])}\r\n`);
    case 4:
      return Buffer.from(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /x HTTP/1.1\r\n\r\n`);
    case 5:
      return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n${'X-Many: y\r\n'.repeat(rng.int(100, 3000))}\r\n`);
    case 6:
      return Buffer.from(`${rng.pick(['GET', 'G\0T', 'PRI', '', 'get'])} ${rng.pick([path, '*', 'http://evil/', '/%', path + '\0'])} ${rng.pick(['HTTP/1.1', 'HTTP/9.9', 'HTTP/1.1 extra', ''])}\r\nHost: x\r\n\r\n`);
    case 7:
      return Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    case 8:
      return Buffer.from(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(rng.int(2, 50)));
    default:
      return Buffer.from(`GET ${path}?${'a=1&'.repeat(rng.int(1, 5000))} HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n`);
  }
}

/** A DNS message: a random mutation of a well-formed query, or random bytes. */
function dnsPacket(rng: SeededRandom): Buffer {
  if (rng.chance(0.3)) return rng.bytes(rng.int(0, 600));
  const name = rng.pick(['leader.mesos', 'master.mesos', 'marathon.mesos', '_marathon._tcp.marathon.mesos', 'x.y.z.mesos', 'example.com', 'a'.repeat(63) + '.mesos']);
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const header = Buffer.from([rng.int(0, 255), rng.int(0, 255), rng.pick([0x01, 0x00, 0x81, 0xff, 0x78]), rng.pick([0x00, 0x20, 0xff]), 0, rng.pick([1, 0, 2, 255]), 0, rng.pick([0, 1]), 0, 0, 0, rng.pick([0, 1])]);
  const question = Buffer.concat([...labels, Buffer.from([0]), Buffer.from([0, rng.pick([1, 28, 33, 255, 252, 0, 41]), 0, rng.pick([1, 3, 255])])]);
  const packet = Buffer.concat([header, question]);
  // Flip bytes, cut the end, or point a compression pointer at itself.
  for (let i = rng.int(0, 3); i > 0; i--) packet[rng.int(0, packet.length - 1)] = rng.int(0, 255);
  if (rng.chance(0.2)) return Buffer.concat([packet.subarray(0, 12), Buffer.from([0xc0, 12])]);
  return rng.chance(0.3) ? packet.subarray(0, rng.int(0, packet.length)) : packet;
}

/** What a TCP DNS client might send (RFC 7766 two-byte length frames): good frames, lying lengths, garbage. */
function tcpDnsStream(rng: SeededRandom): Buffer {
  const parts: Buffer[] = [];
  for (let i = rng.int(1, 5); i > 0; i--) {
    const msg = dnsPacket(rng);
    const length = rng.chance(0.7) ? msg.length : rng.int(0, 65535);
    parts.push(Buffer.from([length >> 8, length & 0xff]), msg);
  }
  return Buffer.concat(parts);
}

/** Writes a TCP DNS stream, half-closes, and waits for the server to close its side (answers are not judged). */
function tcpExchange(host: string, port: number, bytes: Buffer): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ body: '', hung: true });
    }, BOUND_MS);
    const done = () => {
      clearTimeout(timer);
      resolve({ body: '', hung: false });
    };
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('error', done);
    socket.on('close', done);
  });
}
