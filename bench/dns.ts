/**
 * `npm run bench:dns` — dnsperf against minidc's Mesos-DNS, and the record rebuild time.
 *
 * Serving: a synthetic `/master/state` with 10,000 running tasks (1,000 app names, 10 tasks each, spread over 1,000
 * agents, framework `marathon`); dnsperf asks for the A records of random app names (`<app>.marathon.mesos`).
 * Rebuild: the state of Mesos-DNS's own measurement (reference E) at 100,000 tasks — 1 framework, 1,000 agents, two
 * host ports and one NetworkInfo IP per task, N/10 app names, IPSources ["host","netinfo"] — timed by MesosDns
 * itself (records generated from the state and swapped in); JSON parsing and encoding every reply once are shown
 * apart.
 *
 * Usage: npm run bench:dns [-- --seconds 20] [-- --clients 8] [-- --outstanding 200]
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
import { nameToWireKey } from '../runtime/dns/wire/dns-names.ts';
import { parseQuery } from '../runtime/dns/wire/dns-query.ts';
import { seededRandom } from '../runtime/allocator/seeded-random.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const SECONDS = arg('--seconds', 20);
const CLIENTS = arg('--clients', 4);
const OUTSTANDING = arg('--outstanding', 200);
const RELOADS = 9;

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
      `(min ${Math.min(...reloads).toFixed(0)}, max ${Math.max(...reloads).toFixed(0)}, ${RELOADS} runs)`,
  );
  console.log(
    `encoding every A and SRV reply once (deferred to each name's first query): ${encodeMs.toFixed(0)} ms, ` +
      `${cache.preparedCount} replies`,
  );
  return median(reloads);
}

async function main(): Promise<void> {
  if (spawnSync('dnsperf', ['-h']).error) {
    console.error('dnsperf not found on PATH: install it (Debian: apt-get install dnsperf) to run this benchmark');
    process.exit(1);
  }
  console.log(`machine: ${machine()}`);

  const rebuildMs = await measureRebuild();

  const dns = new MesosDns({
    source: new StaticStateSource(syntheticState(10_000, 1000, 1000, true)),
    listen: { host: '127.0.0.1', dnsPort: 0, httpPort: 0 },
    externalOn: false,
    httpOn: false,
  });
  const bound = await dns.start();
  const dir = mkdtempSync(join(tmpdir(), 'minidc-bench-dns-'));
  try {
    const next = random(42);
    const lines = Array.from({ length: 100_000 }, () => `app-${Math.floor(next() * 1000)}.marathon.mesos A`);
    const queryFile = join(dir, 'queries.txt');
    writeFileSync(queryFile, lines.join('\n') + '\n');
    // Warm-up: let V8 optimise the query path and every shuffled variant get built.
    await runDnsperf(['-s', '127.0.0.1', '-p', String(bound.dns!.port), '-d', queryFile, '-l', '3', '-c', String(CLIENTS), '-q', String(OUTSTANDING)]);
    const out = await runDnsperf([
      '-s', '127.0.0.1', '-p', String(bound.dns!.port), '-d', queryFile,
      '-l', String(SECONDS), '-c', String(CLIENTS), '-q', String(OUTSTANDING),
    ]);
    const s = parseDnsperf(out);
    console.log(
      `dnsperf ${SECONDS}s, ${CLIENTS} clients, ${OUTSTANDING} outstanding: ${s.completed}/${s.sent} completed, ${s.lost} lost; ` +
        `${s.rcodes}; average packet size ${s.packetSizes}`,
    );
    console.log(
      `latency ms: avg ${s.avgLatencyMs.toFixed(3)}, min ${s.minLatencyMs.toFixed(3)}, max ${s.maxLatencyMs.toFixed(3)}, stddev ${s.stddevLatencyMs.toFixed(3)}`,
    );
    console.log(`mesos-dns 10000 tasks qps=${s.qps.toFixed(0)} rebuild_100000_ms=${rebuildMs.toFixed(0)}`);
  } finally {
    await dns.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
