/**
 * OpenTelemetry end to end: `minidc start --ports ephemeral` as a child process with the standard OTEL_* variables
 * pointing at an OTLP/HTTP receiver in this test (JSON encoding, decoded here). Every node's catalogue arrives with
 * dotted names and live values every second, and spans for allocation cycles, the sample app's task launches, Marathon health checks,
 * Mesos-DNS rebuilds and HTTP requests (continuing a caller's trace). Without the variables nothing connects, not
 * even to the OTLP default endpoint an SDK left on its defaults would use.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpointsOf, eventually, startMinidc, type RunningMinidc } from '../support/minidc-cli.ts';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';

let root = '';
const runs: RunningMinidc[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'minidc-otel-'));
  // Only what each test sets reaches the child: nothing inherited from the machine.
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
});

after(async () => {
  for (const r of runs) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  await Promise.all(runs.map((r) => r.exited));
  await rm(root, { recursive: true, force: true });
});

async function startCluster(name: string, env: Record<string, string>): Promise<{ run: RunningMinidc; master: Record<string, string> }> {
  const dir = join(root, name);
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const run = startMinidc(['--ports', 'ephemeral', '--data-dir', dir, '--agents', '1', '--public-agents', '0']);
  process.env = saved;
  runs.push(run);
  const endpoints = await endpointsOf(run, dir);
  return { run, master: endpoints.nodes.find((n) => n.role === 'master')!.endpoints };
}

async function sampleRunning(marathon: string): Promise<void> {
  await eventually(
    'the sample app running',
    async () => {
      const res = await fetch(`${marathon}/v2/apps/sample`, { signal: AbortSignal.timeout(5000) });
      const app = ((await res.json()) as { app: { tasksRunning: number } }).app;
      return app.tasksRunning === 3 ? true : undefined;
    },
    60_000,
  );
}

async function stop(run: RunningMinidc): Promise<void> {
  run.child.kill('SIGTERM');
  assert.equal(await run.exited, 0, run.output());
}

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, the catalogue and the runtime traces arrive over OTLP/HTTP', async () => {
  const receiver = await startOtlpReceiver();
  try {
    const { run, master } = await startCluster('on', {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_SERVICE_NAME: 'minidc-e2e',
    });
    const marathon = master.marathon!;
    await sampleRunning(marathon);

    // Metrics: every node's catalogue (its dcos-telegraf scrape), dotted names with live values, the node as attributes.
    const point = (metric: string, role: string) =>
      eventually(`${metric} from the ${role} node`, () => receiver.points.find((p) => p.metric === metric && p.attributes['minidc.node.role'] === role));
    for (const role of ['master', 'agent']) {
      for (const name of ['mesos.stats.system.load_1min', 'mesos.stats.system.cpus_total', 'mesos.stats.system.mem_total_bytes']) {
        const p = await point(name, role);
        assert.equal(p.type, 'gauge');
        assert.equal(p.service, 'minidc-e2e');
        assert.ok(Number.isFinite(p.value) && p.value >= 0, `${name} = ${p.value}`);
      }
    }
    assert.ok((await point('mesos.stats.system.cpus_total', 'master')).value >= 1);
    assert.equal((await point('mesos.stats.system.load_1min', 'master')).attributes['minidc.node.ip'], '127.0.1.1');
    assert.equal((await point('mesos.stats.system.load_1min', 'agent')).attributes['minidc.node.ip'], '127.0.2.1');
    // The sample app's three tasks, as the master and the agent count them; a summary's quantiles; a counter.
    await eventually('mesos.cluster.tasks_running = 3', () =>
      receiver.points.find((p) => p.metric === 'mesos.cluster.tasks_running' && p.value === 3 && p.attributes['minidc.node.role'] === 'master'),
    );
    await eventually('mesos.slave.tasks_running = 3', () =>
      receiver.points.find((p) => p.metric === 'mesos.slave.tasks_running' && p.value === 3 && p.attributes['minidc.node.role'] === 'agent'),
    );
    const store = await eventually('a registrar write-time quantile', () =>
      receiver.points.find((p) => p.metric === 'mesos.registrar.state_store_ms' && p.attributes.quantile !== undefined),
    );
    assert.equal(store.type, 'gauge');
    assert.equal(store.unit, 'ms', 'the source unit: the Prometheus scale to seconds is not applied');
    const counter = await eventually('a counter', () => receiver.points.find((p) => p.type === 'sum' && p.metric.startsWith('mesos.')));
    assert.deepEqual([counter.monotonic, counter.temporality], [true, 2], `${counter.metric} is a cumulative monotonic sum`);
    const seen = receiver.points.filter((p) => p.metric === 'mesos.stats.system.load_1min').length;
    await eventually('a further export a second later', () =>
      receiver.points.filter((p) => p.metric === 'mesos.stats.system.load_1min').length > seen ? true : undefined,
    );

    // An HTTP request of ours, with a trace of ours: its server span continues it, named after the route template.
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await fetch(`${master.mesos}/master/state-summary`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const http = await eventually('the span of our request', () => receiver.spans.find((s) => s.traceId === traceId));
    assert.equal(http.name, 'GET /master/state-summary');
    assert.equal(http.parentSpanId, '00f067aa0ba902b7');
    assert.equal(http.kind, 2, 'SPAN_KIND_SERVER');
    assert.equal(http.attributes['http.response.status_code'], 200);
    assert.equal(http.attributes['server.address'], '127.0.1.1');
    const marathonRoute = await eventually('a Marathon route span', () =>
      receiver.spans.find((s) => s.name.startsWith('GET /v2/apps') && s.attributes['url.path'] === '/v2/apps/sample'),
    );
    assert.equal(marathonRoute.attributes['http.route'], marathonRoute.name.slice('GET '.length));

    // Allocation cycles carry the sizes they worked on.
    const cycle = await eventually('an allocation cycle that made offers', () =>
      receiver.spans.find((s) => s.name === 'allocator.allocation_cycle' && Number(s.attributes['allocator.offers']) > 0),
    );
    assert.ok(Number(cycle.attributes['allocator.agents']) >= 1);
    assert.ok(Number(cycle.attributes['allocator.frameworks']) >= 1);

    // One launch span per sample task, from offer accepted to TASK_RUNNING.
    const launches = await eventually('three task launch spans', () => {
      const l = receiver.spans.filter((s) => s.name === 'mesos.task.launch' && s.attributes['mesos.task.name'] === 'sample');
      return l.length >= 3 ? l : undefined;
    });
    assert.equal(new Set(launches.map((s) => s.attributes['mesos.task.id'])).size, launches.length, 'one span per task');
    for (const l of launches) {
      assert.equal(l.attributes['mesos.task.state'], 'TASK_RUNNING');
      assert.notEqual(l.statusCode, 2, l.statusMessage);
    }

    await eventually('a Mesos-DNS zone rebuild span', () => receiver.spans.find((s) => s.name === 'mesos_dns.zone_rebuild'));
    // The sample app is checked every 10 s.
    const check: ReceivedSpan = await eventually('a health check span', () => receiver.spans.find((s) => s.name === 'marathon.health_check'), 40_000);
    assert.equal(check.attributes['marathon.health_check.protocol'], 'HTTP');
    assert.equal(check.attributes['marathon.health_check.healthy'], true);
    assert.match(String(check.attributes['marathon.task.id']), /^sample\./);

    await stop(run);
  } finally {
    await receiver.close();
  }
});

test('without OTEL_* export settings nothing is exported: the OTLP default endpoint sees no connection', async () => {
  // Where an SDK on its defaults would send (http://localhost:4318): IPv4 and IPv6 loopback both.
  const v4 = await startOtlpReceiver('127.0.0.1', 4318);
  const v6 = await startOtlpReceiver('::1', 4318).catch(() => undefined);
  try {
    // Variables that tune export but do not ask for it.
    const { run, master } = await startCluster('off', {
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_SERVICE_NAME: 'minidc-off',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    });
    await sampleRunning(master.marathon!);
    await (await fetch(`${master.mesos}/master/state-summary`)).arrayBuffer();
    // Stopping would flush anything pending: after it, whatever was going to be sent has been.
    await stop(run);
    assert.deepEqual(v4.requests, []);
    assert.deepEqual(v6?.requests ?? [], []);
  } finally {
    await v4.close();
    await v6?.close();
  }
});
