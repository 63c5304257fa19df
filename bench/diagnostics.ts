/**
 * `npm run bench:diagnostics`: the master's dcos-diagnostics at 1,000 nodes × 30 units (issue 10's benchmark).
 *
 * Phase 1 — health. The nodes are real HTTP servers in a child process (bench/support/simulated-health-nodes.ts),
 * one per loopback address, every 20th with an unhealthy unit carrying 50 journal lines. This process holds only
 * the diagnostics side: the real ClusterHealthPuller (discovery returning those nodes) behind the real
 * clusterHealthPlugin. Measured: BENCH_PULLS full pulls (each meeting the nodes without open connections, as a
 * pull 15 s after the last does), the first `/report` after a pull, then `/report` under BENCH_CLIENTS keep-alive
 * clients for BENCH_SECONDS (the load generator in its own process, bench/http-load-client.ts) without and with
 * `Accept-Encoding: gzip` (what browsers, the DC/OS UI and Go's HTTP client, i.e. the dcos CLI, send), one
 * `?cache=0` apart from the load, this process's event-loop delay during pulls and load, and its peak RSS.
 * Targets: pull < 1 s, `/report` p99 < 50 ms, peak RSS < 150 MB.
 *
 * Phase 2 — bundle (10 nodes holding 1 GB of logs vs `zip -r -6`): see bundlePhase() below.
 *
 * Environment: BENCH_NODES (1000), BENCH_UNITS (30), BENCH_UNHEALTHY_EVERY (20), BENCH_PULLS (5),
 * BENCH_CONCURRENCY (the puller's default), BENCH_CLIENTS (500), BENCH_SECONDS (10).
 */
import { execFile, spawn } from 'node:child_process';
import { get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { clusterHealthPlugin } from '../diagnostics/cluster/cluster-health-plugin.ts';
import { ClusterHealthPuller, DEFAULT_PULL_CONCURRENCY } from '../diagnostics/cluster/cluster-health-puller.ts';
import type { ClusterNodeRef } from '../diagnostics/cluster/cluster-node.ts';
import { HEALTH_BASE } from '../diagnostics/node/node-health-plugin.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import type { LoadResult } from './http-load-client.ts';
import { idleLoopDelay, loopDelayWindow, type LoopDelay } from './support/loop-delay.ts';
import { median } from './support/stats.ts';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const UNITS = Number(process.env.BENCH_UNITS ?? 30);
const UNHEALTHY_EVERY = Number(process.env.BENCH_UNHEALTHY_EVERY ?? 20);
const PULLS = Number(process.env.BENCH_PULLS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_PULL_CONCURRENCY);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const execFileAsync = promisify(execFile);
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

interface SimulatedNodes {
  port: number;
  nodes: ClusterNodeRef[];
  /** Closes every idle connection to the nodes; resolves once they are closed. */
  dropConnections(): Promise<void>;
  close(): void;
}

async function startNodes(): Promise<SimulatedNodes> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', here('./support/simulated-health-nodes.ts'), String(NODES), String(UNITS), String(UNHEALTHY_EVERY)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done === true) throw new Error('the simulated nodes exited');
    return line.value;
  };
  const { port, nodes } = JSON.parse(await next()) as { port: number; nodes: ClusterNodeRef[] };
  return {
    port,
    nodes,
    dropConnections: async () => {
      child.stdin.write('drop\n');
      if ((await next()) !== 'dropped') throw new Error('the simulated nodes did not drop their connections');
      // The FINs are in: let this process see them before the next pull picks a pooled socket.
      await new Promise((resolve) => setTimeout(resolve, 50));
    },
    close: () => child.stdin.end(),
  };
}

