/**
 * `npm run bench:history`: dcos-history's store and API with a day of 1-minute samples of a 1,000-agent,
 * 10,000-task cluster. Summaries are synthesized in the master's state-summary shape (agents with their task counts
 * and framework ids, five frameworks with their agent ids) and change a little each minute: `BENCH_CHURN` tasks
 * (default 50, 0.5%) end (finished or failed) and are replaced on another agent, and a few agents hold an offer.
 *
 * Prints: ingest time of the day, the file's size (and what two alternatives would take: whole samples deflated,
 * elements deflated), `/history/hour`, `/history/day` and a 6-hour range over HTTP (fetch in a worker thread,
 * reading the whole body; p50/p99), and the event-loop time of one poll + store (perf_hooks ELU, the master
 * answering from a worker thread) over 60 polls. Targets (issue 11): < 200 MB on disk, `/history/hour` < 50 ms,
 * poll + store < 20 ms of event-loop time.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { HistoryArchive } from '../collectors/history/history-archive.ts';
import { historyPlugin } from '../collectors/history/history-plugin.ts';
import { StateSummaryPoller } from '../collectors/history/summary-poller.ts';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { ManualClock } from '../runtime/time/manual-clock.ts';
import { median, percentile } from './support/stats.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 1_000);
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const CHURN = Number(process.env.BENCH_CHURN ?? 50);
const MINUTES = Number(process.env.BENCH_MINUTES ?? 1_440);
const MB = 1024 * 1024;

const SUMMARY_STATES = [
  'TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_FINISHED',
  'TASK_FAILED', 'TASK_KILLED', 'TASK_LOST', 'TASK_ERROR', 'TASK_UNREACHABLE',
] as const;
type Counts = Record<(typeof SUMMARY_STATES)[number], number>;
const zeroCounts = (): Counts => Object.fromEntries(SUMMARY_STATES.map((s) => [s, 0])) as Counts;

interface Task {
  agent: number;
  framework: number;
  cpus: number;
  mem: number;
  port: number;
}

const FRAMEWORKS = [
  { name: 'marathon', share: 0.6, roles: ['slave_public'], webui: 'http://10.0.0.1:8080' },
  { name: 'metronome', share: 0.1, roles: ['*'], webui: '' },
  { name: 'spark', share: 0.15, roles: ['analytics'], webui: 'http://10.0.0.1:4040' },
  { name: 'kafka', share: 0.1, roles: ['kafka-role'], webui: '' },
  { name: 'cassandra', share: 0.05, roles: ['cassandra-role'], webui: '' },
];

/** A deterministic PRNG (mulberry32), so every run synthesizes the same day. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The cluster a state-summary describes; `advance` changes it a little, `summary` renders it. */
class SyntheticCluster {
  private readonly rand = random(11);
  private readonly masterId = '6c1a2f0e-93d4-4b8e-a7a1-0c5d8e2f4b11';
  private readonly tasks: Task[] = [];
  private readonly byAgent: Set<number>[] = [];
  private readonly terminal: Counts[] = [];
  private readonly offered = new Set<number>();
  private readonly agentJson: (string | undefined)[] = [];
  private readonly frameworkTerminal: Counts[] = FRAMEWORKS.map(zeroCounts);

  constructor() {
    for (let a = 0; a < AGENTS; a++) {
      this.byAgent.push(new Set());
      this.terminal.push(zeroCounts());
    }
    for (let i = 0; i < TASKS; i++) {
      let f = 0;
      for (let r = this.rand(), acc = 0; f < FRAMEWORKS.length - 1; f++) if (r < (acc += FRAMEWORKS[f]!.share)) break;
      this.tasks.push({ agent: 0, framework: f, cpus: [0.1, 0.5, 1, 2][i % 4]!, mem: [32, 128, 512, 1024][i % 4]!, port: 0 });
      this.place(i);
    }
  }

  private place(id: number): void {
    const task = this.tasks[id]!;
    const agent = Math.floor(this.rand() * AGENTS);
    const used = new Set([...this.byAgent[agent]!].map((i) => this.tasks[i]!.port));
    let port = 31000;
    while (used.has(port)) port++;
    task.agent = agent;
    task.port = port;
    this.byAgent[agent]!.add(id);
    this.agentJson[agent] = undefined;
  }

  /** `tasks` tasks end and are replaced elsewhere; a few agents gain or lose an offer. */
  advance(tasks: number): void {
    for (let n = 0; n < tasks; n++) {
      const id = Math.floor(this.rand() * this.tasks.length);
      const task = this.tasks[id]!;
      const state = this.rand() < 0.8 ? 'TASK_FINISHED' : 'TASK_FAILED';
      this.terminal[task.agent]![state]++;
      this.frameworkTerminal[task.framework]![state]++;
      this.byAgent[task.agent]!.delete(id);
      this.agentJson[task.agent] = undefined;
      this.place(id);
    }
    for (let n = 0; n < Math.max(1, tasks / 10); n++) {
      const agent = Math.floor(this.rand() * AGENTS);
      if (!this.offered.delete(agent)) this.offered.add(agent);
      this.agentJson[agent] = undefined;
    }
  }

