import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../../runtime/master/http/master-http-plugin.ts';
import { cluster, framework, until, type Harness } from './master-harness.ts';

let h: Harness;
let base: string;
let close: () => Promise<void>;

before(async () => {
  h = await cluster(2);
  const fw = await framework(h.master, 3);
  await until('3 running', () => h.master.counters.activeTasks('TASK_RUNNING') === 3);
  fw.conn.kill('t0');
  await until('t0 killed', () => fw.updates.some((u) => u.taskId === 't0' && u.state === 'TASK_KILLED'));
  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => h.master, flags: { cluster: 'test', port: '5050' } });
  base = (await listenHttp(app, '127.0.0.1', 0)).url;
  close = async () => {
    await app.close();
    await h.close();
  };
});
after(() => close());

async function json(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200, `${path} → ${res.status}`);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return (await res.json()) as Record<string, unknown>;
}

test('/master/state and /state carry Mesos field names and nesting', async () => {
  for (const path of ['/master/state', '/state']) {
    const s = await json(path);
    assert.equal(s.id, h.master.id);
    assert.equal(s.leader, h.master.pid);
    assert.match(String(s.pid), /^master@127\.0\.1\.1:5050$/);
    assert.equal(s.activated_slaves, 2);
    assert.equal(s.unreachable_slaves, 0);
    assert.deepEqual(s.flags, { cluster: 'test', port: '5050' });
    const slaves = s.slaves as Record<string, unknown>[];
    assert.deepEqual(slaves.map((a) => a.hostname).sort(), ['a0', 'a1']);
    assert.match(String(slaves[0]!.pid), /^slave\(1\)@127\.0\.2\.\d:5051$/);
    assert.equal((slaves[0]!.resources as Record<string, unknown>).ports, '[31000-31010]');
    const [fw] = s.frameworks as Record<string, unknown>[];
    assert.equal(fw!.name, 'test');
    assert.deepEqual(fw!.roles, ['*']);
    const tasks = fw!.tasks as Record<string, unknown>[];
    assert.equal(tasks.length, 2);
    const t = tasks[0]!;
    for (const key of ['id', 'name', 'framework_id', 'executor_id', 'slave_id', 'state', 'resources', 'statuses'])
      assert.ok(key in t, `task has ${key}`);
    assert.equal(t.state, 'TASK_RUNNING');
    const statuses = t.statuses as { state: string; container_status: { network_infos: { ip_addresses: { ip_address: string }[] }[] } }[];
    assert.equal(statuses.at(-1)!.state, 'TASK_RUNNING');
    assert.match(statuses.at(-1)!.container_status.network_infos[0]!.ip_addresses[0]!.ip_address, /^127\.0\.2\.\d$/);
    const completed = fw!.completed_tasks as Record<string, unknown>[];
    assert.deepEqual(completed.map((c) => [c.id, c.state]), [['t0', 'TASK_KILLED']]);
    assert.deepEqual(s.completed_frameworks, []);
  }
});

test('/master/state-summary counts tasks per agent and framework', async () => {
  const s = await json('/master/state-summary');
  const slaves = s.slaves as Record<string, number | string[]>[];
  assert.equal(slaves.reduce((n, a) => n + (a.TASK_RUNNING as number), 0), 2);
  assert.equal(slaves.reduce((n, a) => n + (a.TASK_KILLED as number), 0), 1);
  const [fw] = s.frameworks as Record<string, unknown>[];
  assert.equal(fw!.TASK_RUNNING, 2);
  assert.equal(fw!.TASK_KILLED, 1);
  assert.ok((fw!.slave_ids as string[]).length >= 1);
});

