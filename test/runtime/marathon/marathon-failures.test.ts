import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskRecord } from '../../../runtime/master/task-record.ts';
import { appTasks, masterTasks, startCluster, until, waitForDeployed, type Cluster } from './marathon-harness.ts';

function frameworkTasks(c: Cluster): TaskRecord[] {
  const fw = c.master.frameworks.get(c.marathon.frameworkId!)!;
  return [...fw.completedTasks, ...fw.tasks.values()];
}

test('a failing task is relaunched with a growing backoff, and the app shows its last failure', async () => {
  const scale = 10;
  const c = await startCluster({ agents: 1, timeScale: scale });
  try {
    await c.api('POST', '/v2/apps', {
      id: '/crashy',
      cmd: 'false',
      cpus: 0.1,
      mem: 16,
      backoffSeconds: 1,
      backoffFactor: 3,
      maxLaunchDelaySeconds: 5,
      env: { SIM_FINISH_AFTER_MS: '20', SIM_EXIT_CODE: '3' },
    });
    const failed = () => frameworkTasks(c).filter((t) => t.id.startsWith('crashy.') && t.state === 'TASK_FAILED');
    await until('five failures', () => failed().length >= 5, 20_000);
    const tasks = failed().sort((a, b) => a.statuses[0]!.timestamp - b.statuses[0]!.timestamp);
    // Delays in Marathon seconds: 1, 3, 5 (capped), 5; on this clock one second is 1/scale of a real one.
    const expected = [1, 3, 5, 5];
    for (let i = 0; i < expected.length; i++) {
      const failedAt = tasks[i]!.statuses.find((s) => s.state === 'TASK_FAILED')!.timestamp;
      const nextStarted = tasks[i + 1]!.statuses[0]!.timestamp;
      const minimum = expected[i]! / scale - 0.005;
      assert.ok(nextStarted - failedAt >= minimum, `launch ${i + 1} waited ${nextStarted - failedAt}s, at least ${minimum}s`);
    }
    const app = (await c.api('GET', '/v2/apps/crashy')).body.app;
    assert.equal(app.lastTaskFailure.state, 'TASK_FAILED');
    assert.equal(app.lastTaskFailure.appId, '/crashy');
    assert.match(app.lastTaskFailure.message, /exited with status 3/);
    const q = await c.api('GET', '/v2/queue');
    const entry = q.body.queue.find((e: { app: { id: string } }) => e.app.id === '/crashy');
    if (entry) assert.equal(entry.count, 1);
  } finally {
    await c.close();
  }
});

test('a task that finishes is relaunched; deleting the app stops the relaunching', async () => {
  const c = await startCluster({ agents: 1 });
  try {
    await c.api('POST', '/v2/apps', {
      id: '/oneshot',
      cmd: 'true',
      cpus: 0.1,
      mem: 16,
      backoffSeconds: 0,
      env: { SIM_FINISH_AFTER_MS: '30', SIM_EXIT_CODE: '0' },
    });
    await until('three runs', () => frameworkTasks(c).filter((t) => t.state === 'TASK_FINISHED').length >= 3);
    await c.api('DELETE', '/v2/apps/oneshot?force=true');
    await until('no task left', () => masterTasks(c).length === 0);
    const count = frameworkTasks(c).length;
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(frameworkTasks(c).length, count);
  } finally {
    await c.close();
  }
});

test('a stopped agent: its task goes unreachable, is replaced elsewhere at once, and is killed when it returns', async () => {
  const c = await startCluster({ agents: 2 });
  try {
    await c.api('POST', '/v2/apps', { id: '/survivor', cmd: 'sleep 1000', cpus: 0.1, mem: 16 });
    await waitForDeployed(c, '/survivor', 1);
    const [original] = await appTasks(c, '/survivor');
    const agent = c.agents.find((a) => a.id === original.slaveId)!;
    agent.stop();
    await until('a replacement on the other agent', async () => {
      const tasks = await appTasks(c, '/survivor');
      return tasks.length === 1 && tasks[0].id !== original.id && tasks[0].state === 'TASK_RUNNING';
    });
    const [replacement] = await appTasks(c, '/survivor');
    assert.notEqual(replacement.slaveId, original.slaveId);
    assert.equal(c.master.frameworks.get(c.marathon.frameworkId!)!.unreachableTasks.has(original.id), true);

    await agent.start();
    await until('the returning task is killed', () =>
      frameworkTasks(c).some((t) => t.id === original.id && t.state === 'TASK_KILLED'),
    );
    await waitForDeployed(c, '/survivor', 1);
    assert.equal((await appTasks(c, '/survivor'))[0].id, replacement.id);
  } finally {
    await c.close();
  }
});

test('with inactiveAfterSeconds the unreachable task is waited for, then replaced; when it returns one is killed', async () => {
  const c = await startCluster({ agents: 2, timeScale: 10 });
  try {
    await c.api('POST', '/v2/apps', {
      id: '/patient',
      cmd: 'sleep 1000',
      cpus: 0.1,
      mem: 16,
      unreachableStrategy: { inactiveAfterSeconds: 3, expungeAfterSeconds: 3600 },
    });
    await waitForDeployed(c, '/patient', 1);
    const [original] = await appTasks(c, '/patient');
    const agent = c.agents.find((a) => a.id === original.slaveId)!;
    agent.stop();
    await until('shown unreachable', async () => (await appTasks(c, '/patient'))[0]?.state === 'TASK_UNREACHABLE');
    assert.equal((await appTasks(c, '/patient')).length, 1, 'not replaced before inactiveAfterSeconds');
    await until('replaced after inactiveAfterSeconds', async () => {
      const tasks = await appTasks(c, '/patient');
      return tasks.some((t) => t.id !== original.id && t.state === 'TASK_RUNNING');
    });
    assert.equal((await appTasks(c, '/patient')).length, 2, 'the unreachable task is kept until expunged');

    await agent.start();
    await until('back to one running task', async () => {
      const tasks = await appTasks(c, '/patient');
      return tasks.length === 1 && tasks[0].state === 'TASK_RUNNING';
    });
    assert.equal(masterTasks(c).filter((t) => t.state === 'TASK_RUNNING').length, 1);
  } finally {
    await c.close();
  }
});
