import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Master } from '../../../runtime/master/master.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import { Agent } from '../../../runtime/agent/agent.ts';
import { SimulatedExecutor } from '../../../runtime/agent/simulated-executor.ts';
import { Resources } from '../../../runtime/allocator/resources.ts';
import type { OfferView, SchedulerConnection, TaskStatusUpdate } from '../../../runtime/master/scheduler-api.ts';

interface Harness {
  dir: string;
  master: Master;
  agents: Agent[];
  close(): Promise<void>;
}

async function cluster(agentCount: number, opts: { pingMs?: number } = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-master-'));
  const master = new Master({
    hostname: 'm1',
    ip: '127.0.1.1',
    port: 5050,
    registrar: new Registrar(join(dir, 'registry.json')),
    allocationIntervalMs: 50,
    agentPingTimeoutMs: opts.pingMs ?? 50,
    maxAgentPingTimeouts: 2,
    log: () => {},
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
      executor: new SimulatedExecutor(),
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
    close: async () => {
      for (const a of agents) await a.shutdownTasks();
      await master.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A framework that launches one task per offer until it has `want` tasks. */
async function framework(master: Master, want: number) {
  const updates: TaskStatusUpdate[] = [];
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
    { name: 'test', user: 'root', roles: ['*'], capabilities: ['PARTITION_AWARE'] },
    { subscribed: () => {}, offers: onOffers, rescind: () => {}, update: (u) => updates.push(u), error: () => {} },
  );
  box.conn = conn;
  return { conn, updates };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('agents register with Mesos-style ids and frameworks launch tasks from offers', async () => {
  const h = await cluster(2);
  try {
    assert.deepEqual(
      h.agents.map((a) => a.id),
      [`${h.master.id}-S0`, `${h.master.id}-S1`],
    );
    const fw = await framework(h.master, 3);
    await until('3 running', () => h.master.counters.activeTasks('TASK_RUNNING') === 3);
    assert.equal(fw.updates.filter((u) => u.state === 'TASK_RUNNING').length, 3);
    const snap: Record<string, number> = {};
    h.master.metricsSnapshot(snap);
    assert.equal(snap['master/tasks_running'], 3);
    assert.equal(h.master.usedQuantities.get('cpus'), 300);
  } finally {
    await h.close();
  }
});

test('a stopped agent goes unreachable, its tasks TASK_UNREACHABLE; back again they are reconciled RUNNING', async () => {
  const h = await cluster(1);
  try {
    const fw = await framework(h.master, 1);
    await until('running', () => h.master.counters.activeTasks('TASK_RUNNING') === 1);
    h.agents[0]!.stop();
    await until('unreachable', () => fw.updates.some((u) => u.state === 'TASK_UNREACHABLE'));
    const agentRecord = h.master.agents.get(h.agents[0]!.id!)!;
    assert.equal(h.master.health(agentRecord), 'unreachable');
    assert.equal(h.master.counters.activeTasks('TASK_UNREACHABLE'), 1);
    await h.agents[0]!.start();
    await until('running again', () => fw.updates.at(-1)?.state === 'TASK_RUNNING');
    assert.equal(h.master.counters.activeTasks('TASK_RUNNING'), 1);
    assert.equal(h.master.health(h.master.agents.get(h.agents[0]!.id!)!), 'active');
  } finally {
    await h.close();
  }
});

test('killing a task yields TASK_KILLED and frees its resources', async () => {
  const h = await cluster(1);
  try {
    const fw = await framework(h.master, 1);
    await until('running', () => h.master.counters.activeTasks('TASK_RUNNING') === 1);
    fw.conn.kill('t0');
    await until('killed', () => fw.updates.some((u) => u.state === 'TASK_KILLED'));
    assert.equal(h.master.usedQuantities.get('cpus') ?? 0, 0);
  } finally {
    await h.close();
  }
});
