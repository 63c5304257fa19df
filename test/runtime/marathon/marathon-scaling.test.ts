import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../../runtime/master/task-record.ts';
import { appTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

let c: Cluster;
before(async () => {
  c = await startCluster({ agents: 3 });
});
after(async () => {
  await c.close();
});

/** Every task Mesos has seen for the framework, live or completed. */
function mesosTask(id: string): TaskRecord | undefined {
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  return fw.tasks.get(id) ?? fw.completedTasks.find((t) => t.id === id);
}

function timeOf(task: TaskRecord, state: string): number {
  const s = task.statuses.find((x) => x.state === state);
  assert.ok(s, `${task.id} reached ${state}`);
  return s.timestamp;
}

test('scaling up and down; YOUNGEST_FIRST kills the newest tasks; a scale is not a config change', async () => {
  const created = await c.api('POST', '/v2/apps', { id: '/scaled', cmd: 'sleep 1000', instances: 1, cpus: 0.1, mem: 16 });
  assert.equal(created.status, 201);
  await waitForDeployed(c, '/scaled', 1);
  const [first] = await appTasks(c, '/scaled');

  const up = await c.api('PUT', '/v2/apps/scaled', { instances: 4 });
  assert.equal(up.status, 200);
  const deployments = await c.api('GET', '/v2/deployments');
  const scale = deployments.body.find((d: { id: string }) => d.id === up.body.deploymentId);
  // Simulated tasks start at once, so the deployment may already be over.
  if (scale) assert.deepEqual(scale.currentActions[0].action, 'ScaleApplication');
  await waitForDeployed(c, '/scaled', 4);
  const app = (await c.api('GET', '/v2/apps/scaled')).body.app;
  assert.equal(app.versionInfo.lastScalingAt, app.version);
  assert.equal(app.versionInfo.lastConfigChangeAt, created.body.version);
  const four = await appTasks(c, '/scaled');
  assert.ok(four.some((t) => t.id === first.id), 'scaling up keeps the existing task');

  const down = await c.api('PUT', '/v2/apps/scaled', { instances: 1 });
  assert.equal(down.status, 200);
  await waitForDeployed(c, '/scaled', 1);
  const [survivor] = await appTasks(c, '/scaled');
  assert.equal(survivor.id, first.id, 'the oldest task survives YOUNGEST_FIRST');
  for (const t of four) if (t.id !== first.id) assert.equal(mesosTask(t.id)?.state, 'TASK_KILLED');

  const zero = await c.api('PUT', '/v2/apps/scaled', { instances: 0 });
  assert.equal(zero.status, 200);
  await waitForDeployed(c, '/scaled', 0);
  assert.equal((await c.api('DELETE', '/v2/apps/scaled')).status, 200);
});

test('killing a task replaces it; killing with scale=true lowers instances instead', async () => {
  await c.api('POST', '/v2/apps', { id: '/killme', cmd: 'sleep 1000', instances: 2, cpus: 0.1, mem: 16 });
  await waitForDeployed(c, '/killme', 2);
  const [a, b] = await appTasks(c, '/killme');

  const killed = await c.api('DELETE', `/v2/apps/killme/tasks/${a.id}`);
  assert.equal(killed.status, 200);
  assert.equal(killed.body.task.id, a.id);
  await until('a replacement for the killed task', async () => {
    const tasks = await appTasks(c, '/killme');
    return tasks.length === 2 && !tasks.some((t) => t.id === a.id) && tasks.every((t) => t.state === 'TASK_RUNNING');
  });
  assert.equal(mesosTask(a.id)?.state, 'TASK_KILLED');
  assert.equal((await c.api('GET', '/v2/apps/killme')).body.app.instances, 2);

  const scaled = await c.api('DELETE', `/v2/apps/killme/tasks/${b.id}?scale=true`);
  assert.equal(scaled.status, 200);
  assert.ok(scaled.body.deploymentId);
  await waitForDeployed(c, '/killme', 1);
  const app = (await c.api('GET', '/v2/apps/killme')).body.app;
  assert.equal(app.instances, 1);
  assert.equal(app.tasks.some((t: { id: string }) => t.id === b.id), false);
  assert.equal((await c.api('DELETE', '/v2/apps/killme')).status, 200);
});

test('a config change replaces every task; with the default strategy new tasks run before old ones stop', async () => {
  await c.api('POST', '/v2/apps', { id: '/rolling', cmd: 'sleep 1000', instances: 2, cpus: 0.1, mem: 16 });
  await waitForDeployed(c, '/rolling', 2);
  const old = await appTasks(c, '/rolling');

  const put = await c.api('PUT', '/v2/apps/rolling', { cmd: 'sleep 2000', env: { SIM_START_DELAY_MS: '600' } });
  assert.equal(put.status, 200);
  const deployment = (await c.api('GET', '/v2/deployments')).body.find((d: { id: string }) => d.id === put.body.deploymentId);
  assert.equal(deployment.currentActions[0].action, 'RestartApplication');
  await waitForDeployed(c, '/rolling', 2);
  const app = (await c.api('GET', '/v2/apps/rolling')).body.app;
  assert.equal(app.cmd, 'sleep 2000');
  assert.equal(app.versionInfo.lastConfigChangeAt, put.body.version);
  assert.equal(app.instances, 2, 'a partial update keeps the fields it does not name');
  assert.ok(app.tasks.every((t: { id: string; version: string }) => !old.some((o) => o.id === t.id) && t.version === put.body.version));
  // minimumHealthCapacity 1: two tasks ready at every moment, so the i-th old task to stop did so no earlier than
  // the i-th new task was running (the new ones need not come up together: they may start from different offers).
  const newRunning = app.tasks.map((t: { id: string }) => timeOf(mesosTask(t.id)!, 'TASK_RUNNING')).sort((a: number, b: number) => a - b);
  const oldKilled = old.map((o) => timeOf(mesosTask(o.id)!, 'TASK_KILLED')).sort((a, b) => a - b);
  for (const [i, killedAt] of oldKilled.entries()) {
    assert.ok(killedAt >= newRunning[i], `old task ${i + 1} stopped at ${killedAt}, before new task ${i + 1} ran at ${newRunning[i]}`);
  }
});

test('with minimumHealthCapacity 0 and maximumOverCapacity 0 old tasks stop before new ones start', async () => {
  await c.api('POST', '/v2/apps', {
    id: '/stopfirst',
    cmd: 'sleep 1000',
    instances: 2,
    cpus: 0.1,
    mem: 16,
    upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 0 },
  });
  await waitForDeployed(c, '/stopfirst', 2);
  const old = await appTasks(c, '/stopfirst');
  const restart = await c.api('POST', '/v2/apps/stopfirst/restart');
  assert.equal(restart.status, 200);
  await waitForDeployed(c, '/stopfirst', 2);
  const fresh = await appTasks(c, '/stopfirst');
  assert.ok(fresh.every((t) => !old.some((o) => o.id === t.id)));
  const oldKilled = Math.max(...old.map((o) => timeOf(mesosTask(o.id)!, 'TASK_KILLED')));
  for (const t of fresh) assert.ok(timeOf(mesosTask(t.id)!, 'TASK_STARTING') >= oldKilled);
});