  summary(): string {
    const agents: string[] = [];
    for (let a = 0; a < AGENTS; a++) agents.push((this.agentJson[a] ??= this.renderAgent(a)));
    const frameworks = FRAMEWORKS.map((_, f) => this.renderFramework(f));
    return `{"hostname":"10.0.0.1","cluster":"bench","slaves":[${agents.join(',')}],"frameworks":[${frameworks.join(',')}]}`;
  }

  private renderAgent(a: number): string {
    const ip = `10.1.${a >> 8}.${a & 255}`;
    const tasks = [...this.byAgent[a]!].map((i) => this.tasks[i]!);
    const counts = { ...this.terminal[a]!, TASK_RUNNING: tasks.length };
    const ports = tasks.map((t) => t.port).sort((x, y) => x - y);
    const total = { cpus: 16, disk: 204800, gpus: 0, mem: 63488, ports: '[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]' };
    const offer = this.offered.has(a) ? { cpus: 4, disk: 1024, gpus: 0, mem: 8192 } : { cpus: 0, disk: 0, gpus: 0, mem: 0 };
    return JSON.stringify({
      id: `${this.masterId}-S${a}`,
      hostname: ip,
      port: 5051,
      attributes: { rack: `r${a % 40}`, zone: `z${a % 3}`, public_ip: a % 20 === 0 ? 'true' : 'false' },
      pid: `slave(1)@${ip}:5051`,
      registered_time: 1796600000.123 + a * 0.017,
      resources: total,
      used_resources: {
        cpus: round(tasks.reduce((s, t) => s + t.cpus, 0)),
        disk: 0,
        gpus: 0,
        mem: tasks.reduce((s, t) => s + t.mem, 0),
        ...(ports.length > 0 ? { ports: `[${ports.map((p) => `${p}-${p}`).join(', ')}]` } : {}),
      },
      offered_resources: offer,
      reserved_resources: {},
      unreserved_resources: total,
      active: true,
      deactivated: false,
      version: '1.11.0',
      capabilities: ['MULTI_ROLE', 'HIERARCHICAL_ROLE', 'RESERVATION_REFINEMENT'],
      ...counts,
      framework_ids: [...new Set(tasks.map((t) => this.frameworkId(t.framework)))],
    });
  }

  private renderFramework(f: number): string {
    const fw = FRAMEWORKS[f]!;
    const tasks = this.tasks.filter((t) => t.framework === f);
    return JSON.stringify({
      id: this.frameworkId(f),
      name: fw.name,
      pid: `scheduler-${f}@10.0.0.1:${15000 + f}`,
      used_resources: { cpus: round(tasks.reduce((s, t) => s + t.cpus, 0)), disk: 0, gpus: 0, mem: tasks.reduce((s, t) => s + t.mem, 0) },
      offered_resources: { cpus: 0, disk: 0, gpus: 0, mem: 0 },
      capabilities: ['PARTITION_AWARE', 'MULTI_ROLE'],
      hostname: '10.0.0.1',
      webui_url: fw.webui,
      active: true,
      connected: true,
      recovered: false,
      roles: fw.roles,
      ...this.frameworkTerminal[f]!,
      TASK_RUNNING: tasks.length,
      slave_ids: [...new Set(tasks.map((t) => `${this.masterId}-S${t.agent}`))],
    });
  }

  private frameworkId(f: number): string {
    return `${this.masterId}-000${f}`;
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

/** fetch in a worker thread, so the client does not compete with the server for the event loop it measures. */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', async ({ url, rounds }) => {
  const ms = [];
  const headers = [];
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const res = await fetch(url);
    headers.push(performance.now() - start);
    if (res.status !== 200) throw new Error(url + ': HTTP ' + res.status);
    bytes = 0;
    for await (const chunk of res.body) bytes += chunk.byteLength;
    ms.push(performance.now() - start);
  }
  parentPort.postMessage({ ms, headers, bytes });
});
`;

/** The leading master's /master/state-summary, served from a worker thread (its cost is not the poll's). */
const MASTER = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
let body = Buffer.from('{}');
const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (text) => { body = Buffer.from(text); parentPort.postMessage({ ready: true }); });
`;

/** The worker's next message (or its error); `message` is posted first when given. */
function reply<T>(worker: Worker, message?: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    worker.once('message', (m: T) => {
      worker.off('error', fail);
      resolve(m);
    });
    worker.once('error', fail);
    if (message !== undefined) worker.postMessage(message);
  });
}

