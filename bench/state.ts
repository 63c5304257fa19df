/**
 * `npm run bench:state`: response time and size of the master's `/master/state`, `/master/state-summary` and
 * `/metrics/snapshot` over HTTP with 10,000 simulated agents and 100,000 running tasks.
 *
 * Agents are simulated at the protocol level (they answer pings and report TASK_STARTING/TASK_RUNNING at once), so
 * the master holds exactly what it would for a real cluster of that size. Targets (issue): /master/state < 300 ms,
 * /metrics/snapshot < 10 ms. Mesos 1.7 took ~3 s for /master/state on large clusters.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../runtime/master/http/master-http-plugin.ts';
import { masterState } from '../runtime/master/master-state-json.ts';
import { startSimulatedMaster } from './support/simulated-master.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const TASKS_PER_AGENT = Number(process.env.BENCH_TASKS_PER_AGENT ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const execFileAsync = promisify(execFile);

/**
 * Times one GET as an outside client sees it (curl in its own process, so the client's parsing does not compete
 * with the server's event loop); falls back to fetch when curl is missing.
 */
async function timedGet(url: string): Promise<{ status: number; bytes: number; ms: number }> {
  try {
    const { stdout } = await execFileAsync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{size_download} %{time_total}', url], {
      timeout: 60_000,
    });
    const [status, bytes, seconds] = stdout.trim().split(' ').map(Number);
    return { status: status!, bytes: bytes!, ms: seconds! * 1000 };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const start = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    return { status: res.status, bytes: body.byteLength, ms: performance.now() - start };
  }
}

async function main(): Promise<void> {
  const sim = await startSimulatedMaster({ agents: AGENTS, tasksPerAgent: TASKS_PER_AGENT });
  const master = sim.master;
  const want = sim.running.size;

  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => master, flags: { cluster: 'bench' } });
  const { url } = await listenHttp(app, '127.0.0.1', 0);

  console.log(`minidc bench:state — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
  console.log(`cluster: ${AGENTS} agents registered in ${sim.registerMs.toFixed(0)} ms; ${want} tasks RUNNING after ${sim.launchMs.toFixed(0)} ms more`);
  console.log('endpoint                 size        first      median     p90        max   (ms, full body over HTTP, curl)');
  for (const path of ['/master/state', '/master/state-summary', '/metrics/snapshot', '/master/tasks?limit=100']) {
    const times: number[] = [];
    let size = 0;
    let first = 0;
    for (let i = 0; i < ROUNDS; i++) {
      // Task JSON is cached per task; the first request after startup pays for building it.
      const { status, bytes, ms } = await timedGet(`${url}${path}`);
      if (status !== 200) throw new Error(`${path} answered ${status}`);
      size = bytes;
      if (i === 0) first = ms;
      else times.push(ms);
    }
    times.sort((a, b) => a - b);
    const pick = (p: number) => times[Math.min(times.length - 1, Math.floor(p * (times.length - 1)))] ?? first;
    console.log(
      `${path.padEnd(24)} ${(size / 1e6).toFixed(2).padStart(7)} MB ${first.toFixed(1).padStart(9)} ${pick(0.5).toFixed(1).padStart(10)} ${pick(0.9).toFixed(1).padStart(10)} ${(times.at(-1) ?? first).toFixed(1).padStart(10)}`,
    );
  }
  const renders: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    masterState(master, { cluster: 'bench' });
    renders.push(performance.now() - start);
  }
  console.log(`/master/state rendered in process (no HTTP): ${renders.map((r) => r.toFixed(0)).join(', ')} ms`);
  console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  await app.close();
  await sim.close();
}

await main();
