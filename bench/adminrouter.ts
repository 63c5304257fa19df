/**
 * `npm run bench:adminrouter`: what going through Admin Router costs. The master's Admin Router runs in this process
 * as it does in `minidc start`, in front of (1) a master of 100 simulated agents and 1,200 running tasks, for
 * `/master/state-summary` under BENCH_CLIENTS (default 50) keep-alive clients for BENCH_SECONDS (default 10) s,
 * directly and as `/mesos/master/state-summary`; and (2) a diagnostics stand-in serving a 1 GB bundle
 * (BENCH_DOWNLOAD_MB) at `/system/health/v1/diagnostics/<bundle>`, downloaded directly and through the same location
 * a bundle download takes. Clients run in child processes so their work does not share the proxy's event loop.
 *
 * Prints req/s and p50/p99 per way and the ratio, then download throughput (MB/s) and this process's RSS before
 * and after each download. Targets (issue 12): ≥ 0.8× direct req/s, ≥ 0.9× download throughput, RSS flat.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AdminRouter } from '../runtime/adminrouter/adminrouter.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../runtime/master/http/master-http-plugin.ts';
import type { LoadResult } from './http-load-client.ts';
import { startSimulatedMaster } from './support/simulated-master.ts';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DOWNLOAD_MB = Number(process.env.BENCH_DOWNLOAD_MB ?? 1024);
const MB = 1024 * 1024;

const execFileAsync = promisify(execFile);
const loadClient = fileURLToPath(new URL('./http-load-client.ts', import.meta.url));

// A child that downloads URL, discarding the bytes; prints {"bytes","seconds"}.
const DOWNLOADER = `
import http from 'node:http';
const started = performance.now();
http.get(process.argv[1], (res) => {
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
await new Promise<void>((resolve) => bundleServer.listen(0, '127.0.0.1', resolve));
const diagnostics = `http://127.0.0.1:${(bundleServer.address() as AddressInfo).port}`;

const router = new AdminRouter({
  flavour: 'master',
  upstreams: { endpoint: (name) => (name === 'diagnostics' ? diagnostics : undefined), leadingMaster: () => master.url, agents: () => [] },
});
const routerApp = await router.server();
const { url: ar } = await listenHttp(routerApp, '127.0.0.1', 0);

console.log(`minidc bench:adminrouter — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`master: 100 simulated agents, ${sim.running.size} running tasks; ${CLIENTS} keep-alive clients for ${SECONDS} s per way`);
console.log('/master/state-summary        req/s     p50 ms     p99 ms     max ms  errors');
const rates: number[] = [];
for (const [way, url] of [['direct', `${master.url}/master/state-summary`], ['through Admin Router', `${ar}/mesos/master/state-summary`]] as const) {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', loadClient, url, String(CLIENTS), String(SECONDS)], { maxBuffer: 1 << 20 });
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  rates.push(r.requests / r.seconds);
  console.log(
    `${way.padEnd(24)} ${(r.requests / r.seconds).toFixed(0).padStart(9)} ${r.p50_ms.toFixed(1).padStart(10)} ${r.p99_ms.toFixed(1).padStart(10)} ${r.max_ms.toFixed(1).padStart(10)} ${String(r.errors).padStart(7)}`,
  );
}
console.log(`ratio: ${(rates[1]! / rates[0]!).toFixed(2)}× direct (target ≥ 0.8×)`);

console.log(`\n${DOWNLOAD_MB} MB bundle download         MB/s    seconds   RSS before MB   RSS after MB`);
const throughputs: number[] = [];
const bundle = '/system/health/v1/diagnostics/bundle-bench.zip';
for (const [way, url] of [['direct', `${diagnostics}${bundle}`], ['through Admin Router', `${ar}${bundle}`]] as const) {
  const before = process.memoryUsage().rss;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', DOWNLOADER, url], { maxBuffer: 1 << 20 });
  const after = process.memoryUsage().rss;
  const d = JSON.parse(stdout) as { status: number; bytes: number; seconds: number };
  if (d.status !== 200 || d.bytes !== DOWNLOAD_MB * MB) throw new Error(`${way}: HTTP ${d.status}, ${d.bytes} bytes`);
  throughputs.push(d.bytes / MB / d.seconds);
  console.log(
    `${way.padEnd(24)} ${(d.bytes / MB / d.seconds).toFixed(0).padStart(12)} ${d.seconds.toFixed(2).padStart(10)} ${(before / MB).toFixed(0).padStart(15)} ${(after / MB).toFixed(0).padStart(14)}`,
  );
}
console.log(`ratio: ${(throughputs[1]! / throughputs[0]!).toFixed(2)}× direct (target ≥ 0.9×)`);

await routerApp.close();
bundleServer.close();
await masterApp.close();
await sim.close();
