/**
 * `npm run bench:vip` — HTTP through a minidc VIP against the same backends directly and through haproxy (TCP mode,
 * `balance leastconn`), with wrk (2 threads, 64 keep-alive connections) in one run. Backends are nginx when it is
 * installed, else node:http servers in child processes; the output says which.
 *
 * Targets are measured in interleaved rounds (each round runs every target once) and the median round is reported,
 * since on a small machine wrk, the proxy and the backends share the cores and single runs are noisy. The proxy's
 * CPU time per request (from /proc, all its processes) is printed too: it barely depends on that noise.
 *
 * Usage: npm run bench:vip [-- --duration SECONDS] [-- --rounds N] [-- --workers N]
 * The last line is `vip rps_ratio=<VIP/haproxy req/s> p99_ratio=<VIP/haproxy p99>` for the worker-mode VIP.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import cluster from 'node:cluster';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { L4lb } from '../runtime/l4lb/l4lb.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} wants a number`);
  return v;
}

const DURATION_S = arg('--duration', 10);
const ROUNDS = arg('--rounds', 3);
const WORKERS = arg('--workers', 2);
const VIP_PORT = 10080;
const HAPROXY_ADDR = '127.12.0.1';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const children: ChildProcess[] = [];
let tmp = '';

function cleanup(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
}

function start(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

async function waitForPort(host: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${host}:${port}`);
}

const BACKEND_PORTS = [10081, 10082];

async function startBackends(): Promise<string> {
  const nginx = which('nginx');
  if (nginx) {
    const conf = join(tmp, 'nginx.conf');
    const listen = BACKEND_PORTS.map((p) => `listen 127.0.0.1:${p};`).join(' ');
    writeFileSync(
      conf,
      `worker_processes ${BACKEND_PORTS.length}; daemon off; pid ${tmp}/nginx.pid; error_log ${tmp}/nginx-error.log;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${tmp}; keepalive_requests 1000000;
  server { ${listen} location / { return 200 "ok"; } } }\n`,
    );
    start(nginx, ['-c', conf, '-p', tmp]);
    for (const p of BACKEND_PORTS) await waitForPort('127.0.0.1', p);
    return `nginx (${BACKEND_PORTS.length} workers)`;
  }
  const server = `require('node:http').createServer((q, s) => { s.writeHead(200, {'content-type': 'text/plain',
    'content-length': 3}); s.end('ok\\n'); }).listen(Number(process.argv[1]), '127.0.0.1');`;
  for (const p of BACKEND_PORTS) start(process.execPath, ['-e', server, String(p)]);
  for (const p of BACKEND_PORTS) await waitForPort('127.0.0.1', p);
  return `node:http, one child process per backend (nginx not installed)`;
}

async function startHaproxy(bin: string): Promise<number> {
  const cfg = join(tmp, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `global
  maxconn 4096
defaults
  mode tcp
  timeout connect 1s
  timeout client 60s
  timeout server 60s
listen vip
  bind ${HAPROXY_ADDR}:${VIP_PORT}
  balance leastconn
${BACKEND_PORTS.map((p, i) => `  server b${i} 127.0.0.1:${p}`).join('\n')}
`,
  );
  const child = start(bin, ['-db', '-f', cfg]);
  await waitForPort(HAPROXY_ADDR, VIP_PORT);
  return child.pid!;
}

let ticksPerSecond: number | undefined;

/** User + system CPU milliseconds used so far by these processes (all their threads). */
function cpuMs(pids: readonly number[]): number {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
  let ticks = 0;
  for (const pid of pids) {
    // Fields after the command name: state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

interface WrkResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Proxy CPU microseconds per request (NaN when no proxy is measured). */
  cpuUsPerRequest: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

async function wrk(url: string, seconds: number, proxyPids: readonly number[]): Promise<WrkResult> {
  const cpuBefore = cpuMs(proxyPids);
  const child = spawn('wrk', ['-t2', '-c64', `-d${seconds}s`, '--latency', url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const proxyCpuMs = cpuMs(proxyPids) - cpuBefore;
  const requests = /(\d+) requests in/.exec(out);
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(out);
  if (code !== 0 || !rps || !p50 || !p99 || !requests) throw new Error(`wrk ${url} failed: ${out.trim()}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  const errors =
    (socketErrors ? socketErrors.slice(1).reduce((a, b) => a + Number(b), 0) : 0) + (non2xx ? Number(non2xx[1]) : 0);
  return {
    rps: Number(rps[1]),
    p50Ms: toMs(p50[1]!, p50[2]!),
    p99Ms: toMs(p99[1]!, p99[2]!),
    errors,
    cpuUsPerRequest: proxyPids.length > 0 ? (proxyCpuMs * 1000) / Number(requests[1]) : NaN,
  };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<void> {
  const haproxy = which('haproxy');
  if (!which('wrk') || !haproxy) {
    console.error('bench:vip needs wrk and haproxy on PATH (Debian: apt-get install wrk haproxy)');
    process.exitCode = 1;
    return;
  }
  tmp = mkdtempSync(join(tmpdir(), 'minidc-bench-vip-'));
  const backendKind = await startBackends();
  const haproxyPid = await startHaproxy(haproxy);
  const backends = BACKEND_PORTS.map((port) => ({ ip: '127.0.0.1', port }));

  const inProcess = new L4lb({ api: { host: '127.0.0.1', port: 0 } });
  await inProcess.start();
  await inProcess.setBackends(`/bench-inprocess:${VIP_PORT}`, backends);
  const withWorkers = new L4lb({ api: { host: '127.0.0.1', port: 0 }, workers: WORKERS });
  await withWorkers.start();
  await withWorkers.setBackends(`/bench-workers:${VIP_PORT}`, backends);
  const inProcessIp = inProcess.resolveName('bench-inprocess.marathon.l4lb.thisdcos.directory')![0]!;
  const workersIp = withWorkers.resolveName('bench-workers.marathon.l4lb.thisdcos.directory')![0]!;

  // The control process (this one) counts for both VIP targets; it is idle in worker mode.
  const workerPids = Object.values(cluster.workers ?? {}).map((w) => w!.process.pid!);
  const targets: [string, string, number[]][] = [
    ['direct (one backend)', `http://127.0.0.1:${BACKEND_PORTS[0]}/`, []],
    ['haproxy leastconn', `http://${HAPROXY_ADDR}:${VIP_PORT}/`, [haproxyPid]],
    ['VIP, in-process', `http://${inProcessIp}:${VIP_PORT}/`, [process.pid]],
    [`VIP, ${WORKERS} workers`, `http://${workersIp}:${VIP_PORT}/`, [process.pid, ...workerPids]],
  ];
  const model = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`# bench:vip ${new Date().toISOString()}`);
  console.log(`# machine: ${availableParallelism()} cores, ${model}, node ${process.version}`);
  console.log(`# backends: ${backendKind}`);
  console.log(`# wrk -t2 -c64 -d${DURATION_S}s --latency, ${ROUNDS} interleaved rounds, median shown`);

  for (const [, url, pids] of targets) await wrk(url, 1, pids); // warm-up: JIT, connection pools, page cache
  const results = new Map<string, WrkResult[]>(targets.map(([name]) => [name, []]));
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, url, pids] of targets) results.get(name)!.push(await wrk(url, DURATION_S, pids));

  const summary = new Map<string, WrkResult>();
  for (const [name] of targets) {
    const runs = results.get(name)!;
    const s = {
      rps: median(runs.map((x) => x.rps)),
      p50Ms: median(runs.map((x) => x.p50Ms)),
      p99Ms: median(runs.map((x) => x.p99Ms)),
      errors: runs.reduce((a, x) => a + x.errors, 0),
      cpuUsPerRequest: median(runs.map((x) => x.cpuUsPerRequest)),
    };
    summary.set(name, s);
    const cpu = Number.isNaN(s.cpuUsPerRequest) ? '   -' : s.cpuUsPerRequest.toFixed(1);
    console.log(
      `${name.padEnd(22)} req/s=${Math.round(s.rps).toString().padStart(7)} p50_ms=${s.p50Ms.toFixed(2)} ` +
        `p99_ms=${s.p99Ms.toFixed(2)} proxy_cpu_us/req=${cpu} errors=${s.errors}` +
        `  (by round: req/s ${runs.map((x) => Math.round(x.rps)).join('/')},` +
        ` p99_ms ${runs.map((x) => x.p99Ms.toFixed(1)).join('/')})`,
    );
  }
  const hap = summary.get('haproxy leastconn')!;
  for (const [name] of targets.slice(2)) {
    const v = summary.get(name)!;
    const rps = (v.rps / hap.rps).toFixed(2);
    const p99 = (v.p99Ms / hap.p99Ms).toFixed(2);
    const cpu = (v.cpuUsPerRequest / hap.cpuUsPerRequest).toFixed(2);
    console.log(`${name.padEnd(22)} vs haproxy: req/s x${rps}, p99 x${p99}, cpu/req x${cpu}`);
  }
  const headline = summary.get(targets[3]![0])!;
  await inProcess.stop();
  await withWorkers.stop();
  const rpsRatio = (headline.rps / hap.rps).toFixed(2);
  console.log(`vip rps_ratio=${rpsRatio} p99_ratio=${(headline.p99Ms / hap.p99Ms).toFixed(2)}`);
}

try {
  await main();
} catch (err) {
  console.error(`bench:vip failed: ${(err as Error).message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  cleanup();
}
