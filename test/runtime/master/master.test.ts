import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';
import { cluster, framework, until } from './master-harness.ts';

test('agents register with Mesos-style ids and frameworks launch tasks from offers', async () => {
  const h = await cluster(2);
  try {
    assert.deepEqual(
      h.agents.map((a) => a.id),
      [`${h.master.id}-S0`, `${h.master.id}-S1`],
    );
    const fw = await framework(h.master, 3);
    // The framework hears of RUNNING a turn after the master counts it (through the mailbox): wait for the later.
    await until('3 running', () => fw.updates.filter((u) => u.state === 'TASK_RUNNING').length === 3);
    assert.equal(h.master.counters.activeTasks('TASK_RUNNING'), 3);
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
    // Logged as a warning (syslog 4), for the journal and whoever filters it by priority — once the registry holds it.
    await until('logged', () => h.log.some((e) => e.message.includes('marked unreachable')));
    assert.deepEqual(
      h.log.filter((e) => e.message.includes('marked unreachable')).map((e) => e.priority),
      [4],
    );
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

test('an agent unreachable for longer than registry_max_agent_age is forgotten and its tasks become TASK_GONE', async () => {
  const h = await cluster(1, { maxAgentAgeMs: 300, gcIntervalMs: 50 });
  try {
    const fw = await framework(h.master, 1);
    await until('running', () => h.master.counters.activeTasks('TASK_RUNNING') === 1);
    const id = h.agents[0]!.id!;
    h.agents[0]!.stop();
    await until('unreachable', () => fw.updates.some((u) => u.state === 'TASK_UNREACHABLE'));
    await until('gone', () => fw.updates.some((u) => u.state === 'TASK_GONE'));
    assert.ok(!h.master.agents.has(id), 'the agent is forgotten');
    assert.equal(h.master.counters.get('master/tasks_gone'), 1);
    assert.equal(h.master.counters.activeTasks('TASK_UNREACHABLE'), 0);
  } finally {
    await h.close();
  }
});

test('a task that ends while its framework is away is reconciled with its terminal state, not TASK_GONE', async () => {
  const h = await cluster(1, { tasks: { finishAfterMs: 200, exitCode: 1 } });
  try {
    const fw = await framework(h.master, 1, { failoverTimeoutSecs: 60 });
    await until('running', () => fw.updates.some((u) => u.state === 'TASK_RUNNING'));
    const frameworkId = [...h.master.frameworks.keys()][0]!;
    fw.conn.disconnect();
    await until('failed on the master', () => h.master.counters.activeTasks('TASK_RUNNING') === 0);
    assert.equal(fw.updates.some((u) => u.state === 'TASK_FAILED'), false, 'the failure happened while the framework was away');
    const updates: TaskStatus[] = [];
    const conn = await h.master.subscribe(
      { id: frameworkId, name: 'test', user: 'root', roles: ['*'], capabilities: ['PARTITION_AWARE'] },
      { subscribed: () => {}, offers: () => {}, rescind: () => {}, update: (u) => updates.push(u), error: () => {}, message: () => {} },
    );
    conn.reconcile([{ taskId: 't0', agentId: h.agents[0]!.id! }]);
    await until('the reconciliation answer', () => updates.some((u) => u.taskId === 't0'));
    assert.equal(updates.find((u) => u.taskId === 't0')?.state, 'TASK_FAILED');
  } finally {
    await h.close();
  }
});
