/**
 * Test support: a master and one agent running real processes (ProcessExecutor), the agent's HTTP surface on
 * 127.0.0.1:0, and a framework that launches the given tasks from the first offer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Agent } from '../../../../runtime/agent/agent.ts';
import { ProcessExecutor } from '../../../../runtime/agent/process-executor.ts';
import { Resources } from '../../../../runtime/mesos/resources.ts';
import { agentHttpPlugin } from '../../../../runtime/agent/http/agent-http-plugin.ts';
import { createHttpServer } from '../../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../../runtime/http/listen-http.ts';
import { Master } from '../../../../runtime/master/master.ts';
import { Registrar } from '../../../../runtime/master/registrar.ts';
import type { SchedulerConnection, TaskLaunch } from '../../../../runtime/mesos/scheduler-api.ts';
import type { TaskStatus } from '../../../../runtime/mesos/task-status.ts';

/** Generous: waits guard against hangs, they measure nothing. */
const WAIT_MS = 20_000;

export const AGENT_IP = '127.0.2.1';
export const AGENT_FLAGS = { work_dir: '/var/lib/mesos', port: '5051', isolation: 'posix/cpu,posix/mem' };

export interface AgentFixture {
  dir: string;
  master: Master;
  agent: Agent;
  app: FastifyInstance;
  url: string;
  updates: TaskStatus[];
  framework: SchedulerConnection;
  get(path: string): Promise<Response>;
  json<T = unknown>(path: string): Promise<T>;
  close(): Promise<void>;
}

export function launch(taskId: string, command: string, resources = 'cpus:0.1;mem:32'): TaskLaunch {
  return { taskId, name: `${taskId}-name`, resources: Resources.parse(resources), command: { value: command } };
}

export async function startAgentFixture(tasks: TaskLaunch[]): Promise<AgentFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-agent-http-'));
  const master = new Master({
    hostname: 'm1',
    ip: '127.0.1.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 50,
    log: () => {},
  });
  await master.start();
  const agent = new Agent({
    hostname: 'a1',
    ip: AGENT_IP,
    port: 5051,
    resources: Resources.parse('cpus:2;mem:1024;disk:1024;ports:[31000-31010];cpus(analytics):1'),
    attributes: { rack: 'r1' },
    workDir: join(dir, 'agent'),
    executor: new ProcessExecutor({ defaultKillGracePeriodMs: 200 }),
    master,
    version: '1.11.0',
  });
  await agent.start();

  const updates: TaskStatus[] = [];
  let launched = false;
  const box: { conn?: SchedulerConnection } = {};
  const framework = await master.subscribe(
    { name: 'http-test', user: 'root', roles: ['*'], capabilities: ['MULTI_ROLE', 'PARTITION_AWARE'] },
    {
      subscribed: () => {},
      offers: (offers) => {
        for (const o of offers) {
          if (launched) box.conn!.decline([o.id], { refuseSeconds: 60 });
          else {
            launched = true;
            box.conn!.accept([o.id], tasks, { refuseSeconds: 60 });
          }
        }
      },
      rescind: () => {},
      update: (u) => updates.push(u),
      error: () => {},
    },
  );
  box.conn = framework;

  const app = createHttpServer();
  await app.register(agentHttpPlugin, { agent, flags: AGENT_FLAGS });
  const { url } = await listenHttp(app, '127.0.0.1', 0);

  const get = (path: string) => fetch(`${url}${path}`);
  return {
    dir,
    master,
    agent,
    app,
    url,
    updates,
    framework,
    get,
    json: async <T>(path: string) => {
      const res = await get(path);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    close: async () => {
      await app.close();
      await agent.shutdownTasks();
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function until(what: string, cond: () => boolean | Promise<boolean>): Promise<void> {
  const end = Date.now() + WAIT_MS;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const q = encodeURIComponent;
