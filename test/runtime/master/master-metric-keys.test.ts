/**
 * Every key in the master's and an agent's `/metrics/snapshot` is declared by exactly one source (no key published
 * twice, none undeclared), the sources' declared keys are disjoint, and the task-state keys are Mesos's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpServer } from '../../../runtime/http/http-server.ts';
import { listenHttp } from '../../../runtime/http/listen-http.ts';
import { masterHttpPlugin } from '../../../runtime/master/http/master-http-plugin.ts';
import { agentHttpPlugin } from '../../../runtime/agent/http/agent-http-plugin.ts';
import { AGENT_SNAPSHOT_SOURCES } from '../../../runtime/agent/http/agent-metrics.ts';
import { collectMasterMetrics, MASTER_SNAPSHOT_SOURCES } from '../../../runtime/master/master-metrics.ts';
import { systemMetrics } from '../../../runtime/http/system-metrics.ts';
import { MetricKeys, sourceOf } from '../../../runtime/metrics/metric-keys.ts';
import { parseQuantities, Resources } from '../../../runtime/mesos/resources.ts';
import { cluster, framework, until, type Harness } from './master-harness.ts';

let h: Harness;
let master: string;
let agent: string;
let close: () => Promise<void>;

before(async () => {
  h = await cluster(2);
  const fw = await framework(h.master, 3);
  await until('3 running', () => h.master.counters.activeTasks('TASK_RUNNING') === 3);
  // A kill, a quota, a suppressed role and a launch on an unknown offer (TASK_DROPPED with a source and reason):
  // the keys created on first use.
  fw.conn.kill('t0');
  await until('t0 killed', () => fw.updates.some((u) => u.taskId === 't0' && u.state === 'TASK_KILLED'));
  await h.master.updateQuota('*', { guarantees: parseQuantities('cpus:0.5'), limits: parseQuantities('cpus:1') });
  fw.conn.suppress(['*']);
  fw.conn.accept(['no-such-offer'], [{ taskId: 'dropped', name: 'x', resources: Resources.parse('cpus:0.1'), command: { value: 'true' } }]);
  const masterApp = createHttpServer();
  await masterApp.register(masterHttpPlugin, { master: () => h.master, flags: {} });
  master = (await listenHttp(masterApp, '127.0.0.1', 0)).url;
  const agentApp = createHttpServer();
  await agentApp.register(agentHttpPlugin, { agent: h.agents[0]!, flags: {} });
  agent = (await listenHttp(agentApp, '127.0.0.1', 0)).url;
  close = async () => {
    await masterApp.close();
    await agentApp.close();
    await h.close();
  };
});
after(() => close());

async function snapshot(base: string): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics/snapshot`);
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, number>;
}

/** Fixed keys of one source that another source also declares. */
function overlaps(sources: readonly MetricKeys<string, string>[]): string[] {
  const out: string[] = [];
  for (const a of sources)
    for (const key of a.fixed) for (const b of sources) if (b !== a && b.declares(key)) out.push(`${key}: ${a.source} and ${b.source}`);
  return out;
}

test("every key of the master's snapshot is declared by exactly one source", async () => {
  const keys = Object.keys(await snapshot(master));
  for (const key of keys) sourceOf(key, MASTER_SNAPSHOT_SOURCES);
  const bySource = new Map<string, number>();
  for (const key of keys) {
    const s = sourceOf(key, MASTER_SNAPSHOT_SOURCES).source;
    bySource.set(s, (bySource.get(s) ?? 0) + 1);
  }
  // Each source contributed something: the snapshot really is built from all of them.
  assert.deepEqual([...bySource.keys()].sort(), MASTER_SNAPSHOT_SOURCES.map((s) => s.source).sort());
  // The keys created on first use are there too.
  for (const pattern of [
    /^master\/task_dropped\/source_master\/reason_invalid_offers$/,
    /^master\/frameworks\/test\/[^/]+\/roles\/\*\/suppressed$/,
    /^allocator\/mesos\/quota\/roles\/\*\/resources\/cpus\/guarantee$/,
    /^allocator\/mesos\/allocation_run_ms\/p99$/,
  ])
    assert.ok(keys.some((k) => pattern.test(k)), `the snapshot has a key like ${pattern}`);
});

