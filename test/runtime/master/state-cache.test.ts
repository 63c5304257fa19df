/**
 * `/master/state` and `/master/state-summary` are rendered once per master change and served from a cache: every
 * response must still show the cluster as it is right after the change (a launch, a kill, an agent going
 * unreachable, a framework leaving), with and without `?jsonp=`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../../runtime/master/http/master-http-plugin.ts';
import { Resources } from '../../../runtime/mesos/resources.ts';
import type { OfferView, SchedulerConnection } from '../../../runtime/mesos/scheduler-api.ts';
import type { TaskStatus } from '../../../runtime/mesos/task-status.ts';
import { cluster, until, type Harness } from './master-harness.ts';

let h: Harness;
let base: string;
let close: () => Promise<void>;
const toLaunch: string[] = [];
const updates: TaskStatus[] = [];
let conn: SchedulerConnection;

before(async () => {
  h = await cluster(2);
  const box: { conn?: SchedulerConnection } = {};
  const onOffers = (offers: OfferView[]) => {
    for (const o of offers) {
      const id = toLaunch.shift();
      if (id === undefined) box.conn!.decline([o.id], { refuseSeconds: 0.01 });
      else
        box.conn!.accept([o.id], [{ taskId: id, name: 'sleeper', resources: Resources.parse('cpus:0.1;mem:32'), command: { value: 'sleep 100' } }], {
          refuseSeconds: 0,
        });
    }
  };
  conn = box.conn = await h.master.subscribe(
    { name: 'cache-test', user: 'root', roles: ['*'], capabilities: ['PARTITION_AWARE'] },
    { subscribed: () => {}, offers: onOffers, rescind: () => {}, update: (u) => updates.push(u), error: () => {} },
  );
  const app = createHttpServer();
  await app.register(masterHttpPlugin, { master: () => h.master, flags: { cluster: 'test' } });
  base = (await listenHttp(app, '127.0.0.1', 0)).url;
  close = async () => {
    await app.close();
    await h.close();
  };
});
after(() => close());

interface Summary {
  slaves: { id: string; TASK_RUNNING: number; TASK_KILLED: number }[];
  frameworks: { id: string; TASK_RUNNING: number; TASK_KILLED: number; slave_ids: string[] }[];
}
interface State {
  unreachable_slaves: number;
  slaves: { id: string }[];
  frameworks: { id: string; tasks: { id: string; state: string }[]; completed_tasks: { id: string; state: string }[] }[];
  completed_frameworks: { id: string }[];
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${base}${path}`);
  assert.equal(res.status, 200);
  return (await res.json()) as T;
}

const summary = () => get<Summary>('/master/state-summary');
const state = () => get<State>('/master/state');

async function launch(id: string): Promise<void> {
  toLaunch.push(id);
  await until(`${id} running`, () => updates.some((u) => u.taskId === id && u.state === 'TASK_RUNNING'));
}

test('a launch is in the next response of both endpoints', async () => {
  // Warm both caches before the change.
  assert.equal((await summary()).frameworks[0]!.TASK_RUNNING, 0);
  assert.deepEqual((await state()).frameworks[0]!.tasks, []);
  await launch('t1');
  const s = await summary();
  assert.equal(s.frameworks[0]!.TASK_RUNNING, 1);
  assert.equal(s.slaves.reduce((n, a) => n + a.TASK_RUNNING, 0), 1);
  assert.equal(s.frameworks[0]!.slave_ids.length, 1);
  const st = await state();
  assert.deepEqual(
    st.frameworks[0]!.tasks.map((t) => [t.id, t.state]),
    [['t1', 'TASK_RUNNING']],
  );
});

test('a kill is in the next response, and repeated reads without a change give the same document', async () => {
  const before = await (await fetch(`${base}/master/state-summary`)).text();
  assert.equal(await (await fetch(`${base}/master/state-summary`)).text(), before);
  conn.kill('t1');
  await until('t1 killed', () => updates.some((u) => u.taskId === 't1' && u.state === 'TASK_KILLED'));
  const s = await summary();
  assert.equal(s.frameworks[0]!.TASK_RUNNING, 0);
  assert.equal(s.frameworks[0]!.TASK_KILLED, 1);
  const st = await state();
  assert.deepEqual(st.frameworks[0]!.tasks, []);
  assert.deepEqual(
    st.frameworks[0]!.completed_tasks.map((t) => [t.id, t.state]),
    [['t1', 'TASK_KILLED']],
  );
});

test('?jsonp= serves the current document too', async () => {
  await launch('t2');
  const res = await fetch(`${base}/master/state-summary?jsonp=cb`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/javascript/);
  const text = await res.text();
  assert.ok(text.startsWith('cb(') && text.endsWith(')'));
  const s = JSON.parse(text.slice(3, -1)) as Summary;
  assert.equal(s.frameworks[0]!.TASK_RUNNING, 1);
  const plain = await summary();
  assert.deepEqual(plain, s);
});

test('an agent marked unreachable leaves the next response', async () => {
  const [a0, a1] = (await summary()).slaves.map((a) => a.id);
  assert.ok(a0 && a1);
  await state();
  await h.master.markUnreachable(h.master.agents.get(a0)!, 'test');
  const s = await summary();
  assert.deepEqual(
    s.slaves.map((a) => a.id),
    [a1],
  );
  const st = await state();
  assert.equal(st.unreachable_slaves, 1);
  assert.deepEqual(
    st.slaves.map((a) => a.id),
    [a1],
  );
});

test('a framework torn down leaves the next response', async () => {
  const fwId = (await summary()).frameworks[0]!.id;
  await state();
  conn.teardown();
  await until('framework removed', () => !h.master.frameworks.has(fwId));
  assert.deepEqual((await summary()).frameworks, []);
  const st = await state();
  assert.deepEqual(st.frameworks, []);
  assert.deepEqual(
    st.completed_frameworks.map((f) => f.id),
    [fwId],
  );
});
