/**
 * `npm run bench:state-summary`: `/master/state-summary` (and `/master/state`) under 300 concurrent keep-alive
 * clients for 20 s each, against a master of 100 simulated agents and 1,200 running tasks while a task is killed
 * (and replaced from the next offer) every 100 ms. Prints p50/p99/max latency and requests/s per endpoint.
 *
 * The clients run in a child process (bench/http-load-client.ts) so their parsing does not share the server's
 * event loop. Environment: BENCH_AGENTS, BENCH_TASKS_PER_AGENT, BENCH_CLIENTS, BENCH_SECONDS, BENCH_CHANGE_MS,
 * BENCH_PATHS (comma list).
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHttpServer } from '../runtime/http/http-server.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../runtime/master/http/master-http-plugin.ts';
import type { LoadResult } from './http-load-client.ts';
import { startSimulatedMaster } from './support/simulated-master.ts';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 100);
const TASKS_PER_AGENT = Number(process.env.BENCH_TASKS_PER_AGENT ?? 12);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CHANGE_MS = Number(process.env.BENCH_CHANGE_MS ?? 100);
// /version (a constant document) shows what the machine itself allows for 300 clients.
const PATHS = (process.env.BENCH_PATHS ?? '/version,/master/state-summary,/master/state').split(',');

const execFileAsync = promisify(execFile);
const client = fileURLToPath(new URL('./http-load-client.ts', import.meta.url));

const sim = await startSimulatedMaster({ agents: AGENTS, tasksPerAgent: TASKS_PER_AGENT, allocationIntervalMs: 1000 });
const app = createHttpServer();
await app.register(masterHttpPlugin, { master: () => sim.master, flags: { cluster: 'bench' } });
const { url } = await listenHttp(app, '127.0.0.1', 0);

console.log(`minidc bench:state-summary — ${new Date().toISOString().slice(0, 10)}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(
  `cluster: ${AGENTS} agents, ${sim.running.size} running tasks; a task killed and replaced every ${CHANGE_MS} ms; ` +
    `${CLIENTS} keep-alive clients for ${SECONDS} s per endpoint`,
);
console.log('endpoint                 size       req/s      p50 ms     p99 ms     max ms  errors  kills');
for (const path of PATHS) {
  let kills = 0;
  // The churn: Marathon-like replacement of a killed task keeps the task count steady while the state changes.
  const churn = setInterval(() => {
    const victim = sim.running.values().next().value;
    if (victim === undefined) return;
    sim.running.delete(victim);
    sim.framework.kill(victim);
    kills++;
  }, CHANGE_MS);
  const size = (await (await fetch(`${url}${path}`)).arrayBuffer()).byteLength;
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', client, `${url}${path}`, String(CLIENTS), String(SECONDS)], {
    maxBuffer: 1 << 20,
  });
  clearInterval(churn);
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  console.log(
    `${path.padEnd(24)} ${(size / 1e3).toFixed(0).padStart(6)} kB ${(r.requests / r.seconds).toFixed(0).padStart(8)} ${r.p50_ms.toFixed(1).padStart(10)} ${r.p99_ms.toFixed(1).padStart(10)} ${r.max_ms.toFixed(1).padStart(10)} ${String(r.errors).padStart(7)} ${String(kills).padStart(6)}`,
  );
}
console.log(`running tasks at the end: ${sim.master.counters.activeTasks('TASK_RUNNING')}; RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
await app.close();
await sim.close();
