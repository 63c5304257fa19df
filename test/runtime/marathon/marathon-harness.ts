/**
 * A small cluster for Marathon tests: a real Master with Agents in process, a MarathonScheduler on an accelerated
 * clock (so backoff, health intervals and unreachable timeouts of whole seconds pass quickly) and its REST API on
 * 127.0.0.1:0, driven with fetch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { everyOn, type Time, type TimerHandle } from '../../../runtime/time/clock.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import { Agent } from '../../../runtime/agent/agent.ts';
import type { Executor } from '../../../runtime/agent/executor.ts';
import { ProcessExecutor } from '../../../runtime/agent/process-executor.ts';
import { SimulatedExecutor, type SimulatedTaskPlan } from '../../../runtime/agent/simulated-executor.ts';
import type { TaskSpec } from '../../../runtime/agent/task-spec.ts';
import { Master } from '../../../runtime/master/master.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import { MarathonScheduler, type MarathonSchedulerOptions } from '../../../runtime/marathon/marathon-scheduler.ts';
import { buildMarathonApp } from '../../../runtime/marathon/marathon-routes.ts';
import type { FastifyInstance } from 'fastify';

export interface AgentSpec {
  hostname?: string;
  resources?: string;
  attributes?: Record<string, string>;
}

export interface ClusterOptions {
  agents?: number | AgentSpec[];
  /** 'process' runs real processes (health-check tests). */
  executor?: 'simulated' | 'process';
  /** How many Marathon seconds pass per real second. */
  timeScale?: number;
  /** Master --agent_ping_timeout in ms (with 2 missed pings an agent is unreachable). */
  pingMs?: number;
  marathon?: Partial<MarathonSchedulerOptions>;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // Tests look into arbitrary JSON; `any` keeps those assertions readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface Cluster {
  dir: string;
  master: Master;
  agents: Agent[];
  executors: Executor[];
  marathon: MarathonScheduler;
  baseUrl: string;
  clock: Time;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  /** Stops Marathon and its server, runs `whileDown`, then starts a new instance on the same data dir. */
  restartMarathon(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Real time running `factor` times faster, for both clocks and the timers. */
export function acceleratedClock(factor: number): Time {
  const origin = Date.now();
  const timers = {
    setTimeout: (fn: () => void, ms: number): TimerHandle => setTimeout(fn, ms / factor),
    clearTimeout: (h: TimerHandle) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  return {
    now: () => performance.now() * factor,
    wallMs: () => origin + (Date.now() - origin) * factor,
    ...timers,
    every: (intervalMs, fn, options) => everyOn(timers, intervalMs, fn, options),
  };
}

/**
 * Simulated tasks behave as their app's env says: SIM_FINISH_AFTER_MS (exit that long after RUNNING), SIM_EXIT_CODE
 * (default 1 when finishing), SIM_START_DELAY_MS (STARTING → RUNNING delay).
 */
function simulatedPlan(task: TaskSpec): SimulatedTaskPlan {
  const num = (name: string) => (task.env[name] === undefined ? undefined : Number(task.env[name]));
  const finishAfterMs = num('SIM_FINISH_AFTER_MS');
  const startDelayMs = num('SIM_START_DELAY_MS');
  return {
    ...(finishAfterMs === undefined ? {} : { finishAfterMs, exitCode: num('SIM_EXIT_CODE') ?? 1 }),
    ...(startDelayMs === undefined ? {} : { startDelayMs }),
  };
}

/** A random 127.x.y.0/24 per cluster, so test files running side by side never share host ports. */
function loopbackSubnet(): string {
  const b = 10 + Math.floor(Math.random() * 240);
  const c = Math.floor(Math.random() * 250);
  return `127.${b}.${c}`;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-marathon-'));
  const subnet = loopbackSubnet();
  const master = new Master({
    hostname: 'master',
    ip: `${subnet}.1`,
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 50,
    agentPingTimeoutMs: options.pingMs ?? 100,
    maxAgentPingTimeouts: 2,
    log: () => {},
  });
  await master.start();
  const specs: AgentSpec[] =
    typeof options.agents === 'number' || options.agents === undefined
      ? Array.from({ length: options.agents ?? 2 }, () => ({}))
      : options.agents;
  const agents: Agent[] = [];
  const executors: Executor[] = [];
  for (const [i, spec] of specs.entries()) {
    const executor =
      options.executor === 'process'
        ? new ProcessExecutor({ switchUser: false, defaultKillGracePeriodMs: 500, onError: () => {} })
        : new SimulatedExecutor({ onError: () => {}, planFor: simulatedPlan });
    const agent = new Agent({
      hostname: spec.hostname ?? `agent${i + 1}`,
      ip: `${subnet}.${i + 10}`,
      port: 5051,
      resources: Resources.parse(spec.resources ?? 'cpus:4;mem:4096;disk:4096;ports:[31000-31099]'),
      attributes: spec.attributes ?? {},
      workDir: join(dir, `agent${i + 1}`),
      executor,
      master,
      version: '1.11.0',
    });
    await agent.start();
    agents.push(agent);
    executors.push(executor);
  }
  const clock = acceleratedClock(options.timeScale ?? 10);
  const dataDir = join(dir, 'marathon');
  let marathon: MarathonScheduler;
  let server: FastifyInstance;
  let baseUrl = '';
  const launch = async () => {
    marathon = new MarathonScheduler({
      master,
      dataDir,
      hostname: `${subnet}.1`,
      httpPort: 8080,
      time: clock,
      log: () => {},
      ...options.marathon,
    });
    await marathon.start();
    server = await buildMarathonApp({ scheduler: marathon });
    await server.listen({ host: '127.0.0.1', port: 0 });
    const address = server.server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    baseUrl = `http://127.0.0.1:${address.port}`;
  };
  await launch();
  const cluster: Cluster = {
    dir,
    master,
    agents,
    executors,
    get marathon() {
      return marathon;
    },
    get baseUrl() {
      return baseUrl;
    },
    clock,
    async api(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
      const res = await fetch(baseUrl + path, init);
      const text = await res.text();
      let parsed: unknown = text;
      if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
      return { status: res.status, headers: res.headers, body: parsed };
    },
    async restartMarathon(whileDown) {
      await server.close();
      await marathon.stop();
      await whileDown?.();
      await launch();
    },
    async close() {
      await server.close();
      await marathon.stop();
      for (const a of agents) await a.shutdownTasks();
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Polls until `cond` holds; fails naming what it waited for (and the last value seen, when given). */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The app's tasks as the API shows them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function appTasks(c: Cluster, appId: string): Promise<any[]> {
  const res = await c.api('GET', `/v2/apps${appId}/tasks`);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return res.status === 200 ? (res.body.tasks as any[]) : [];
}

/** Waits until the app has exactly `n` running tasks and no deployment. */
export async function waitForDeployed(c: Cluster, appId: string, n: number): Promise<void> {
  await until(`${appId} deployed with ${n} running`, async () => {
    const res = await c.api('GET', `/v2/apps${appId}`);
    return res.status === 200 && res.body.app.tasksRunning === n && res.body.app.deployments.length === 0 && res.body.app.tasks.length === n;
  });
}

/** Mesos's view: the framework's live tasks on the master. */
export function masterTasks(c: Cluster): { id: string; state: string; agentId: string }[] {
  const fw = c.marathon.frameworkId === undefined ? undefined : c.master.frameworks.get(c.marathon.frameworkId);
  return [...(fw?.tasks.values() ?? [])].map((t) => ({ id: t.id, state: t.state, agentId: t.agentId }));
}
