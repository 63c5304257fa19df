/**
 * `npm run bench:adminrouter`: what going through Admin Router costs. The master's Admin Router runs in this process
 * as it does in `minidc start` (auth enabled: every request carries a login token), in front of (1) a master of
 * 100 simulated agents and 1,200 running tasks, for `/master/state-summary` under BENCH_CLIENTS (default 50)
 * keep-alive clients for BENCH_SECONDS (default 10) s, directly and as `/mesos/master/state-summary`; and (2) a
 * diagnostics stand-in serving a 1 GB bundle (BENCH_DOWNLOAD_MB) at `/system/health/v1/diagnostics/<bundle>`,
 * downloaded directly and through the same location a bundle download takes. Clients run in child processes so
 * their work does not share the proxy's event loop.
 *
 * Each part also goes through a bare `node:http` proxy in this process (keep-alive agent, `pipe` both ways, no
 * routing, auth or headers): the floor any node proxy has on this machine, so the Admin Router's own cost is the
 * gap between the two. BENCH_WAYS (e.g. `direct,adminrouter`) picks the ways to run.
 *
 * Prints req/s, p50/p99 and this process's CPU per request (its idle CPU subtracted: the simulated master's timers
 * would otherwise count more per request the fewer requests a loaded machine lets through) per way and the ratio, then download throughput (MB/s) and this process's RSS before
 * and after each download. Targets (issue 12): ≥ 0.8× direct req/s, ≥ 0.9× download throughput, RSS flat.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AdminRouter } from '../runtime/adminrouter/adminrouter.ts';
import { authDirOf } from '../runtime/adminrouter/auth/auth-dir.ts';
import { createAdminRouterAuth, DEFAULT_TOKEN_LIFETIME_MS } from '../runtime/adminrouter/auth/jwt-auth.ts';
import { loadSigningKeys } from '../runtime/adminrouter/auth/signing-keys.ts';
import { TokenIssuer } from '../runtime/adminrouter/auth/token-issuer.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../runtime/master/http/master-http-plugin.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import type { LoadResult } from './http-load-client.ts';
import { startSimulatedMaster } from './support/simulated-master.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DOWNLOAD_MB = Number(process.env.BENCH_DOWNLOAD_MB ?? 1024);
const WAYS = new Set((process.env.BENCH_WAYS ?? 'direct,bare,adminrouter').split(','));
const MB = 1024 * 1024;

const execFileAsync = promisify(execFile);
const loadClient = fileURLToPath(new URL('./http-load-client.ts', import.meta.url));

// A child that downloads URL with the given header, discarding the bytes; prints {"status","bytes","seconds"}.
const DOWNLOADER = `
import http from 'node:http';
const [url, name, value] = process.argv.slice(1);
const started = performance.now();
http.get(url, { headers: name ? { [name]: value } : {} }, (res) => {
  let bytes = 0;
  res.on('data', (c) => (bytes += c.length));
  res.on('end', () => console.log(JSON.stringify({ status: res.statusCode, bytes, seconds: (performance.now() - started) / 1000 })));
});`;

const sim = await startSimulatedMaster({ agents: 100, tasksPerAgent: 12, allocationIntervalMs: 1000 });
const masterApp = createHttpServer();
await masterApp.register(masterHttpPlugin, { master: () => sim.master, flags: { cluster: 'bench' } });
const master = await listenHttp(masterApp, '127.0.0.1', 0);

// The bundle: DOWNLOAD_MB of 1 MiB chunks written as fast as the reader takes them.
const chunk = Buffer.alloc(MB, 0x5a);
const bundleServer = http.createServer(async (req, res) => {
  res.writeHead(200, { 'content-type': 'application/zip', 'content-length': String(DOWNLOAD_MB * MB) });
  for (let i = 0; i < DOWNLOAD_MB; i++) if (!res.write(chunk)) await once(res, 'drain');
  res.end();
});
const diagnostics = await listenBare(bundleServer);

// The floor: a proxy with nothing but node:http, to the master or the bundle server by path.
const bareAgent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const bareProxy = http.createServer((req, res) => {
  const base = new URL(req.url!.startsWith('/mesos/') ? master.url : diagnostics);
  const path = req.url!.startsWith('/mesos/') ? req.url!.slice('/mesos'.length) : req.url!;
  const upstream = http.request({ host: base.hostname, port: base.port, path, method: req.method, headers: req.headers, agent: bareAgent }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  req.pipe(upstream);
});
const bare = await listenBare(bareProxy);

const dataDir = await mkdtemp(join(tmpdir(), 'minidc-bench-ar-'));
const auth = await createAdminRouterAuth({ dataDir });
const token = await new TokenIssuer(await loadSigningKeys(authDirOf(dataDir)), DEFAULT_TOKEN_LIFETIME_MS, systemTime).issue('bench');
const router = new AdminRouter({
  flavour: 'master',
  upstreams: { endpoint: (name) => (name === 'diagnostics' ? diagnostics : undefined), leadingMaster: () => master.url, agents: () => [] },
  auth,
});
const routerApp = await router.server();
const { url: ar } = await listenHttp(routerApp, '127.0.0.1', 0);

const ways = [
  { way: 'direct', base: master.url, prefix: '', headers: [] as string[] },
  { way: 'bare', label: 'bare node:http proxy', base: bare, prefix: '/mesos', headers: [] as string[] },
  { way: 'adminrouter', label: 'through Admin Router', base: ar, prefix: '/mesos', headers: [`Authorization: token=${token}`] },
].filter(({ way }) => WAYS.has(way));

const [load1, load5] = loadavg();
console.log(`minidc bench:adminrouter — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`load average at start: ${load1!.toFixed(2)} (1 min), ${load5!.toFixed(2)} (5 min)`);
console.log(`master: 100 simulated agents, ${sim.running.size} running tasks; ${CLIENTS} keep-alive clients for ${SECONDS} s per way; Admin Router auth on`);
// This process's CPU while idle (the simulated master's timers), so CPU µs/req counts only serving requests.
const idleStart = process.cpuUsage();
await new Promise((resolve) => setTimeout(resolve, 2000));
const idleCpuPerSecond = cpuMicros(process.cpuUsage(idleStart)) / 2;
console.log(`idle CPU of this process: ${(idleCpuPerSecond / 10_000).toFixed(1)}% of a core (subtracted from CPU µs/req)`);
console.log('/master/state-summary        req/s     p50 ms     p99 ms     max ms  errors  CPU µs/req');
const rates = new Map<string, number>();
for (const { way, label, base, prefix, headers } of ways) {
  const cpuBefore = process.cpuUsage();
  const args = ['--import', 'tsx', loadClient, `${base}${prefix}/master/state-summary`, String(CLIENTS), String(SECONDS), ...headers];
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  const serving = cpuMicros(process.cpuUsage(cpuBefore)) - idleCpuPerSecond * r.seconds;
  rates.set(way, r.requests / r.seconds);
  console.log(
    `${(label ?? way).padEnd(24)} ${(r.requests / r.seconds).toFixed(0).padStart(9)} ${r.p50_ms.toFixed(1).padStart(10)} ${r.p99_ms.toFixed(1).padStart(10)} ${r.max_ms.toFixed(1).padStart(10)} ${String(r.errors).padStart(7)} ${(serving / Math.max(1, r.requests + r.errors)).toFixed(0).padStart(11)}`,
  );
}
printRatios(rates, '0.8');

console.log(`\n${DOWNLOAD_MB} MB bundle download         MB/s    seconds   RSS before MB   RSS after MB`);
const throughputs = new Map<string, number>();
const bundle = '/system/health/v1/diagnostics/bundle-bench.zip';
for (const { way, label, base: through, headers } of ways) {
  const base = way === 'direct' ? diagnostics : through;
  const before = process.memoryUsage().rss;
  const header = headers[0]?.split(': ') ?? [];
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', DOWNLOADER, `${base}${bundle}`, ...header], { maxBuffer: 1 << 20 });
  const after = process.memoryUsage().rss;
  const d = JSON.parse(stdout) as { status: number; bytes: number; seconds: number };
  if (d.status !== 200 || d.bytes !== DOWNLOAD_MB * MB) throw new Error(`${way}: HTTP ${d.status}, ${d.bytes} bytes`);
  throughputs.set(way, d.bytes / MB / d.seconds);
  console.log(
    `${(label ?? way).padEnd(24)} ${(d.bytes / MB / d.seconds).toFixed(0).padStart(12)} ${d.seconds.toFixed(2).padStart(10)} ${(before / MB).toFixed(0).padStart(15)} ${(after / MB).toFixed(0).padStart(14)}`,
  );
}
printRatios(throughputs, '0.9');

await routerApp.close();
bareProxy.close();
bareAgent.destroy();
bundleServer.close();
await masterApp.close();
await sim.close();
await rm(dataDir, { recursive: true, force: true });

function listenBare(server: http.Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

function cpuMicros(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}

function printRatios(figures: Map<string, number>, target: string): void {
  const direct = figures.get('direct');
  if (direct === undefined) return;
  const of = (way: string) => (figures.has(way) ? `${(figures.get(way)! / direct).toFixed(2)}×` : 'n/a');
  console.log(`ratio to direct: Admin Router ${of('adminrouter')} (target ≥ ${target}×), bare node:http proxy ${of('bare')}`);
}
