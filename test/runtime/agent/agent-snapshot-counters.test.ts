/**
 * The agent's `/metrics/snapshot` keys for executors registering, invalid status updates and recovery errors, read
 * over HTTP. An executor that holds each launch until the test releases it makes the registering phase observable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../../../runtime/agent/agent.ts';
import type { Executor, TaskSpec } from '../../../runtime/agent/executor.ts';
import { agentHttpPlugin } from '../../../runtime/agent/http/agent-http-plugin.ts';
import { ProcessExecutor } from '../../../runtime/agent/process-executor.ts';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { Master } from '../../../runtime/master/master.ts';
import { Registrar } from '../../../runtime/master/registrar.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import type { TaskState } from '../../../runtime/mesos/task-state.ts';
import type { TaskStatus, TaskStatusListener } from '../../../runtime/mesos/task-status.ts';
import { AGENT_FLAGS, launch, startAgentFixture, until } from './http/agent-http-fixture.ts';

/** Launches nothing by itself: each launch waits until the test reports for it. */
class HeldExecutor implements Executor {
  readonly launched: { spec: TaskSpec; report: (state: TaskState, taskId?: string) => void }[] = [];
  launch(spec: TaskSpec, onStatus: TaskStatusListener): void {
    const report = (state: TaskState, taskId = spec.taskId) => {
      const status: TaskStatus = { taskId, state, timestamp: Date.now() / 1000, source: 'SOURCE_EXECUTOR' };
      onStatus(status);
    };
    this.launched.push({ spec, report });
  }
  kill(): Promise<boolean> {
    return Promise.resolve(false);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function snapshot(url: string): Promise<Record<string, number>> {
  const res = await fetch(`${url}/metrics/snapshot`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, number>;
}

test('slave/executors_registering counts a launched executor until its first update; invalid updates are dropped and counted', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'minidc-agent-counters-'));
  const master = new Master({ hostname: 'm1', ip: '127.0.1.1', port: 5050, registrar: new Registrar(join(dir, 'registry.json')), allocationIntervalMs: 50 });
  await master.start();
  const executor = new HeldExecutor();
  const agent = new Agent({
    hostname: 'a1', ip: '127.0.2.1', port: 5051, resources: Resources.parse('cpus:2;mem:1024'), attributes: {},
    workDir: join(dir, 'agent'), executor, master, version: '1.11.0',
  });
  await agent.start();
  const app = createHttpServer();
  await app.register(agentHttpPlugin, { agent, flags: AGENT_FLAGS });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  t.after(async () => {
    await app.close();
    await master.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const updates: TaskStatus[] = [];
  let sent = false;
  const box: { conn?: Awaited<ReturnType<Master['subscribe']>> } = {};
  box.conn = await master.subscribe({ name: 'held', user: 'root', roles: ['*'] }, {
    subscribed: () => {},
    offers: (offers) => {
      for (const o of offers)
        if (sent) box.conn!.decline([o.id], { refuseSeconds: 60 });
        else {
          sent = true;
          box.conn!.accept([o.id], [launch('t-held', 'unused')]);
        }
    },
    rescind: () => {},
    update: (u) => updates.push(u),
    error: () => {},
  });

  await until('the launch reaches the executor', () => executor.launched.length === 1);
  const held = await snapshot(url);
  assert.equal(held['slave/executors_registering'], 1);
  assert.equal(held['slave/executors_running'], 0);
  assert.equal(held['slave/invalid_status_updates'], 0);

  const { report } = executor.launched[0]!;
  report('TASK_STARTING');
  report('TASK_RUNNING');
  await until('running at the master', () => updates.some((u) => u.state === 'TASK_RUNNING'));
  const running = await snapshot(url);
  assert.equal(running['slave/executors_registering'], 0);
  assert.equal(running['slave/executors_running'], 1);

  report('TASK_STARTING'); // a step back
  report('TASK_RUNNING', 'some-other-task');
  report('TASK_FINISHED');
  report('TASK_RUNNING'); // after the end
  await until('finished at the master', () => updates.some((u) => u.state === 'TASK_FINISHED'));
  const after = await snapshot(url);
  assert.equal(after['slave/invalid_status_updates'], 3);
  assert.equal(after['slave/valid_status_updates'], 3);
  assert.equal(after['slave/tasks_finished'], 1);
  // Nothing invalid reached the master.
  assert.deepEqual(updates.map((u) => u.state), ['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED']);
});

/** Every task.info under the agent's checkpoints. */
async function taskInfos(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name === 'task.info') out.push(join(e.parentPath, e.name));
  return out;
}

test('slave/recovery_errors counts a corrupt checkpoint found when the agent restarts over its work dir', async (t) => {
  const f = await startAgentFixture([launch('t-ckpt', 'sleep 100')]);
  let closeSecond = async () => {};
  t.after(async () => {
    await closeSecond();
    await f.close();
  });
  await until('running', () => f.updates.some((u) => u.taskId === 't-ckpt' && u.state === 'TASK_RUNNING'));
  assert.equal((await f.json<Record<string, number>>('/metrics/snapshot'))['slave/recovery_errors'], 0);
  // The agent process goes away (its task keeps running) and its checkpoint is damaged meanwhile.
  f.agent.stop();
  const infos = await taskInfos(join(f.agent.workDir, 'meta'));
  assert.equal(infos.length, 1);
  await writeFile(infos[0]!, '{"frameworkId": "trunc');

  const second = new Agent({ ...f.agent.options, executor: new ProcessExecutor({ defaultKillGracePeriodMs: 200 }) });
  await second.start();
  const app = createHttpServer();
  await app.register(agentHttpPlugin, { agent: second, flags: AGENT_FLAGS });
  const { url } = await listenHttp(app, '127.0.0.1', 0);
  closeSecond = () => app.close();
  const m = await snapshot(url);
  assert.equal(m['slave/recovery_errors'], 1);
  assert.equal(m['slave/registered'], 1);
  assert.equal(m['slave/tasks_running'], 0);
});
