/**
 * `npm run bench:diagnostics`: the master's dcos-diagnostics at 1,000 nodes × 30 units (issue 10's benchmark).
 *
 * Phase 1 — health. The nodes are real HTTP servers in a child process (bench/support/simulated-health-nodes.ts),
 * one per loopback address, every 20th with an unhealthy unit carrying 50 journal lines. This process holds only
 * the diagnostics side: the real ClusterHealthPuller (discovery returning those nodes) behind the real
 * clusterHealthPlugin. Measured: BENCH_PULLS full pulls (each meeting the nodes without open connections, as a
 * pull 15 s after the last does), the first `/report` after a pull, then `/report` under BENCH_CLIENTS keep-alive
 * clients for BENCH_SECONDS (the load generator in its own process, bench/http-load-client.ts) without
 * Accept-Encoding, with `gzip` (Go's HTTP client, i.e. the dcos CLI) and with `gzip, deflate, br` (browsers, the
 * DC/OS UI), one
 * `?cache=0` apart from the load, this process's event-loop delay during pulls and load, and its peak RSS.
 * Targets: pull < 1 s, `/report` p99 < 50 ms, peak RSS < 150 MB.
 *
 * Phase 2 — bundle (10 nodes holding 1 GB of logs vs `zip -r -6`, target: at least as fast): see bundlePhase().
 *
 * Environment: BENCH_NODES (1000), BENCH_UNITS (30), BENCH_UNHEALTHY_EVERY (20), BENCH_PULLS (5),
 * BENCH_CONCURRENCY (the puller's default), BENCH_CLIENTS (500), BENCH_SECONDS (10), BENCH_BUNDLE_NODES (10),
 * BENCH_BUNDLE_MB (1000, all nodes' logs together), BENCH_PHASES (`health,bundle`).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { get } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { BundleJobs } from '../diagnostics/bundles/bundle-jobs.ts';
import { BundleStore } from '../diagnostics/bundles/bundle-store.ts';
import { ClusterBundleCoordinator } from '../diagnostics/bundles/cluster-bundle-coordinator.ts';
import { clusterBundlePlugin } from '../diagnostics/bundles/cluster-bundle-plugin.ts';
import { nodeBundleContent } from '../diagnostics/bundles/content/node-bundle-content.ts';
import { nodeBundlePlugin } from '../diagnostics/bundles/node-bundle-plugin.ts';
import { clusterHealthPlugin } from '../diagnostics/cluster/cluster-health-plugin.ts';
import { ClusterHealthPuller, DEFAULT_PULL_CONCURRENCY } from '../diagnostics/cluster/cluster-health-puller.ts';
import type { ClusterNodeRef } from '../diagnostics/cluster/cluster-node.ts';
import { HEALTH_BASE } from '../diagnostics/node/node-health-plugin.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { systemTime } from '../runtime/time/system-time.ts';
import type { LoadResult } from './http-load-client.ts';
import { BUNDLE_UNITS, bundleLogUnits, ROTATIONS, writeBundleLogs } from './support/bundle-logs.ts';
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
    // A client still reading a response at the deadline finishes it; one whose responses never end is a figure.
    timeout: (SECONDS + 60) * 1000,
  });
  const loop = window.stop();
  return { result: JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult, loop };
}

/** The highest RSS seen while `work` runs (sampled every 50 ms; maxRSS would include the health phase's peak). */
async function sampledPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  try {
    const value = await work();
    return { value, peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Phase 2 — bundle: a cluster bundle of BENCH_BUNDLE_NODES nodes holding BENCH_BUNDLE_MB of logs in all, against
 * `zip -r -6` over the same files in the same run (target: at least as fast). Every node is a real node bundle
 * server (BundleJobs + nodeBundlePlugin over the real `nodeBundleContent`: journals with their rotated files and
 * the node's health file; no endpoint dumps, commands or system information, which are not logs) on its own
 * loopback address in this process; the first is the master, whose real ClusterBundleCoordinator asks every node
 * for its bundle over HTTP and merges them. Measured from the PUT to the bundle's Done.
 */
async function bundlePhase(): Promise<void> {
  const nodeCount = Number(process.env.BENCH_BUNDLE_NODES ?? 10);
  const totalBytes = Number(process.env.BENCH_BUNDLE_MB ?? 1000) * 1e6;
  console.log(`phase 2 — bundle: ${nodeCount} nodes, ${mb(totalBytes)} of logs in all, vs zip -r -6 over the same files`);
  const zipFound = await execFileAsync('zip', ['-v'], { timeout: 10_000 }).then(() => true, () => false);
  const dir = await mkdtemp(join(tmpdir(), 'minidc-bench-bundle-'));
  const apps: FastifyInstance[] = [];
  try {
    const logs = join(dir, 'logs');
    const refs: ClusterNodeRef[] = Array.from({ length: nodeCount }, (_, i) => ({
      ip: `127.88.0.${i + 1}`,
      role: i === 0 ? 'master' : 'agent',
      mesosId: `S${i}`,
      leader: i === 0,
    }));
    const generating = performance.now();
    await writeBundleLogs(logs, refs.map((r) => r.ip), Math.ceil(totalBytes / nodeCount));
    const logBytes = Number((await execFileAsync('du', ['-sb', logs])).stdout.split('\t')[0]);
    console.log(`logs written in ${f1((performance.now() - generating) / 1000)} s: ${mb(logBytes)} (${BUNDLE_UNITS.length} units × ${ROTATIONS} rotated files per node)`);

    const urls = new Map<string, string>();
    let coordinatorStore: BundleStore | undefined;
    for (const ref of refs) {
      const store = new BundleStore({ dir: join(dir, 'bundles', ref.ip), clock: systemTime });
      const jobs = new BundleJobs({ store });
      const content = nodeBundleContent({
        units: bundleLogUnits(logs, ref.ip),
        role: ref.role,
        hostname: ref.ip,
        endpoints: () => ({}),
        health: async () => ({ units: [], hostname: ref.ip, ip: ref.ip, dcos_version: '2.2.0', node_role: ref.role, mesos_id: ref.mesosId, dcos_diagnostics_version: '0.1.0' }),
        secrets: ['bench-secret-token-1234'],
        endpointDumps: [],
        commands: [],
        systemInfo: false,
        collectorTimeoutMs: 600_000,
      });
      const app = createHttpServer();
      apps.push(app);
      await app.register(nodeBundlePlugin, { jobs, content });
      if (ref.role === 'master') {
        coordinatorStore = store;
        const coordinator = new ClusterBundleCoordinator({
          jobs,
          discovery: { nodes: async () => refs },
          nodeUrl: (n) => urls.get(n.ip),
          diagnosis: async () => 'Unhealthy units: none',
          clock: systemTime,
          pollIntervalMs: 100,
        });
        await app.register(clusterBundlePlugin, { jobs, coordinator });
      }
      urls.set(ref.ip, (await listenHttp(app, ref.ip, 0)).url);
    }

    const bundleUrl = `${urls.get(refs[0]!.ip)}${HEALTH_BASE}/diagnostics/bench`;
    const { value: bundleMs, peakRssMb: bundleRss } = await sampledPeakRss(async () => {
      const start = performance.now();
      const put = await fetch(bundleUrl, { method: 'PUT', signal: AbortSignal.timeout(10_000) });
      if (put.status !== 200) throw new Error(`PUT ${bundleUrl}: ${put.status} ${await put.text()}`);
      for (;;) {
        const status = (await (await fetch(bundleUrl, { signal: AbortSignal.timeout(10_000) })).json()) as { status: string; errors?: string[] };
        if (status.status === 'Done') return performance.now() - start;
        if (status.status !== 'Started' && status.status !== 'InProgress') throw new Error(`the bundle ended ${status.status}: ${JSON.stringify(status.errors)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    const bundleSize = (await stat(coordinatorStore!.zipPath('bench'))).size;
    const entries = (await execFileAsync('unzip', ['-Z1', coordinatorStore!.zipPath('bench')], { maxBuffer: 16 << 20 })).stdout.split('\n').filter((l) => l !== '').length;
    console.log(`cluster bundle: ${f1(bundleMs / 1000)} s, ${mb(bundleSize)} (${entries} entries), peak RSS during it ${f1(bundleRss)} MB`);

    let zipMs = NaN;
    let zipSize = NaN;
    if (zipFound) {
      const out = join(dir, 'zip-r-6.zip');
      const start = performance.now();
      await execFileAsync('zip', ['-r', '-6', '-q', out, '.'], { cwd: logs, timeout: 3_600_000 });
      zipMs = performance.now() - start;
      zipSize = (await stat(out)).size;
      console.log(`zip -r -6 over the same files: ${f1(zipMs / 1000)} s, ${mb(zipSize)}`);
    } else {
      console.log('zip -r -6: not measured, `zip` is not installed (Debian: apt-get install zip)');
    }
    console.log(
      `bundle bundle_s=${f1(bundleMs / 1000)} zip_s=${f1(zipMs / 1000)} bundle_mb=${f1(bundleSize / 1e6)} zip_mb=${f1(zipSize / 1e6)} bundle_peak_rss_mb=${f1(bundleRss)}`,
    );
  } finally {
    for (const app of apps) await app.close();
    await rm(dir, { recursive: true, force: true });
  }
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
  const brotli = await rawGet(reportUrl, { 'accept-encoding': 'gzip, deflate, br' });
  console.log(
    `/report body: ${mb(identity.bytes)} as JSON; ${mb(gzip.bytes)} to a client accepting gzip (${gzip.encoding}); ` +
      `${(brotli.bytes / 1e3).toFixed(1)} kB to one accepting br (${brotli.encoding})`,
  );

  console.log(`/report under ${CLIENTS} keep-alive clients for ${SECONDS} s:`);
  console.log('client sends                 req/s      p50 ms     p99 ms     max ms   errors   server loop (max / p99 ms)');
  const loads: Record<string, LoadResult> = {};
  const encodings = [
    ['no Accept-Encoding', []],
    ['Accept-Encoding: gzip', ['Accept-Encoding: gzip']],
    ['… gzip, deflate, br', ['Accept-Encoding: gzip, deflate, br']],
  ] as const;
  for (const [name, headers] of encodings) {
    const outcome = await load(reportUrl, [...headers]).catch((err: unknown) => err as Error);
    if (outcome instanceof Error) {
      console.log(`${name.padEnd(24)} no result: the load client did not finish within ${SECONDS + 60} s (${outcome.message.split('\n')[0]})`);
      // Let the server work off what the killed client left before the next measurement.
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      continue;
    }
    const { result: r, loop } = outcome;
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
  const p99 = (name: string) => (loads[name] === undefined ? 'none' : f1(loads[name].p99_ms));
  console.log(
    `diagnostics pull_median_ms=${f1(median(sortedPulls))} pull_max_ms=${f1(sortedPulls.at(-1)!)} report_p99_ms=${p99('no Accept-Encoding')} ` +
      `report_gzip_p99_ms=${p99('Accept-Encoding: gzip')} report_br_p99_ms=${p99('… gzip, deflate, br')} peak_rss_mb=${f1(peakRssMb())}`,
  );
  await puller.stop();
  await app.close();
  sim.close();
}

console.log(`minidc bench:diagnostics — ${new Date().toISOString().slice(0, 16)}Z, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
// BENCH_PHASES: which phases to run (default both), e.g. `bundle`.
const phases = (process.env.BENCH_PHASES ?? 'health,bundle').split(',');
if (phases.includes('health')) {
  console.log('phase 1 — health');
  await healthPhase();
}
if (phases.includes('bundle')) await bundlePhase();