test('building the master snapshot writes no key twice', () => {
  // A snapshot object that refuses a second write of a key, so two builders publishing one key show up even when
  // one of them bypasses the declarations.
  const written = new Set<string>();
  const out = new Proxy({} as Record<string, number>, {
    set(target, key, value: number) {
      if (typeof key === 'string' && written.has(key)) throw new Error(`'${key}' written twice`);
      written.add(String(key));
      target[String(key)] = value;
      return true;
    },
  });
  systemMetrics(out);
  collectMasterMetrics(h.master, out);
  assert.ok(written.has('allocator/event_queue_dispatches'));
});

test("the master's sources declare disjoint keys; allocator/event_queue_dispatches comes from the allocator only", () => {
  assert.deepEqual(overlaps(MASTER_SNAPSHOT_SOURCES), []);
  assert.equal(sourceOf('allocator/event_queue_dispatches', MASTER_SNAPSHOT_SOURCES).source, 'allocator');
  assert.equal(sourceOf('allocator/mesos/event_queue_dispatches', MASTER_SNAPSHOT_SOURCES).source, 'allocator');
});

test("every key of an agent's snapshot is declared by exactly one source", async () => {
  const keys = Object.keys(await snapshot(agent));
  assert.ok(keys.length > 20);
  for (const key of keys) sourceOf(key, AGENT_SNAPSHOT_SOURCES);
  assert.deepEqual(overlaps(AGENT_SNAPSHOT_SOURCES), []);
});

/** Mesos 1.x's task-state keys (docs/monitoring.md; master and agent `/metrics/snapshot`). */
const MESOS_MASTER_TASK_KEYS = [
  'staging', 'starting', 'running', 'unreachable', 'killing',
  'finished', 'failed', 'killed', 'lost', 'error', 'dropped', 'gone', 'gone_by_operator',
].map((s) => `master/tasks_${s}`);
const MESOS_AGENT_TASK_KEYS = ['staging', 'starting', 'running', 'killing', 'finished', 'failed', 'killed', 'lost', 'gone'].map(
  (s) => `slave/tasks_${s}`,
);
const MESOS_FRAMEWORK_TASK_KEYS = [
  ...['staging', 'starting', 'running', 'killing', 'unreachable', 'unknown'].map((s) => `tasks/active/task_${s}`),
  ...['finished', 'failed', 'killed', 'error', 'lost', 'dropped', 'gone', 'gone_by_operator'].map((s) => `tasks/terminal/task_${s}`),
];

test('master/tasks_*, slave/tasks_* and per-framework task keys are the ones Mesos publishes', async () => {
  const m = await snapshot(master);
  assert.deepEqual(Object.keys(m).filter((k) => k.startsWith('master/tasks_')).sort(), MESOS_MASTER_TASK_KEYS.sort());
  assert.equal(m['master/tasks_running'], 2);
  assert.equal(m['master/tasks_killed'], 1);
  const fwTasks = Object.keys(m)
    .filter((k) => /^master\/frameworks\/test\/[^/]+\/tasks\//.test(k))
    .map((k) => k.replace(/^master\/frameworks\/test\/[^/]+\//, ''));
  assert.deepEqual(fwTasks.sort(), MESOS_FRAMEWORK_TASK_KEYS.sort());
  const agentTasks = Object.keys(await snapshot(agent)).filter((k) => k.startsWith('slave/tasks_'));
  assert.deepEqual(agentTasks.sort(), MESOS_AGENT_TASK_KEYS.sort());
});
