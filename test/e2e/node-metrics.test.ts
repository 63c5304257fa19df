/**
 * Every node's `/metrics` (dcos-telegraf.service) on a cluster started as a user starts it (`minidc start` in its
 * own process), read only through HTTP, DNS and a real Prometheus: promtool-clean expositions, a catalogue that
 * covers every key the nodes publish and whose entries all appear, counters that move with task failures and
 * kills, gauges that agree with /master/state, and every seed indicator queryable in Prometheus.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOGUE, entriesOf, type CatalogueSource } from '../../collectors/catalogue/catalogue.ts';
import { SnapshotMapper } from '../../collectors/snapshot/snapshot-mapper.ts';
import { endpointsOf, eventually, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';
import { promtoolCheckMetrics, startPrometheus } from '../support/prometheus.ts';

interface EndpointsNode {
  ip: string;
  role: string;
  endpoints: Record<string, string>;
}

let dir: string;
let minidc: RunningMinidc;
let nodes: EndpointsNode[];
let master: EndpointsNode;

const getJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  return (await response.json()) as T;
};
const getText = async (url: string): Promise<string> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `GET ${url}`);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return response.text();
};

/** `name{labels} value` lines of an exposition → value of the first series matching `name` and `labels`. */
function valueOf(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

const metricsOf = (node: EndpointsNode) => getText(`${node.endpoints.metrics}/metrics`);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minidc-node-metrics-'));
  // Nothing listens on port 9: names outside the cluster fail upstream, so the forwarder's failure series exist.
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ upstream_resolvers: ['127.0.0.1:9'] }));
  minidc = startMinidc(['--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--config', join(dir, 'config.json')]);
  nodes = (await endpointsOf(minidc, join(dir, 'data'), 90_000, (f) => f.nodes.every((n) => n.endpoints.metrics !== undefined))).nodes;
  master = nodes.find((n) => n.role === 'master')!;
  await eventually(
    'the sample app running',
    async () => ((await getJson<Record<string, number>>(`${master.endpoints.mesos}/metrics/snapshot`))['master/tasks_running']! >= 3 ? true : undefined),
    60_000,
  );
  // A query in a cluster zone and one the (dead) upstream must answer, on every node's forwarder.
  for (const node of nodes) {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    const [host, port] = node.endpoints.dns_forwarder!.split(':');
    resolver.setServers([`${host}:${port}`]);
    assert.ok((await resolver.resolve4('leader.mesos')).length > 0);
    await assert.rejects(resolver.resolve4('example.com'));
  }
});

