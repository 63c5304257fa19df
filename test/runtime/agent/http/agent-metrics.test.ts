import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startAgentFixture, until } from './agent-http-fixture.ts';

// Parsed responses are walked freely; a wrong shape fails the assertions, not the types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

test('/metrics/snapshot: sorted slave/* and system/* keys with live values; libprocess query handling', async () => {
  const f = await startAgentFixture([launch('t-run', 'sleep 100', 'cpus:0.5;mem:128;disk:10'), launch('t-done', 'true')]);
  try {
    await until('one running, one finished', () =>
      f.updates.some((u) => u.taskId === 't-run' && u.state === 'TASK_RUNNING') &&
      f.updates.some((u) => u.taskId === 't-done' && u.state === 'TASK_FINISHED'),
    );
    const res = await f.get('/metrics/snapshot');
    assert.equal(res.status, 200);
    const m = (await res.json()) as Record<string, number>;
    const keys = Object.keys(m);
    assert.deepEqual(keys, [...keys].sort(), 'keys come sorted');
    for (const k of keys) {
      assert.match(k, /^(slave|system)\//, k);
      assert.equal(typeof m[k], 'number', k);
    }
    assert.equal(m['slave/registered'], 1);
    assert.equal(m['slave/frameworks_active'], 1);
    assert.ok(m['slave/uptime_secs']! >= 0);
    assert.equal(m['slave/tasks_running'], 1);
    assert.equal(m['slave/tasks_finished'], 1);
    assert.equal(m['slave/tasks_staging'], 0);
    assert.equal(m['slave/executors_running'], 1);
    assert.equal(m['slave/executors_terminated'], 1);
    assert.ok(m['slave/valid_status_updates']! >= 4);
    assert.equal(m['slave/container_launch_errors'], 0);
    assert.equal(m['slave/cpus_total'], 3);
    assert.equal(m['slave/cpus_used'], 0.5);
    assert.equal(m['slave/cpus_percent'], 0.5 / 3);
    assert.equal(m['slave/mem_total'], 1024);
    assert.equal(m['slave/mem_used'], 128);
    assert.equal(m['slave/mem_percent'], 0.125);
    assert.equal(m['slave/disk_used'], 10);
    assert.equal(m['slave/gpus_total'], 0);
    assert.equal(m['slave/gpus_percent'], 0);
    assert.ok(m['system/mem_total_bytes']! > 0);
    // Nothing this agent does not do is published as a stand-in zero.
    for (const absent of ['slave/cpus_revocable_total', 'slave/executors_preempted'])
      assert.equal(m[absent], undefined, absent);

    assert.equal((await f.get('/metrics/snapshot?timeout=5secs')).status, 200);
    const bad = await f.get('/metrics/snapshot?timeout=bad');
    assert.equal(bad.status, 400);
    assert.equal(await bad.text(), "Invalid timeout 'bad': Failed to convert '' to number.\n");
    const jsonp = await f.get('/metrics/snapshot?jsonp=cb');
    assert.match(jsonp.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(await jsonp.text(), /^cb\(\{"slave\/.*\}\)$/);

    // The killed task frees its resources and moves the counters.
    f.framework.kill('t-run');
    await until('killed', () => f.updates.some((u) => u.taskId === 't-run' && u.state === 'TASK_KILLED'));
    const later = await f.json<Record<string, number>>('/metrics/snapshot');
    assert.equal(later['slave/tasks_running'], 0);
    assert.equal(later['slave/tasks_killed'], 1);
    assert.equal(later['slave/cpus_used'], 0);
    assert.equal(later['slave/frameworks_active'], 0);
  } finally {
    await f.close();
  }
});

test('/containers: the live task with its status and measured statistics; ?container_id filters', async () => {
  const f = await startAgentFixture([launch('t-c', 'sleep 100', 'cpus:0.25;mem:64')]);
  try {
    await until('running', () => f.updates.some((u) => u.taskId === 't-c' && u.state === 'TASK_RUNNING'));
    const task = f.agent.frameworks.get(f.framework.frameworkId)!.tasks.get('t-c')!;
    const pid = task.statuses.at(-1)!.containerStatus!.executor_pid;
    assert.equal(typeof pid, 'number');

    for (const prefix of ['', '/slave(1)']) {
      const list = await f.json<Json[]>(`${prefix}/containers`);
      assert.equal(list.length, 1);
      const c = list[0]!;
      assert.equal(c.framework_id, f.framework.frameworkId);
      assert.equal(c.executor_id, 't-c');
      assert.equal(c.executor_name, "Command Executor (Task: t-c) (Command: sh -c 'sleep 100')");
      assert.equal(c.source, 't-c');
      assert.equal(c.container_id, task.containerId);
      assert.deepEqual(c.status, { container_id: { value: task.containerId }, executor_pid: pid });
      const s = c.statistics;
      assert.ok(Math.abs(s.timestamp - Date.now() / 1000) < 3600, 'timestamp is epoch seconds');
      assert.equal(s.cpus_limit, 0.25);
      assert.equal(s.mem_limit_bytes, 64 * 1024 * 1024);
      // Measured from /proc: the shell and its sleep child share the task's session.
      assert.ok(s.processes >= 1);
      assert.ok(s.threads >= s.processes);
      assert.ok(s.mem_rss_bytes > 0);
      assert.ok(s.cpus_user_time_secs >= 0 && s.cpus_system_time_secs >= 0);
    }
    assert.equal((await f.json<Json[]>(`/containers?container_id=${task.containerId}`)).length, 1);
    assert.deepEqual(await f.json('/containers?container_id=nope'), []);

    f.framework.kill('t-c');
    await until('killed', () => f.updates.some((u) => u.taskId === 't-c' && u.state === 'TASK_KILLED'));
    assert.deepEqual(await f.json('/containers'), []);
  } finally {
    await f.close();
  }
});