test('/master/slaves, /master/frameworks, /master/tasks, /master/roles', async () => {
  const slaves = await json('/master/slaves');
  assert.equal((slaves.slaves as unknown[]).length, 2);
  assert.ok(Array.isArray((slaves.slaves as Record<string, unknown>[])[0]!.used_resources_full));
  assert.deepEqual(slaves.recovered_slaves, []);
  const fws = await json('/frameworks?framework_id=nope');
  assert.deepEqual(fws, { frameworks: [], completed_frameworks: [], unregistered_frameworks: [] });
  const tasks = await json('/master/tasks?limit=2&order=asc');
  assert.equal((tasks.tasks as unknown[]).length, 2);
  const one = await json('/master/tasks?task_id=t0');
  assert.deepEqual((one.tasks as { state: string }[]).map((t) => t.state), ['TASK_KILLED']);
  const bad = await fetch(`${base}/master/tasks?limit=zero`);
  assert.equal(bad.status, 400);
  assert.match(String(((await bad.json()) as { message: string }).message), /limit/);
  const roles = await json('/master/roles');
  const star = (roles.roles as { name: string; frameworks: string[] }[]).find((r) => r.name === '*');
  assert.ok(star && star.frameworks.length === 1);
});

test('/master/health, /master/redirect, /version, /master/flags, ?jsonp', async () => {
  assert.equal((await fetch(`${base}/master/health`)).status, 200);
  const redirect = await fetch(`${base}/master/redirect`, { redirect: 'manual' });
  assert.equal(redirect.status, 307);
  assert.equal(redirect.headers.get('location'), '//m1:5050');
  const version = await json('/version');
  assert.equal(version.version, '1.11.0');
  assert.deepEqual(await json('/master/flags'), { flags: { cluster: 'test', port: '5050' } });
  const wrapped = await fetch(`${base}/master/state-summary?jsonp=cb`);
  assert.match(wrapped.headers.get('content-type') ?? '', /javascript/);
  assert.match(await wrapped.text(), /^cb\(\{.*\}\)$/s);
});

test('/metrics/snapshot publishes live master values under Mesos keys, sorted', async () => {
  const res = await fetch(`${base}/metrics/snapshot`);
  const text = await res.text();
  const snap = JSON.parse(text) as Record<string, number>;
  const keys = Object.keys(snap);
  assert.deepEqual(keys, [...keys].sort());
  assert.equal(snap['master/tasks_running'], 2);
  assert.equal(snap['master/tasks_killed'], 1);
  assert.equal(snap['master/slaves_active'], 2);
  assert.equal(snap['master/frameworks_active'], 1);
  assert.equal(snap['master/elected'], 1);
  assert.equal(snap['master/cpus_total'], 4);
  assert.equal(snap['master/cpus_used'], 0.2);
  assert.equal(snap['master/cpus_percent'], 0.05);
  assert.ok(snap['master/valid_status_updates']! >= 7);
  assert.equal(snap['master/messages_kill_task'], 1);
  assert.ok('allocator/mesos/allocation_runs' in snap);
  assert.ok('registrar/state_store_ms' in snap);
  assert.ok('system/cpus_total' in snap);
  assert.ok(!('master/operations/total' in snap), 'no stand-in keys for what minidc does not do');
  const fwId = h.master.frameworks.keys().next().value!;
  const fwKey = `master/frameworks/test/${fwId}`;
  assert.equal(snap[`${fwKey}/subscribed`], 1);
  assert.equal(snap[`${fwKey}/tasks/active/task_running`], 2);
  assert.equal(snap[`${fwKey}/tasks/terminal/task_killed`], 1);
  assert.equal(snap[`${fwKey}/calls/kill`], 1);
  assert.ok(snap[`${fwKey}/offers/accepted`]! >= 3);
  assert.ok(snap[`${fwKey}/offers/sent`]! >= snap[`${fwKey}/offers/accepted`]!);
  assert.ok(snap[`${fwKey}/events/update`]! >= 7);
  const bad = await fetch(`${base}/metrics/snapshot?timeout=soon`);
  assert.equal(bad.status, 400);
});

// Last: it adds a framework's tasks. /master/roles sums per role are cached between task changes; a change shows.
test('/master/roles follows task changes between reads', async () => {
  const cpus = async () => ((await json('/master/roles')).roles as { name: string; resources: { cpus: number } }[]).find((r) => r.name === '*')!.resources.cpus;
  const before = await cpus();
  assert.equal(await cpus(), before);
  const running = h.master.counters.activeTasks('TASK_RUNNING');
  await framework(h.master, 1);
  await until('one more running', () => h.master.counters.activeTasks('TASK_RUNNING') === running + 1);
  assert.ok((await cpus()) > before);
});
