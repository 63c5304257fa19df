import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { commandExecutorName } from '../../../../runtime/agent/http/agent-executor-json.ts';
import { AGENT_FLAGS, AGENT_IP, launch, startAgentFixture, until } from './agent-http-fixture.ts';

// Parsed responses are walked freely; a wrong shape fails the assertions, not the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

test('/state: Mesos agent fields, frameworks → executors → tasks → statuses, completed executors and frameworks', async () => {
  const f = await startAgentFixture([launch('t-long', 'echo hello-stdout; sleep 100'), launch('t-short', 'echo done')]);
  try {
    await until('t-long running and t-short finished', () =>
      f.updates.some((u) => u.taskId === 't-long' && u.state === 'TASK_RUNNING') &&
      f.updates.some((u) => u.taskId === 't-short' && u.state === 'TASK_FINISHED'),
    );
    const state = await f.json<Json>('/state');

    assert.equal(state.version, '1.11.0');
    assert.equal(typeof state.build_date, 'string');
    assert.equal(typeof state.build_time, 'number');
    assert.equal(typeof state.build_user, 'string');
    assert.equal(state.start_time, f.agent.startTime);
    assert.equal(state.id, f.agent.id);
    assert.equal(state.pid, `slave(1)@${AGENT_IP}:5051`);
    assert.equal(state.hostname, 'a1');
    assert.ok(Array.isArray(state.capabilities));
    assert.deepEqual(state.resources, { cpus: 3, disk: 1024, gpus: 0, mem: 1024, ports: '[31000-31010]' });
    assert.deepEqual(state.reserved_resources, { analytics: { cpus: 1, disk: 0, gpus: 0, mem: 0 } });
    assert.equal(state.unreserved_resources.cpus, 2);
    assert.deepEqual(state.reserved_resources_full.analytics, [
      { name: 'cpus', role: 'analytics', reservations: [{ type: 'STATIC', role: 'analytics' }], type: 'SCALAR', scalar: { value: 1 } },
    ]);
    assert.ok(state.unreserved_resources_full.some((r: Json) => r.name === 'ports' && r.type === 'RANGES'));
    // Only the live task holds resources.
    assert.equal(state.unreserved_resources_allocated.cpus, 0.1);
    assert.equal(state.unreserved_resources_allocated.mem, 32);
    assert.deepEqual(state.attributes, { rack: 'r1' });
    assert.deepEqual(state.flags, AGENT_FLAGS);
    assert.deepEqual(state.completed_frameworks, []);

    assert.equal(state.frameworks.length, 1);
    const fw = state.frameworks[0];
    assert.equal(fw.id, f.framework.frameworkId);
    assert.equal(fw.name, 'http-test');
    assert.equal(fw.user, 'root');
    assert.equal(fw.failover_timeout, 0);
    assert.equal(fw.checkpoint, false);
    assert.equal(fw.hostname, '');
    assert.deepEqual(fw.roles, ['*']);
    assert.equal(fw.role, undefined, 'a MULTI_ROLE framework has roles, not role');

    assert.equal(fw.executors.length, 1);
    const ex = fw.executors[0];
    const live = f.agent.frameworks.get(fw.id)!.tasks.get('t-long')!;
    assert.equal(ex.id, 't-long');
    assert.equal(ex.name, "Command Executor (Task: t-long) (Command: sh -c 'echo hello-s...')");
    assert.equal(ex.source, 't-long');
    assert.equal(ex.container, live.containerId);
    assert.equal(ex.directory, live.directory);
    assert.ok(existsSync(ex.directory));
    assert.equal(ex.resources.cpus, 0.1);
    assert.equal(ex.role, '*');
    assert.deepEqual(ex.queued_tasks, []);
    assert.deepEqual(ex.completed_tasks, []);

    assert.equal(ex.tasks.length, 1);
    const task = ex.tasks[0];
    assert.equal(task.id, 't-long');
    assert.equal(task.name, 't-long-name');
    assert.equal(task.framework_id, fw.id);
    assert.equal(task.executor_id, '');
    assert.equal(task.slave_id, f.agent.id);
    assert.equal(task.state, 'TASK_RUNNING');
    assert.equal(task.role, '*');
    assert.equal(task.resources.mem, 32);
    assert.equal(task.statuses.at(-1).state, 'TASK_RUNNING');
    for (const s of task.statuses) {
      assert.equal(typeof s.timestamp, 'number');
      assert.equal(s.container_status.container_id.value, ex.container);
      assert.equal(s.container_status.network_infos[0].ip_addresses[0].ip_address, AGENT_IP);
    }

    assert.equal(fw.completed_executors.length, 1);
    const done = fw.completed_executors[0];
    assert.equal(done.id, 't-short');
    assert.deepEqual(done.tasks, []);
    assert.equal(done.completed_tasks[0].state, 'TASK_FINISHED');
    assert.equal(done.completed_tasks[0].statuses.at(-1).state, 'TASK_FINISHED');

    // libprocess routes the bare path to the agent process: both names give the same document.
    assert.deepEqual(await f.json('/slave(1)/state'), state);

    // Once its last task ends, the framework is a completed framework, as on a Mesos agent.
    f.framework.kill('t-long');
    await until('t-long killed', () => f.updates.some((u) => u.taskId === 't-long' && u.state === 'TASK_KILLED'));
    const after = await f.json<Json>('/state');
    assert.deepEqual(after.frameworks, []);
    assert.equal(after.completed_frameworks.length, 1);
    const executors = after.completed_frameworks[0].completed_executors.map((e: Json) => e.id).sort();
    assert.deepEqual(executors, ['t-long', 't-short']);
    assert.equal(after.unreserved_resources_allocated.cpus, 0);
  } finally {
    await f.close();
  }
});

test('/flags, /health, /version, and ?jsonp on /state', async () => {
  const f = await startAgentFixture([]);
  try {
    for (const prefix of ['', '/slave(1)']) {
      assert.deepEqual(await f.json(`${prefix}/flags`), { flags: AGENT_FLAGS });
      const health = await f.get(`${prefix}/health`);
      assert.equal(health.status, 200);
      assert.equal(await health.text(), '');
    }
    const version = await f.json<Json>('/version');
    assert.equal(version.version, '1.11.0');
    assert.equal(typeof version.build_date, 'string');
    assert.equal(typeof version.build_time, 'number');
    assert.equal(typeof version.build_user, 'string');

    const res = await f.get('/state?jsonp=render');
    assert.match(res.headers.get('content-type') ?? '', /^text\/javascript/);
    const text = await res.text();
    assert.ok(text.startsWith('render({') && text.endsWith('})'));
    assert.equal(JSON.parse(text.slice('render('.length, -1)).id, f.agent.id);
  } finally {
    await f.close();
  }
});

test("command executor names follow Mesos's format, cutting long commands", () => {
  assert.equal(commandExecutorName('t1', { value: 'sleep 100' }), "Command Executor (Task: t1) (Command: sh -c 'sleep 100')");
  assert.equal(
    commandExecutorName('t1', { value: 'python3 -m http.server' }),
    "Command Executor (Task: t1) (Command: sh -c 'python3 -m h...')",
  );
  assert.equal(
    commandExecutorName('t1', { value: '/bin/echo', shell: false, arguments: ['echo', 'hi'] }),
    'Command Executor (Task: t1) (Command: [/bin/echo, e...])',
  );
  assert.equal(
    commandExecutorName('t1', { value: 'ls', shell: false, arguments: ['ls'] }),
    'Command Executor (Task: t1) (Command: [ls, ls])',
  );
});
