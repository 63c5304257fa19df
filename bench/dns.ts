/**
 * `npm run bench:dns` — dnsperf against minidc's Mesos-DNS, and the record rebuild time.
 *
 * Serving: a synthetic `/master/state` with 10,000 running tasks (1,000 app names, 10 tasks each, spread over 1,000
 * agents, framework `marathon`, two host ports each). The query mix is every A and SRV name of that zone (each
 * once, shuffled) plus 10% names that do not exist (NXDOMAIN); dnsperf -c 20 (20 client sockets), several rounds.
 * Measured with DNS served by Mesos-DNS's worker thread (the default), idle and while the main event loop is busy
 * (a state change and rebuild every 100 ms plus 20 ms of CPU work every 40 ms, as a master and Marathon would keep
 * it), and the same two with `worker: false` for comparison. Last, the 2026-11-22 workload (A records of random app
 * names, 4 clients, 200 outstanding) as a reference, to compare the machine and its load with that run's.
 * Rebuild: the state of Mesos-DNS's own measurement (reference E) at 100,000 tasks — 1 framework, 1,000 agents, two
 * host ports and one NetworkInfo IP per task, N/10 app names, IPSources ["host","netinfo"] — timed by MesosDns
 * itself (records generated; then published to the serving thread); JSON parsing and encoding every reply once are
 * shown apart.
 *
 * Usage: npm run bench:dns [-- --seconds 10] [-- --clients 20] [-- --rounds 3] [-- --serving-only]
 * (`--serving-only` skips the 100,000-task rebuild measurement.)
 * Needs dnsperf on PATH (Debian: apt-get install dnsperf); exits 1 without it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnswerCache } from '../runtime/dns/mesos-dns/answer-cache.ts';
import { MesosDns } from '../runtime/dns/mesos-dns/mesos-dns.ts';
import { generateRecords } from '../runtime/dns/mesos-dns/record-generator.ts';
import type { GeneratorConfig } from '../runtime/dns/mesos-dns/record-generator.ts';
import { RecordSet } from '../runtime/dns/mesos-dns/record-set.ts';
import { StaticStateSource } from '../runtime/dns/mesos-dns/state-source.ts';
import { nameToWireKey, wireKeyToName } from '../runtime/dns/wire/dns-names.ts';
import { parseQuery } from '../runtime/dns/wire/dns-query.ts';
import { seededRandom } from '../runtime/allocator/seeded-random.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SECONDS = arg('--seconds', 10);
const CLIENTS = arg('--clients', 20);
const ROUNDS = arg('--rounds', 3);
/** Serving processes in the default scenarios (Mesos-DNS's default). */
const PROCESSES = arg('--processes', 2);
const RELOADS = 9;
/** Share of the queries asking for names that do not exist. */
const NXDOMAIN_SHARE = 0.1;

/** Deterministic pseudo-random numbers, so every run asks the same questions. */
const random = seededRandom;

