/**
 * `npm run bench:marathon`: how responsive Marathon's HTTP server stays while one app asks for 100,000 instances.
 * A master, agents on the simulated executor (BENCH_EXECUTOR=process for real processes) and Marathon run in this
 * process, as in `minidc start`; GET /ping is timed every 50 ms for BENCH_SECONDS while the launch runs.
 *
 * Target (issue): ping p99 < 100 ms. Launches are limited by Marathon's launch tokens (BENCH_LAUNCH_TOKENS per
 * BENCH_TOKEN_REFRESH_MS, Marathon's defaults 100 per 30 s); BENCH_LAUNCH_TOKENS=100000 shows the unlimited case.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../runtime/agent/agent.ts';
import type { Executor } from '../runtime/agent/executor.ts';
import { ProcessExecutor } from '../runtime/agent/process-executor.ts';
import { SimulatedExecutor } from '../runtime/agent/simulated-executor.ts';
import { Resources } from '../runtime/mesos/resources.ts';
import { listenHttp } from '../runtime/http/listen-http.ts';
import { buildMarathonApp } from '../runtime/marathon/marathon-routes.ts';
import { MarathonScheduler } from '../runtime/marathon/marathon-scheduler.ts';
import { Master } from '../runtime/master/master.ts';
import { Registrar } from '../runtime/master/registrar.ts';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 4);
const LAUNCH_TOKENS = Number(process.env.BENCH_LAUNCH_TOKENS ?? 100);
const TOKEN_REFRESH_MS = Number(process.env.BENCH_TOKEN_REFRESH_MS ?? 30_000);
const EXECUTOR = process.env.BENCH_EXECUTOR === 'process' ? 'process' : 'simulated';

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timedPing(url: string): Promise<number> {
  const start = performance.now();
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  await res.text();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-marathon-'));
  const master = new Master({
    hostname: 'master',
    ip: '127.0.0.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 1000,
    log: () => {},
  });
  await master.start();
  const agents: Agent[] = [];
  const executors: Executor[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const executor: Executor =
      EXECUTOR === 'process'
        ? new ProcessExecutor({ switchUser: false, defaultKillGracePeriodMs: 500, onError: () => {} })
        : new SimulatedExecutor({ onError: () => {} });
    const agent = new Agent({
      hostname: `agent${i + 1}`,
      ip: '127.0.0.1',
      port: 5051 + i,
      resources: Resources.parse('cpus:64;mem:65536;disk:65536;ports:[31000-32000]'),
      attributes: {},
      workDir: join(dir, `agent${i + 1}`),
      executor,
      master,
      version: '1.11.0',
    });
    await agent.start();
    agents.push(agent);
    executors.push(executor);
  }
  const marathon = new MarathonScheduler({
    master,
    dataDir: join(dir, 'marathon'),
    hostname: '127.0.0.1',
    launchTokens: LAUNCH_TOKENS,
    launchTokenRefreshIntervalMs: TOKEN_REFRESH_MS,
  });
  await marathon.start();
  const server = await buildMarathonApp({ scheduler: marathon });
  const { url } = await listenHttp(server, '127.0.0.1', 0);
  try {
    const created = await fetch(`${url}/v2/apps`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: '/mass', cmd: 'sleep 3600', cpus: 0.01, mem: 1, instances: INSTANCES }),
      signal: AbortSignal.timeout(10_000),
    });
    if (created.status !== 201) throw new Error(`POST /v2/apps answered ${created.status}: ${await created.text()}`);
    const latencies: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    while (performance.now() < end) {
      latencies.push(await timedPing(`${url}/ping`));
      await new Promise((r) => setTimeout(r, 50));
    }
    const launched = marathon.tasksOf('/mass').length;
    const running = marathon.tasksOf('/mass').filter((t) => t.state === 'TASK_RUNNING').length;
    latencies.sort((a, b) => a - b);
    console.log(
      `marathon mass launch: ${INSTANCES} instances, ${AGENTS} agents (${EXECUTOR} executor), ` +
        `launch tokens ${LAUNCH_TOKENS} per ${TOKEN_REFRESH_MS} ms, ${SECONDS} s`,
    );
    console.log(`  tasks launched ${launched}, running ${running}`);
    console.log(
      `  GET /ping (${latencies.length} samples): p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms`,
    );
  } finally {
    await server.close();
    await marathon.stop();
    for (const a of agents) await a.shutdownTasks();
    await master.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
