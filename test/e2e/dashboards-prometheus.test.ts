/**
 * Every panel query of every dashboard returns data from a real Prometheus scraping every node of a cluster started
 * as a user starts it. Two kinds of series only exist once something has happened ("event" panels): task state
 * changes by reason (a task's processes killed here, so it fails) and upstream DNS failures (a query the dead upstream cannot answer). The
 * check first names exactly those as "metric absent"; after the events, `minidc dashboards check` exits 0. The
 * quota guarantee/limit queries stay empty (minidc has no quota API) and are reported as optional.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkDashboards } from '../../dashboards/grafana/panel-check.ts';
import { DASHBOARDS } from '../../dashboards/grafana/dashboards.ts';
import { endpointsOf, eventually, minidcAsync, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';
import { startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';

let dir: string;
let minidc: RunningMinidc;
let prometheus: RunningPrometheus | undefined;
let nodes: EndpointsFile['nodes'];

const RATE_INTERVAL = '1m';
const EVENT_PANELS = ['Failures', 'Task state changes by reason'];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'minidc-dashboards-'));
  // Nothing listens on port 9: a name outside the cluster fails upstream.
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ upstream_resolvers: ['127.0.0.1:9'] }));
  minidc = startMinidc(['--ports', 'ephemeral', '--data-dir', join(dir, 'data'), '--config', join(dir, 'config.json')]);
  nodes = (await endpointsOf(minidc, join(dir, 'data'), 60_000, (f) => f.nodes.every((n) => n.endpoints.metrics !== undefined))).nodes;
  prometheus = await startPrometheus(nodes.map((n) => ({ address: new URL(n.endpoints.metrics!).host })));
  await prometheus.waitFor('up == 1', (v) => v.length === nodes.length);
  // Two scrapes of every node at least, so rates have two samples.
  await prometheus.waitFor(`count_over_time(up[${RATE_INTERVAL}]) >= 2`, (v) => v.length === nodes.length);
  await prometheus.waitFor('mesos_cluster_tasks_running >= 3', (v) => v.length === 1);
});

after(async () => {
  await prometheus?.stop();
  minidc?.child.kill('SIGTERM');
  await minidc?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test('before any event, only the event panels lack data, their metrics absent', async () => {
  const checks = await checkDashboards(prometheus!.url, DASHBOARDS, { rateInterval: RATE_INTERVAL });
  const empty = checks.filter((c) => c.verdict === 'no-data');
  assert.deepEqual(empty.map((c) => c.panel).sort(), EVENT_PANELS, JSON.stringify(empty, null, 1));
  for (const c of empty) assert.match(c.reason!, /^metric absent: .*; appears after /);
});

/** The pid of a task's executor on some agent (its process group is the task's). */
async function aTaskPid(): Promise<number | undefined> {
  for (const node of nodes.filter((n) => n.role !== 'master')) {
    const containers = (await (await fetch(`${node.endpoints.mesos}/containers`)).json()) as { status: { executor_pid?: number } }[];
    const pid = containers.find((c) => c.status.executor_pid !== undefined)?.status.executor_pid;
    if (pid !== undefined) return pid;
  }
  return undefined;
}

test('after a task fails and a DNS query fails upstream, minidc dashboards check finds data in every panel', async (t) => {
  process.kill(-(await eventually('a task with a pid', aTaskPid)), 'SIGKILL');
  for (const node of nodes) {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([node.endpoints.dns_forwarder!]);
    assert.ok((await resolver.resolve4('leader.mesos')).length > 0);
    await assert.rejects(resolver.resolve4('example.com'));
  }
  // Prometheus scrapes every second; the new series show within a few scrapes.
  const until = Date.now() + 30_000;
  for (;;) {
    const empty = (await checkDashboards(prometheus!.url, DASHBOARDS, { rateInterval: RATE_INTERVAL })).filter((c) => c.verdict === 'no-data');
    if (empty.length === 0) break;
    assert.ok(Date.now() < until, `still without data: ${JSON.stringify(empty, null, 1)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }

  const run = await minidcAsync(['dashboards', 'check', '--prometheus', prometheus!.url]);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const summary = /^10 dashboards, (\d+) panels and variables, (\d+) queries: (\d+) with data, 0 without, 3 optional without$/m.exec(run.stdout);
  assert.ok(summary, run.stdout);
  assert.equal(Number(summary[3]) + 3, Number(summary[2]));
  assert.match(run.stdout, /^Without data, as expected on some clusters:$/m);
  for (const metric of ['mesos_allocator_quota_guarantee', 'mesos_allocator_quota_limit', 'mesos_allocator_quota_offered_or_allocated'])
    assert.match(run.stdout, new RegExp(`metric absent: no series of ${metric}; only for roles with a quota set`));
  t.diagnostic(summary[0]);
});