const ip = (prefix: number, i: number) => `${prefix}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/**
 * `spread`: the k-th task of an app lands on agent (app + 37k), so an app's tasks sit on different agents; otherwise
 * task i is on agent i mod agents, as in Mesos-DNS's own measurement.
 */
export function syntheticState(tasks: number, apps: number, agents: number, spread: boolean): object {
  const slaves = Array.from({ length: agents }, (_, i) => ({
    id: `bench-cluster-S${i}`,
    hostname: ip(10, i + 1),
    pid: `slave(1)@${ip(10, i + 1)}:5051`,
  }));
  return {
    leader: 'master@10.255.0.1:5050',
    hostname: '10.255.0.1',
    slaves,
    frameworks: [
      {
        id: 'bench-framework-0000',
        name: 'marathon',
        pid: 'scheduler-bench@10.255.0.1:15101',
        hostname: '10.255.0.1',
        tasks: Array.from({ length: tasks }, (_, i) => {
          const app = i % apps;
          const agent = spread ? (app + 37 * Math.floor(i / apps)) % agents : i % agents;
          const port = 31000 + (i % 1000) * 2;
          return {
            id: `app-${app}.${i.toString(16).padStart(8, '0')}-bench`,
            name: `app-${app}`,
            framework_id: 'bench-framework-0000',
            slave_id: slaves[agent]!.id,
            state: 'TASK_RUNNING',
            resources: { cpus: 0.1, mem: 32, ports: `[${port}-${port + 1}]` },
            statuses: [
              {
                state: 'TASK_RUNNING',
                timestamp: 1700000000 + i,
                container_status: { network_infos: [{ ip_addresses: [{ ip_address: ip(9, i + 1) }] }] },
              },
            ],
          };
        }),
      },
    ],
  };
}

const GENERATOR: GeneratorConfig = {
  domain: 'mesos',
  ipSources: ['host', 'netinfo'],
  labelSpec: 'rfc1123',
  masters: [],
  nameServerIps: ['127.0.0.1'],
  soaMname: 'ns1.mesos.',
};

const ANSWERS = {
  domain: 'mesos',
  ttl: 60,
  recursionAvailable: true,
  srvWeight: 1,
  soa: {
    mnameKey: nameToWireKey('ns1.mesos')!,
    rnameKey: nameToWireKey('root.ns1.mesos')!,
    serial: 1,
    refresh: 60,
    retry: 600,
    expire: 86400,
    minimum: 60,
  },
};

/** Asks every A and SRV name once over TCP: the cost of encoding every reply, which the cache defers to first use. */
function encodeEveryAnswer(records: RecordSet, cache: AnswerCache): number {
  const t0 = performance.now();
  for (const [map, qtype] of [
    [records.a, 1],
    [records.srvs, 33],
  ] as const) {
    for (const key of map.keys()) {
      const msg = Buffer.alloc(12 + key.length + 5);
      msg.writeUInt16BE(1, 4);
      msg.write(key, 12, 'latin1');
      msg.writeUInt16BE(qtype, 13 + key.length);
      msg.writeUInt16BE(1, 15 + key.length);
      const query = parseQuery(msg);
      if (typeof query === 'number' || cache.answer(query, 'tcp') === undefined) throw new Error('bench query failed');
    }
  }
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function machine(): string {
  const list = cpus();
  return `${list.length} cores, ${list[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}`;
}

interface DnsperfSummary {
  sent: number;
  completed: number;
  lost: number;
  qps: number;
  avgLatencyMs: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  stddevLatencyMs: number;
  rcodes: string;
  packetSizes: string;
  /** Active time of the serving thread's event loop per completed query (with worker: false, the whole thread's). */
  servingUsPerQuery?: number;
  /** CPU time of this whole process (every thread, the busy main loop's work included) per completed query. */
  cpuUsPerQuery?: number;
}

function parseDnsperf(out: string): DnsperfSummary {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  return {
    sent: num(/Queries sent:\s+(\d+)/),
    completed: num(/Queries completed:\s+(\d+)/),
    lost: num(/Queries lost:\s+(\d+)/),
    qps: num(/Queries per second:\s+([\d.]+)/),
    avgLatencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    minLatencyMs: num(/Average Latency \(s\):.*min ([\d.]+)/) * 1000,
    maxLatencyMs: num(/Average Latency \(s\):.*max ([\d.]+)/) * 1000,
    stddevLatencyMs: num(/Latency StdDev \(s\):\s+([\d.]+)/) * 1000,
    rcodes: /Response codes:\s+(.*)/.exec(out)?.[1] ?? '',
    packetSizes: /Average packet size:\s+(.*)/.exec(out)?.[1] ?? '',
  };
}

function runDnsperf(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dnsperf exited ${code}:\n${out}`))));
  });
}

/** The 100,000-task figures; everything it builds is garbage once it returns, before the serving test starts. */
async function measureRebuild(): Promise<number> {
  const bigJson = JSON.stringify(syntheticState(100_000, 10_000, 1000, false));
  const parseStart = performance.now();
  const bigState: unknown = JSON.parse(bigJson);
  const parseMs = performance.now() - parseStart;

  // Reload times as the unit sees them (MesosDns's own measurement: records generated and swapped in).
  const dns = new MesosDns({
    source: new StaticStateSource(bigState),
    listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 },
    httpOn: false,
    externalOn: false,
    refreshSeconds: 3600,
  });
  await dns.start();
  const firstMs = dns.stats().lastReloadMs!;
  const reloads: number[] = [];
  for (let i = 0; i < RELOADS; i++) {
    await dns.refresh();
    reloads.push(dns.stats().lastReloadMs!);
  }
  const stats = dns.stats();
  await dns.stop();

  const records = new RecordSet();
  generateRecords(bigState, GENERATOR, records);
  const cache = new AnswerCache(records, ANSWERS);
  const encodeMs = encodeEveryAnswer(records, cache);
  console.log(
    `records for 100000 tasks (${(bigJson.length / 1e6).toFixed(1)} MB state, parsed in ${parseMs.toFixed(0)} ms): ` +
      `${stats.names} names, ${stats.values.a + stats.values.aaaa} A+AAAA values, ${stats.values.srv} SRV values`,
  );
  console.log(
    `rebuild ms: first load ${firstMs.toFixed(0)} (hashes every task ID), reload median ${median(reloads).toFixed(0)} ` +
      `(min ${Math.min(...reloads).toFixed(0)}, max ${Math.max(...reloads).toFixed(0)}, ${RELOADS} runs); ` +
      `then publishing them to the serving thread (encode, transfer, decode, install) ${stats.lastPublishMs!.toFixed(0)} ms, ` +
      `of which ${stats.lastHandoverMs!.toFixed(0)} ms on the main thread`,
  );
  console.log(
    `encoding every A and SRV reply once (deferred to each name's first query): ${encodeMs.toFixed(0)} ms, ` +
      `${cache.preparedCount} replies`,
  );
  return median(reloads);
}