test('PUT of an unknown app creates it (201); full replacement resets unnamed fields to defaults', async () => {
  const created = await c.api('PUT', '/v2/apps/made-by-put', { cmd: 'sleep 1000', cpus: 0.1, mem: 16, instances: 2 });
  assert.equal(created.status, 201);
  assert.ok(created.body.deploymentId);
  await waitForDeployed(c, '/made-by-put', 2);
  const replaced = await c.api('PUT', '/v2/apps/made-by-put?partialUpdate=false', { cmd: 'sleep 1001', cpus: 0.1, mem: 16 });
  assert.equal(replaced.status, 200);
  await waitForDeployed(c, '/made-by-put', 1);
  const app = (await c.api('GET', '/v2/apps/made-by-put')).body.app;
  assert.equal(app.instances, 1);
  const invalid = await c.api('PUT', '/v2/apps/made-by-put', { instances: 'two' });
  assert.equal(invalid.status, 422);
  assert.deepEqual(invalid.body.details, [{ path: '/instances', errors: ['error.expected.jsnumber'] }]);
});

test('several instances launch from one offer, and offers are suppressed once nothing waits', async () => {
  const launchesBefore = c.master.counters.get('master/messages_launch_tasks');
  await c.api('POST', '/v2/apps', { id: '/batch', cmd: 'sleep 1000', instances: 6, cpus: 0.1, mem: 16 });
  await waitForDeployed(c, '/batch', 6);
  // Six tasks over at most three agents' offers: fewer accepts than tasks.
  assert.ok(c.master.counters.get('master/messages_launch_tasks') - launchesBefore < 6);
  const suppressed = c.master.counters.get('master/messages_suppress_offers');
  assert.ok(suppressed > 0);
  const declinesBefore = c.master.counters.get('master/messages_decline_offers');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.master.counters.get('master/messages_decline_offers'), declinesBefore, 'no offers while suppressed');
  const revivesBefore = c.master.counters.get('master/messages_revive_offers');
  await c.api('PUT', '/v2/apps/batch', { instances: 7 });
  await waitForDeployed(c, '/batch', 7);
  assert.ok(c.master.counters.get('master/messages_revive_offers') > revivesBefore);
});
