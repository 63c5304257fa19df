/** A master with in-process agents and a minimal framework, for tests of the master and its HTTP surface. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Master } from '../../../runtime/master/master.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import { Agent } from '../../../runtime/agent/agent.ts';
import { SimulatedExecutor, type SimulatedTaskPlan } from '../../../runtime/agent/simulated-executor.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import type { FrameworkInfo, OfferView, SchedulerConnection } from '../../../runtime/mesos/scheduler-api.ts';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';

export interface Harness {
  dir: string;
  master: Master;
  agents: Agent[];
  /** What the master logged, with its syslog priority. */
  log: { message: string; priority: number | undefined }[];
  close(): Promise<void>;
}

export async function cluster(
  agentCount: number,
  opts: { pingMs?: number; maxAgentAgeMs?: number; gcIntervalMs?: number; tasks?: SimulatedTaskPlan } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-master-'));
  const log: Harness['log'] = [];
  const master = new Master({
    hostname: 'm1',
    ip: '127.0.1.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 50,
    agentPingTimeoutMs: opts.pingMs ?? 50,
    maxAgentPingTimeouts: 2,
    ...(opts.maxAgentAgeMs === undefined ? {} : { registryMaxAgentAgeMs: opts.maxAgentAgeMs }),
    ...(opts.gcIntervalMs === undefined ? {} : { registryGcIntervalMs: opts.gcIntervalMs }),
    log: (message, priority) => log.push({ message, priority }),
  });
  await master.start();
  const agents: Agent[] = [];
  for (let i = 0; i < agentCount; i++) {
    const agent = new Agent({
      hostname: `a${i}`,
      ip: `127.0.2.${i + 1}`,
      port: 5051,
      resources: Resources.parse('cpus:2;mem:1024;disk:1024;ports:[31000-31010]'),
      attributes: {},
      workDir: join(dir, `agent${i}`),
      executor: new SimulatedExecutor(opts.tasks ?? {}),
      master,
      version: '1.11.0',
    });
    await agent.start();
    agents.push(agent);
  }
  return {
    dir,
    master,
    agents,
    log,
    close: async () => {
      for (const a of agents) await a.shutdownTasks();
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A framework that launches one task per offer until it has `want` tasks. */
export async function framework(master: Master, want: number, info: Partial<FrameworkInfo> = {}) {
  const updates: TaskStatus[] = [];
  /** Executor messages received (v1 MESSAGE events). */
  const messages: { agentId: string; executorId: string; data: string }[] = [];
  let launched = 0;
  const box: { conn?: SchedulerConnection } = {};
  const onOffers = (offers: OfferView[]) => {
    for (const o of offers) {
      if (launched >= want) {
        box.conn!.decline([o.id], { refuseSeconds: 0.01 });
        continue;
      }
      const n = launched++;
      box.conn!.accept([o.id], [
        { taskId: `t${n}`, name: 'sleeper', resources: Resources.parse('cpus:0.1;mem:32'), command: { value: 'sleep 100' } },
      ], { refuseSeconds: 0 });
    }
  };
  const conn = await master.subscribe(
    { name: 'test', user: 'root', roles: ['*'], capabilities: ['PARTITION_AWARE'], ...info },
    {
      subscribed: () => {},
      offers: onOffers,
      rescind: () => {},
      update: (u) => updates.push(u),
      error: () => {},
      message: (agentId, executorId, data) => messages.push({ agentId, executorId, data: Buffer.from(data).toString() }),
    },
  );
  box.conn = conn;
  return { conn, updates, messages };
}

export async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