const fmt = (ms: number): string => ms.toFixed(1).padStart(8);

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-bench-history-'));
  const path = join(dir, 'history.sqlite');
  const dayStart = Date.UTC(2026, 11, 6, 0, 0, 0);
  const clock = new ManualClock(0, dayStart);
  const archive = new HistoryArchive({ path, retentionMs: 86_400_000, clock });
  const cluster = new SyntheticCluster();

  console.log(`minidc bench:history — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(`cluster: ${AGENTS} agents, ${TASKS} tasks, ${CHURN} tasks replaced a minute; ${MINUTES} 1-minute samples`);

  // Ingest: one sample a minute, as the hour tier keeps them (each also passes through the minute tier).
  let rawBytes = 0;
  let wholeDeflated = 0;
  let lastDeflated = Buffer.alloc(0);
  const recordMs: number[] = [];
  for (let m = 0; m < MINUTES; m++) {
    if (m > 0) cluster.advance(CHURN);
    const text = cluster.summary();
    rawBytes += text.length;
    if (m % 10 === 0) wholeDeflated += (lastDeflated = deflateRawSync(text)).length * 10;
    const t0 = performance.now();
    archive.record(Buffer.from(text), dayStart + m * 60_000);
    recordMs.push(performance.now() - t0);
    await clock.advance(60_000);
  }
  const ingestMs = recordMs.reduce((s, x) => s + x, 0);
  recordMs.sort((a, b) => a - b);
  archive.database.checkpoint();
  const fileBytes = (await stat(path)).size;
  const stats = archive.database.stats();
  let elementJson = 0;
  const reader = new Database(path, { readonly: true });
  for (const { body } of reader.prepare('SELECT body FROM elements').iterate() as Iterable<{ body: Buffer }>) elementJson += inflateRawSync(body).length;
  reader.close();
  const t1 = performance.now();
  for (let i = 0; i < 10; i++) inflateRawSync(lastDeflated);
  const inflateMs = (performance.now() - t1) / 10;

  console.log(
    `ingest: ${(ingestMs / 1000).toFixed(1)} s for ${MINUTES} samples (${(rawBytes / MB).toFixed(0)} MB of JSON); ` +
      `record() median ${median(recordMs).toFixed(1)} ms, p99 ${percentile(recordMs, 99).toFixed(1)} ms`,
  );
  console.log(
    `disk: ${(fileBytes / MB).toFixed(1)} MB (${stats.samples} samples, ${stats.elements} distinct elements: ${(elementJson / MB).toFixed(1)} MB of JSON, ${(stats.elementBytes / MB).toFixed(1)} MB deflated)`,
  );
  console.log(
    `  vs whole samples deflated: ~${(wholeDeflated / MB).toFixed(1)} MB, but every sample inflated in full (${inflateMs.toFixed(1)} ms each) to answer`,
  );

  // HTTP: the plugin on the runtime's server, "now" at the end of the day.
  const app = createHttpServer();
  await app.register(historyPlugin, { archive: () => archive });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  const client = new Worker(CLIENT, { eval: true });
  const dayEnd = clock.wallMs();
  const sixHours = `${url}/history/day?from=${new Date(dayEnd - 9 * 3_600_000).toISOString()}&to=${new Date(dayEnd - 3 * 3_600_000).toISOString()}`;
  console.log('route                       size MB   first      p50      p99   headers p50   (ms: whole body through fetch; headers: until the response arrives)');
  for (const [name, target, rounds] of [
    ['/history/hour', `${url}/history/hour`, 30],
    ['/history/day', `${url}/history/day`, 5],
    ['6-hour range', sixHours, 10],
  ] as const) {
    const first = await reply<{ ms: number[]; headers: number[]; bytes: number }>(client, { url: target, rounds: 1 });
    const { ms, headers, bytes } = await reply<{ ms: number[]; headers: number[]; bytes: number }>(client, { url: target, rounds });
    ms.sort((a, b) => a - b);
    headers.sort((a, b) => a - b);
    console.log(`${name.padEnd(24)} ${(bytes / MB).toFixed(1).padStart(8)} ${fmt(first.ms[0]!)} ${fmt(median(ms))} ${fmt(percentile(ms, 99))} ${fmt(median(headers))}`);
  }
  await client.terminate();

  // Poll + store: the real poller against a master in a worker thread, every poll's event-loop busy time.
  const master = new Worker(MASTER, { eval: true });
  const { port } = await reply<{ port: number }>(master);
  const poller = new StateSummaryPoller({
    url: () => `http://127.0.0.1:${port}/master/state-summary`,
    time: clock,
    onPoll: (body, atMs, failure) => {
      if (failure !== undefined) throw new Error(failure);
      archive.record(body, atMs);
    },
    onError: (err) => {
      throw err;
    },
  });
  const busy: number[] = [];
  for (let i = 0; i < 60; i++) {
    cluster.advance(Math.max(1, Math.round(CHURN / 30)));
    await reply(master, cluster.summary());
    await clock.advance(2_000);
    const before = performance.eventLoopUtilization();
    await poller.pollNow();
    busy.push(performance.eventLoopUtilization(before).active);
  }
  busy.sort((a, b) => a - b);
  console.log(
    `poll + store: event-loop time median ${median(busy).toFixed(1)} ms, p99 ${percentile(busy, 99).toFixed(1)} ms, max ${busy[busy.length - 1]!.toFixed(1)} ms (60 polls)`,
  );
  await master.terminate();
  await app.close();
  archive.close();
  await rm(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