/** Every A and SRV name of the zone once, plus NXDOMAIN names, shuffled: dnsperf's `name type` lines. */
function queryMix(state: unknown): { lines: string[]; a: number; srv: number; missing: number } {
  const records = new RecordSet();
  generateRecords(state, GENERATOR, records);
  const lines: string[] = [];
  for (const key of records.a.keys()) lines.push(`${wireKeyToName(key)} A`);
  const a = lines.length;
  for (const key of records.srvs.keys()) lines.push(`${wireKeyToName(key)} SRV`);
  const srv = lines.length - a;
  const missing = Math.round((lines.length * NXDOMAIN_SHARE) / (1 - NXDOMAIN_SHARE));
  for (let i = 0; i < missing; i++) lines.push(`no-such-app-${i}.marathon.mesos A`);
  const next = random(42);
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return { lines, a, srv, missing };
}

/**
 * Keeps the main event loop as busy as a cluster would: the state changes and is rebuilt every 100 ms, and 20 ms of
 * CPU work runs every 40 ms. Returns a stop function.
 */
function busyMainLoop(dns: MesosDns, source: StaticStateSource, base: Record<string, unknown>): () => void {
  let turn = 0;
  const [framework] = base.frameworks as { tasks: { slave_id: string }[] }[];
  const slaves = base.slaves as { id: string }[];
  const rebuild = setInterval(() => {
    // A task moves to another agent: a real change every time, so every rebuild publishes new records.
    const tasks = [...framework!.tasks];
    const i = ++turn % tasks.length;
    tasks[i] = { ...tasks[i]!, slave_id: slaves[turn % slaves.length]!.id };
    source.set({ ...base, frameworks: [{ ...framework, tasks }] });
    dns.notifyChange();
  }, 100);
  const cpu = setInterval(() => {
    const until = performance.now() + 20;
    while (performance.now() < until) {
      // CPU work on the main thread
    }
  }, 40);
  return () => {
    clearInterval(rebuild);
    clearInterval(cpu);
  };
}

interface Scenario {
  label: string;
  worker: boolean;
  /** With worker: serving processes sharing the socket (0: one worker thread). */
  processes: number;
  busy: boolean;
  rounds: number;
}

async function serve(scenario: Scenario, queryFile: string, state: Record<string, unknown>): Promise<DnsperfSummary[]> {
  const source = new StaticStateSource(state);
  const dns = new MesosDns({
    source,
    listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 },
    externalOn: false,
    httpOn: false,
    worker: scenario.worker,
    servingProcesses: scenario.processes,
    notifyDebounceMs: 0,
  });
  const bound = await dns.start();
  const base = ['-s', '127.0.0.1', '-p', String(bound.dns!.port), '-d', queryFile, '-c', String(CLIENTS)];
  const results: DnsperfSummary[] = [];
  try {
    // Warm-up: V8 optimises the query path and every name's reply gets encoded once.
    await runDnsperf([...base, '-l', '3']);
    const stopBusy = scenario.busy ? busyMainLoop(dns, source, state) : () => undefined;
    try {
      for (let r = 0; r < scenario.rounds; r++) {
        const before = await dns.currentStats();
        const cpuBefore = process.cpuUsage();
        const s = parseDnsperf(await runDnsperf([...base, '-l', String(SECONDS)]));
        const cpu = process.cpuUsage(cpuBefore);
        const after = await dns.currentStats();
        s.servingUsPerQuery = ((after.servingLoopActiveMs - before.servingLoopActiveMs) * 1000) / s.completed;
        // Serving processes' CPU is their own, not this process's: both are counted.
        const childCpuUs = (after.servingProcessesCpuMs - before.servingProcessesCpuMs) * 1000;
        s.cpuUsPerQuery = (cpu.user + cpu.system + childCpuUs) / s.completed;
        results.push(s);
        console.log(
          `  ${scenario.label} round ${r + 1}: ${s.qps.toFixed(0)} q/s, ${s.completed}/${s.sent} completed, ${s.lost} lost; ` +
            `latency avg ${s.avgLatencyMs.toFixed(3)} ms, max ${s.maxLatencyMs.toFixed(1)} ms, stddev ${s.stddevLatencyMs.toFixed(3)} ms; ${s.rcodes}; ` +
            `serving loop busy ${s.servingUsPerQuery.toFixed(2)} µs/query, process CPU ${s.cpuUsPerQuery.toFixed(2)} µs/query`,
        );
      }
    } finally {
      stopBusy();
    }
    const st = dns.stats();
    if (scenario.busy) {
      console.log(
        `  (${st.reloads} rebuilds during the run; last one ${st.lastReloadMs?.toFixed(1)} ms, published in ` +
          `${st.lastPublishMs?.toFixed(1)} ms, ${st.lastHandoverMs?.toFixed(1)} ms of it on the main thread)`,
      );
    }
  } finally {
    await dns.stop();
  }
  return results;
}

