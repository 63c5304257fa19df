import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoredState } from '../../../runtime/marathon/marathon-store.ts';
import { appTasks, masterTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

let c: Cluster;
before(async () => {
  c = await startCluster({ agents: 2 });
});
after(async () => {
  await c.close();
});

const stateFile = () => join(c.dir, 'marathon', 'state.json');

function runningOnMesos(prefix: string): string[] {
  return masterTasks(c)
    .filter((t) => t.id.startsWith(prefix) && t.state === 'TASK_RUNNING')
    .map((t) => t.id)
    .sort();
}

test('after a restart Marathon keeps its framework id, apps and tasks, and launches nothing twice', async () => {
  await c.api('POST', '/v2/apps', { id: '/keep', cmd: 'sleep 1000', instances: 3, cpus: 0.1, mem: 16 });
  await waitForDeployed(c, '/keep', 3);
  const before = (await c.api('GET', '/v2/apps/keep')).body.app;
  const frameworkId = c.marathon.frameworkId;
  const launched = c.master.counters.get('master/messages_launch_tasks');

  await c.restartMarathon();
  assert.equal(c.marathon.frameworkId, frameworkId);
  const fw = c.master.frameworks.get(frameworkId!)!;
  assert.equal(fw.connected, true);
  const after = (await c.api('GET', '/v2/apps/keep')).body.app;
  assert.equal(after.version, before.version);
  assert.deepEqual(after.versionInfo, before.versionInfo);
  assert.deepEqual(
    after.tasks.map((t: { id: string }) => t.id).sort(),
    before.tasks.map((t: { id: string }) => t.id).sort(),
  );
  await waitForDeployed(c, '/keep', 3);
  // Offers keep coming every allocation interval; give Marathon several to misuse.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(c.master.counters.get('master/messages_launch_tasks'), launched);
  assert.equal(runningOnMesos('keep.').length, 3);
});

test('a task that ended while Marathon was away is found by reconciliation and replaced', async () => {
  const before = runningOnMesos('keep.');
  const victim = before[0]!;
  await c.restartMarathon(async () => {
    const killed = await Promise.all(c.executors.map((e) => e.kill(victim)));
    assert.ok(killed.includes(true));
  });
  await until('replaced', () => {
    const now = runningOnMesos('keep.');
    return now.length === 3 && !now.includes(victim);
  });
  await waitForDeployed(c, '/keep', 3);
  const ids = (await appTasks(c, '/keep')).map((t) => t.id);
  assert.equal(ids.includes(victim), false);
  for (const id of before.slice(1)) assert.ok(ids.includes(id), 'the others are the same tasks');
});

test('a running task Marathon has no record of is killed; the app is brought back to its count', async () => {
  const before = runningOnMesos('keep.');
  const forgotten = before[0]!;
  await c.restartMarathon(async () => {
    const state = JSON.parse(await readFile(stateFile(), 'utf8')) as StoredState;
    state.tasks = state.tasks.filter((t) => t.id !== forgotten);
    await writeFile(stateFile(), JSON.stringify(state));
  });
  await until('the unknown task killed', () => {
    const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
    return fw.completedTasks.some((t) => t.id === forgotten && t.state === 'TASK_KILLED');
  });
  await waitForDeployed(c, '/keep', 3);
  assert.equal(runningOnMesos('keep.').length, 3);
});

test('deployments and scale changes survive a restart', async () => {
  const created = await c.api('POST', '/v2/apps', { id: '/stuck', cmd: 'sleep 1000', instances: 2, cpus: 0.1, mem: 16, constraints: [['hostname', 'CLUSTER', 'nowhere']] });
  const deploymentId = created.headers.get('marathon-deployment-id');
  await c.api('PUT', '/v2/apps/keep', { instances: 1 });
  await waitForDeployed(c, '/keep', 1);
  await c.restartMarathon();
  const deployments = (await c.api('GET', '/v2/deployments')).body;
  assert.deepEqual(deployments.map((d: { id: string }) => d.id), [deploymentId]);
  assert.equal((await c.api('GET', '/v2/apps/keep')).body.app.instances, 1);
  await waitForDeployed(c, '/keep', 1);
  assert.equal(runningOnMesos('keep.').length, 1);
});

test('the same instance can be stopped and started again (a unit restart reusing its object)', async () => {
  const before = runningOnMesos('keep.');
  const launched = c.master.counters.get('master/messages_launch_tasks');
  await c.marathon.stop();
  assert.equal((await c.api('GET', '/v2/leader')).status, 404);
  await c.marathon.start();
  assert.equal((await c.api('GET', '/v2/leader')).status, 200);
  await waitForDeployed(c, '/keep', before.length);
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(runningOnMesos('keep.'), before);
  assert.equal(c.master.counters.get('master/messages_launch_tasks'), launched);
});
