/**
 * Signal on a cluster started as a user starts it (`minidc start`): dcos-signal.timer triggers dcos-signal.service,
 * which POSTs its batch to the configured endpoint (a receiver in this test); `minidc signal --test` prints the
 * payload naming the cluster's real units, agents and apps; once the cluster is stopped it fails with one line.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, minidcAsync, startMinidc, type EndpointsFile, type RunningMinidc } from '../support/minidc-cli.ts';
import { serve, type FakeServer } from '../signal/fake-cluster.ts';

interface Batch {
  batch: { event: string; anonymousId: string; properties: Record<string, unknown> }[];
}

let dir: string;
let run: RunningMinidc | undefined;
let endpoints: EndpointsFile;
let receiver: FakeServer;

const dataDir = () => join(dir, 'data');
const propertiesOf = (batch: Batch, event: string) => batch.batch.find((e) => e.event === event)?.properties;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'minidc-e2e-signal-'));
  receiver = await serve((_req, res) => res.end('{"success":true}'));
  // Every second, so the test need not wait for the hour.
  await writeFile(join(dir, 'config.json'), JSON.stringify({ signal_endpoint: `${receiver.url}/v1/batch`, signal_schedule: '* * * * * *' }));
  run = startMinidc(['--config', join(dir, 'config.json'), '--ports', 'ephemeral', '--data-dir', dataDir(), '--no-sample']);
  endpoints = await endpointsOf(run, dataDir(), 60_000, (f) => f.nodes.every((n) => n.endpoints.diagnostics !== undefined));
  const marathon = endpoints.nodes[0]!.endpoints.marathon!;
  const created = await fetch(`${marathon}/v2/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: '/kafka', cmd: 'sleep 1000', instances: 0, cpus: 0.1, mem: 16, labels: { DCOS_PACKAGE_NAME: 'kafka', DCOS_PACKAGE_VERSION: '2.9.0' } }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(created.status, 201);
});

after(async () => {
  if (run && run.child.exitCode === null) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

/** Unit → on how many nodes endpoints.json lists it. */
function unitCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const node of endpoints.nodes) for (const unit of node.units) counts.set(unit, (counts.get(unit) ?? 0) + 1);
  return counts;
}

test('minidc signal --test prints the batch naming the running cluster: its units per node, agents, frameworks, apps', async () => {
  const r = await minidcAsync(['signal', '--test', '--data-dir', dataDir()]);
  assert.equal(r.status, 0, r.stderr);
  const payload = JSON.parse(r.stdout) as Batch;
  assert.deepEqual(
    payload.batch.map((e) => e.event),
    ['health', 'mesos_track', 'package_list'],
  );
  for (const e of payload.batch) assert.equal(e.anonymousId, endpoints.cluster.id);

  const health = propertiesOf(payload, 'health')!;
  const counts = unitCounts();
  assert.ok(counts.get('dcos-signal.timer') === 1 && counts.get('dcos-signal.service') === 1, 'Signal runs on the master only');
  const totals = Object.fromEntries(Object.entries(health).filter(([k]) => k.endsWith('-total')));
  assert.deepEqual(totals, Object.fromEntries([...counts].map(([unit, n]) => [`health-unit-${unit.replaceAll('.', '-')}-total`, n])));
  for (const unit of counts.keys()) assert.equal(typeof health[`health-unit-${unit.replaceAll('.', '-')}-unhealthy`], 'number', unit);

  const mesos = propertiesOf(payload, 'mesos_track')!;
  const agents = endpoints.nodes.filter((n) => n.role !== 'master').length;
  assert.equal(mesos.agents_connected, agents);
  assert.equal(mesos.agents_active, agents);
  assert.deepEqual(mesos.frameworks, [{ name: 'marathon' }]);
  assert.ok((mesos.cpu_total as number) > 0);

  assert.deepEqual(
    (propertiesOf(payload, 'package_list')!.package_list as unknown[]).map((p) => JSON.stringify(p)),
    [JSON.stringify({ appId: '/kafka', packageInformation: { packageDefinition: { name: 'kafka', version: '2.9.0' } } })],
  );
});

test('dcos-signal.timer triggers dcos-signal.service, which POSTs the batch to signal_endpoint and stays healthy', async () => {
  const batch = await eventually('a batch with all three events at the receiver', () => {
    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as Batch);
    return bodies.find((b) => b.batch.length === 3);
  });
  assert.equal(receiver.requests[0]!.url, '/v1/batch');
  assert.deepEqual(
    batch.batch.map((e) => [e.event, e.anonymousId]),
    ['health', 'mesos_track', 'package_list'].map((e) => [e, endpoints.cluster.id]),
  );
  const master = endpoints.nodes.find((n) => n.role === 'master')!;
  const journal = await readFile(join(dataDir(), 'nodes', master.ip, 'journal', 'dcos-signal.service.log'), 'utf8');
  assert.match(journal, /sent health, mesos_track, package_list to http:\/\/127\.0\.0\.1:\d+\/v1\/batch/);
  const status = JSON.parse(await readFile(join(dataDir(), 'nodes', master.ip, 'signal', 'status.json'), 'utf8')) as { batches_sent_total: number };
  assert.ok(status.batches_sent_total >= 1);
  await eventually('dcos-signal.service healthy in the health report', async () => {
    const res = await fetch(`${master.endpoints.diagnostics}/system/health/v1/units/dcos-signal.service`, { signal: AbortSignal.timeout(10_000) });
    return ((await res.json()) as { health: number }).health === 0 ? true : undefined;
  });
});

test('once the cluster is stopped, minidc signal --test fails with one line', async () => {
  run!.child.kill('SIGTERM');
  await run!.exited;
  const r = await minidcAsync(['signal', '--test', '--data-dir', dataDir()]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^minidc: the cluster in .* is not running \(no source answered\): GET http:\/\/.*ECONNREFUSED\n$/);
});