after(async () => {
  minidc?.child.kill('SIGTERM');
  await minidc?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test("every node's /metrics is promtool-clean and has its unit health and collectors up", async () => {
  for (const node of nodes) {
    const text = await metricsOf(node);
    const lint = promtoolCheckMetrics(text);
    assert.equal(lint.output, '', `${node.ip} (${node.role})`);
    assert.equal(lint.status, 0);
    assert.equal(valueOf(text, 'minidc_unit_health', { node: node.ip, unit: 'dcos-spartan.service' }), 0, node.ip);
    assert.equal(valueOf(text, 'minidc_unit_health', { node: node.ip, unit: 'dcos-telegraf.service' }), 0, node.ip);
    for (const line of text.split('\n').filter((l) => l.startsWith('minidc_collector_up{'))) assert.match(line, / 1$/, `${node.ip}: ${line}`);
  }
});

interface MasterState {
  frameworks: { tasks: { state: string }[] }[];
  slaves: { active: boolean }[];
}

test('gauges agree with /master/state, and counters move as tasks fail, are killed and finish', async () => {
  const agree = async () => {
    const [state, text] = await Promise.all([getJson<MasterState>(`${master.endpoints.mesos}/master/state`), metricsOf(master)]);
    const running = state.frameworks.flatMap((f) => f.tasks).filter((t) => t.state === 'TASK_RUNNING').length;
    const gauges = [valueOf(text, 'mesos_cluster_tasks_running'), valueOf(text, 'mesos_cluster_frameworks'), valueOf(text, 'mesos_cluster_slaves_active')];
    const expected = [running, state.frameworks.length, state.slaves.filter((s) => s.active).length];
    return JSON.stringify(gauges) === JSON.stringify(expected) ? text : undefined;
  };
  // The two reads are one request each; a task changing in between makes them differ, so read again until still.
  const before = await eventually('metrics that agree with /master/state', agree, 30_000);

  const containers = await eventually('a task container with a pid on an agent', async () => {
    for (const node of nodes.filter((n) => n.role !== 'master')) {
      const list = await getJson<{ status: { executor_pid?: number } }[]>(`${node.endpoints.mesos}/containers`);
      const pid = list.find((c) => c.status.executor_pid !== undefined)?.status.executor_pid;
      if (pid !== undefined) return { node, pid };
    }
    return undefined;
  });
  const failedBefore = valueOf(before, 'mesos_cluster_tasks_failed_total')!;
  process.kill(-containers.pid, 'SIGKILL');
  await eventually('tasks_failed_total to move', async () => (valueOf(await metricsOf(master), 'mesos_cluster_tasks_failed_total')! > failedBefore ? true : undefined));
  const agentFailed = valueOf(await metricsOf(containers.node), 'mesos_slave_tasks_failed_total')!;
  assert.ok(agentFailed >= 1, 'the agent counts the failure too');
  assert.ok(valueOf(await metricsOf(master), 'mesos_cluster_task_states_by_reason_total', { state: 'failed' })! >= 1);

  const killedBefore = valueOf(await metricsOf(master), 'mesos_cluster_tasks_killed_total')!;
  const tasks = await getJson<{ tasks: { id: string }[] }>(`${master.endpoints.marathon}/v2/apps/sample/tasks`);
  const killed = await fetch(`${master.endpoints.marathon}/v2/apps/sample/tasks/${tasks.tasks[0]!.id}`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  assert.equal(killed.status, 200);
  await eventually('tasks_killed_total to move', async () => (valueOf(await metricsOf(master), 'mesos_cluster_tasks_killed_total')! > killedBefore ? true : undefined));

  // A task whose command exits 0 finishes (Marathon then starts it again, which is fine for counting).
  const finishedBefore = valueOf(await metricsOf(master), 'mesos_cluster_tasks_finished_total')!;
  const app = { id: '/finisher', cmd: 'true', instances: 1, cpus: 0.01, mem: 16 };
  const created = await fetch(`${master.endpoints.marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(app),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(created.status, 201);
  await eventually('tasks_finished_total to move', async () => (valueOf(await metricsOf(master), 'mesos_cluster_tasks_finished_total')! > finishedBefore ? true : undefined));
  const removed = await fetch(`${master.endpoints.marathon}/v2/apps/finisher?force=true`, { method: 'DELETE', signal: AbortSignal.timeout(10_000) });
  assert.equal(removed.status, 200);
  await eventually('metrics that agree with /master/state again', agree, 30_000);
});

// After the failure and the kill above, so the by-reason series exist.
test('the catalogue covers every key the nodes publish, and every entry is published', async () => {
  const sources: [CatalogueSource, string][] = [[ 'mesos_master', `${master.endpoints.mesos}/metrics/snapshot`], ['mesos_dns', `${master.endpoints.mesos_dns}/metrics/snapshot`]];
  for (const node of nodes) {
    if (node.role !== 'master') sources.push(['mesos_agent', `${node.endpoints.mesos}/metrics/snapshot`]);
    sources.push(['dns_forwarder', `${node.endpoints.dns_forwarder_api}/v1/metrics`], ['l4lb', `${node.endpoints.l4lb}/metrics`]);
  }
  for (const [source, url] of sources) {
    const { unknown } = new SnapshotMapper(entriesOf(source)).map(await getJson<Record<string, number>>(url));
    assert.deepEqual(unknown, [], `${url}: keys the catalogue does not declare`);
  }
  const published = new Set<string>();
  for (const node of nodes) for (const m of (await metricsOf(node)).matchAll(/^# TYPE (\S+) /gm)) published.add(m[1]!);
  // minidc has no quota API yet, so these appear only against a real Mesos with quota set (external mode).
  const needQuota = ['mesos_allocator_quota_guarantee', 'mesos_allocator_quota_limit', 'mesos_allocator_quota_offered_or_allocated'];
  const missing = CATALOGUE.filter((e) => e.aliasOf === undefined && !published.has(e.prometheusName) && !needQuota.includes(e.prometheusName));
  assert.deepEqual(missing.map((e) => e.prometheusName), []);
});

test('a real Prometheus scrapes every node: up is 1 and every seed indicator has a sample', async () => {
  const prometheus = await startPrometheus(nodes.map((n) => ({ address: new URL(n.endpoints.metrics!).host })));
  try {
    await prometheus.waitFor('up == 1', (v) => v.length === nodes.length);
    const seeds = CATALOGUE.filter((e) => /^mesos\.(cluster|registrar|slave|stats)\./.test(e.dottedName) && e.aliasOf === undefined);
    assert.ok(seeds.length >= 60, `${seeds.length} seed indicators`);
    const series = (e: (typeof seeds)[number]) => (e.type === 'summary' || e.type === 'histogram' ? `${e.prometheusName}_count` : e.prometheusName);
    for (const seed of seeds) await prometheus.waitFor(series(seed), (v) => v.length > 0, 15_000);
  } finally {
    await prometheus.stop();
  }
});