/** Status, body bytes and content-encoding of one GET, by node:http (fetch would decode gzip and hide its size). */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; encoding: string; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const req = get(url, { headers, timeout: 120_000 }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, encoding: res.headers['content-encoding'] ?? 'identity', ms: performance.now() - start }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within 120 s`)));
    req.on('error', reject);
  });
}

async function load(url: string, headers: string[]): Promise<{ result: LoadResult; loop: LoopDelay }> {
  const window = loopDelayWindow();
  window.start();
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', here('./http-load-client.ts'), url, String(CLIENTS), String(SECONDS), ...headers], {
    maxBuffer: 1 << 20,
    timeout: (SECONDS + 120) * 1000,
  });
  const loop = window.stop();
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult, loop };
}

/**
 * Phase 2 — bundle: a cluster bundle of 10 nodes holding 1 GB of logs, against `zip -r -6` over the same files
 * in the same run (target: at least as fast). Added with the bundle work (diagnostics/bundles/); until then it
 * only says so.
 */
async function bundlePhase(): Promise<void> {
  console.log('phase 2 — bundle (10 nodes, 1 GB of logs, vs zip -r -6): not built yet');
}

const f1 = (n: number) => n.toFixed(1);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
const loopText = (l: LoopDelay) => `max ${f1(l.max)} p99 ${f1(l.p99)} p50 ${f1(l.p50)}`;

async function healthPhase(): Promise<void> {
  const sim = await startNodes();
  const puller = new ClusterHealthPuller({
    discovery: { nodes: async () => sim.nodes },
    nodeUrl: (n) => `http://${n.ip}:${sim.port}`,
    time: systemTime,
    intervalMs: 3_600_000,
    concurrency: CONCURRENCY,
  });
  const app = createHttpServer();
  await app.register(clusterHealthPlugin, { source: puller });
  const { url: base } = await listenHttp(app, '127.0.0.1', 0);
  const reportUrl = `${base}${HEALTH_BASE}/report`;
  console.log(
    `cluster: ${NODES} simulated nodes × ${UNITS} units (every ${UNHEALTHY_EVERY}th node unhealthy, 50 journal lines per unhealthy unit) ` +
      `in a child process; pull concurrency ${CONCURRENCY}, timeout 3 s; RSS before the first pull ${f1(process.memoryUsage().rss / 1e6)} MB`,
  );

  const idle = await idleLoopDelay(1000);
  console.log(`event-loop delay idle (1 s): ${loopText(idle)} ms`);
  const pullMs: number[] = [];
  const firstReportMs: number[] = [];
  for (let run = 1; run <= PULLS; run++) {
    await sim.dropConnections();
    const window = loopDelayWindow();
    window.start();
    const start = performance.now();
    await puller.pullNow();
    const ms = performance.now() - start;
    const pullLoop = window.stop();
    pullMs.push(ms);
    const nodes = Object.values(puller.report().Nodes ?? {});
    const unknown = nodes.filter((n) => n.Health === 3).length;
    if (nodes.length !== NODES || unknown > 0) throw new Error(`pull ${run}: ${nodes.length} nodes in the report, ${unknown} of them not polled`);
    // The first /report after a pull: whatever is built from the new pull is built here.
    window.start();
    const first = await rawGet(reportUrl);
    const reportLoop = window.stop();
    firstReportMs.push(first.ms);
    console.log(
      `pull ${run}: ${f1(ms)} ms (${nodes.filter((n) => n.Health === 1).length} nodes unhealthy), loop ${loopText(pullLoop)} ms; ` +
        `first /report after it ${f1(first.ms)} ms (${mb(first.bytes)}), loop ${loopText(reportLoop)} ms; peak RSS ${f1(peakRssMb())} MB`,
    );
  }
  const sortedPulls = [...pullMs].sort((a, b) => a - b);
  console.log(`pull: median ${f1(median(sortedPulls))} ms, max ${f1(sortedPulls.at(-1)!)} ms over ${PULLS} pulls`);

  const identity = await rawGet(reportUrl);
  const gzip = await rawGet(reportUrl, { 'accept-encoding': 'gzip' });
  console.log(`/report body: ${mb(identity.bytes)} as JSON; ${mb(gzip.bytes)} to a client accepting gzip (${gzip.encoding})`);

  console.log(`/report under ${CLIENTS} keep-alive clients for ${SECONDS} s:`);
  console.log('client sends                 req/s      p50 ms     p99 ms     max ms   errors   server loop (max / p99 ms)');
  const loads: Record<string, LoadResult> = {};
  for (const [name, headers] of [['no Accept-Encoding', []], ['Accept-Encoding: gzip', ['Accept-Encoding: gzip']]] as const) {
    const { result: r, loop } = await load(reportUrl, [...headers]);
    loads[name] = r;
    console.log(
      `${name.padEnd(24)} ${(r.requests / r.seconds).toFixed(0).padStart(8)} ${f1(r.p50_ms).padStart(10)} ${f1(r.p99_ms).padStart(10)} ${f1(r.max_ms).padStart(10)} ${String(r.errors).padStart(8)}   ${f1(loop.max)} / ${f1(loop.p99)}`,
    );
  }
  // After a load the server can still be working off its backlog: a failure here is a figure, not the end of the run.
  const fresh = await rawGet(`${reportUrl}?cache=0`).then(
    (r) => `${f1(r.ms)} ms, status ${r.status}`,
    (err: unknown) => `failed: ${(err as Error).message}`,
  );
  console.log(`/report?cache=0 (a pull, then the report; alone): ${fresh}`);
  console.log(`peak RSS of this process (puller + report server): ${f1(peakRssMb())} MB`);
  const gz = loads['Accept-Encoding: gzip']!;
  const plain = loads['no Accept-Encoding']!;
  console.log(
    `diagnostics pull_median_ms=${f1(median(sortedPulls))} pull_max_ms=${f1(sortedPulls.at(-1)!)} report_p99_ms=${f1(plain.p99_ms)} ` +
      `report_gzip_p99_ms=${f1(gz.p99_ms)} peak_rss_mb=${f1(peakRssMb())}`,
  );
  await puller.stop();
  await app.close();
  sim.close();
}

console.log(`minidc bench:diagnostics — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('phase 1 — health');
await healthPhase();
await bundlePhase();