async function serveReference(queryFile: string, state: Record<string, unknown>): Promise<DnsperfSummary> {
  const dns = new MesosDns({
    source: new StaticStateSource(state),
    listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 },
    externalOn: false,
    httpOn: false,
    servingProcesses: PROCESSES,
  });
  const bound = await dns.start();
  try {
    const args = ['-s', '127.0.0.1', '-p', String(bound.dns!.port), '-d', queryFile, '-c', '4', '-q', '200'];
    await runDnsperf([...args, '-l', '3']);
    return parseDnsperf(await runDnsperf([...args, '-l', String(SECONDS)]));
  } finally {
    await dns.stop();
  }
}

async function main(): Promise<void> {
  if (spawnSync('dnsperf', ['-h']).error) {
    console.error('dnsperf not found on PATH: install it (Debian: apt-get install dnsperf) to run this benchmark');
    process.exit(1);
  }
  console.log(`machine: ${machine()}`);

  const rebuildMs = process.argv.includes('--serving-only') ? NaN : await measureRebuild();

  const state = syntheticState(10_000, 1000, 1000, true) as Record<string, unknown>;
  const mix = queryMix(state);
  const dir = mkdtempSync(join(tmpdir(), 'minidc-bench-dns-'));
  const summary: string[] = [];
  try {
    const queryFile = join(dir, 'queries.txt');
    writeFileSync(queryFile, mix.lines.join('\n') + '\n');
    console.log(
      `query mix: ${mix.lines.length} queries — every A name (${mix.a}) and SRV name (${mix.srv}) of a 10000-task zone ` +
        `once, plus ${mix.missing} NXDOMAIN names; dnsperf -c ${CLIENTS} -l ${SECONDS}`,
    );
    let servingIdleQps = 0;
    const scenarios: Scenario[] = [
      { label: `${PROCESSES} serving processes, idle`, worker: true, processes: PROCESSES, busy: false, rounds: ROUNDS },
      { label: `${PROCESSES} serving processes, busy main loop`, worker: true, processes: PROCESSES, busy: true, rounds: ROUNDS },
      { label: 'worker thread, idle', worker: true, processes: 0, busy: false, rounds: ROUNDS },
      { label: 'worker thread, busy main loop', worker: true, processes: 0, busy: true, rounds: 1 },
      { label: 'in-process, idle', worker: false, processes: 0, busy: false, rounds: 1 },
      { label: 'in-process, busy main loop', worker: false, processes: 0, busy: true, rounds: 1 },
    ];
    for (const scenario of scenarios) {
      const results = await serve(scenario, queryFile, state);
      const qps = results.map((r) => r.qps);
      if (scenario.processes === PROCESSES && !scenario.busy) servingIdleQps = median(qps);
      const lost = results.reduce((n, r) => n + r.lost, 0);
      const sent = results.reduce((n, r) => n + r.sent, 0);
      summary.push(
        `${scenario.label}: median ${median(qps).toFixed(0)} q/s (min ${Math.min(...qps).toFixed(0)}, max ${Math.max(...qps).toFixed(0)}, ` +
          `${results.length} rounds), avg latency ${median(results.map((r) => r.avgLatencyMs)).toFixed(3)} ms, lost ${lost}/${sent}, ` +
          `serving loop ${median(results.map((r) => r.servingUsPerQuery ?? NaN)).toFixed(2)} µs/query, ` +
          `process CPU ${median(results.map((r) => r.cpuUsPerQuery ?? NaN)).toFixed(2)} µs/query`,
      );
    }
    // The 2026-11-22 workload (A records of random app names, 4 clients, 200 outstanding) in the same conditions,
    // to compare this machine and its load with that measurement (169,991 q/s).
    const nextName = random(42);
    const referenceFile = join(dir, 'reference.txt');
    writeFileSync(referenceFile, Array.from({ length: 100_000 }, () => `app-${Math.floor(nextName() * 1000)}.marathon.mesos A`).join('\n') + '\n');
    const reference = await serveReference(referenceFile, state);
    summary.push(`reference (2026-11-22 workload: A of app names, -c 4 -q 200, ${PROCESSES} serving processes): ${reference.qps.toFixed(0)} q/s, lost ${reference.lost}`);
    for (const line of summary) console.log(line);
    console.log(`mesos-dns 10000 tasks realistic mix qps=${servingIdleQps.toFixed(0)} rebuild_100000_ms=${rebuildMs.toFixed(0)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
