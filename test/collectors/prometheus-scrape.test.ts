// The collectors' exposition as Prometheus itself sees it: served on a local HTTP server, linted by
// `promtool check metrics`, and scraped by a real Prometheus (Debian's binary, 1 s interval) whose query API must
// then return the host metrics and the collectors' health series.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorRegistry } from '../../collectors/collector-registry.ts';
import { HostCollector } from '../../collectors/host/host-collector.ts';
import { PROMETHEUS_CONTENT_TYPE, renderExposition } from '../../collectors/prometheus/exposition.ts';
import type { MetricDeclaration, Sample } from '../../collectors/metric.ts';
import { promtoolCheckMetrics, startPrometheus, type RunningPrometheus } from '../support/prometheus.ts';

const FINISHED: MetricDeclaration = { prometheusName: 'mesos_cluster_tasks_finished_total', type: 'counter', help: 'Number of finished tasks.' };
const RUN: MetricDeclaration = { prometheusName: 'mesos_allocator_allocation_run_seconds', type: 'summary', help: 'Allocation run time.', labelNames: ['role'] };

let dataDir: string;
let host: HostCollector;
let server: Server;
let address: string;
let prometheus: RunningPrometheus | undefined;
const logged: string[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'minidc-scrape-'));
  host = new HostCollector({ directory: dataDir, intervalMs: 1000 });
  const registry = new CollectorRegistry({ log: (level, message) => logged.push(`${level}: ${message}`) });
  registry.register(host);
  registry.register({
    name: 'fixture',
    enabledByDefault: true,
    collect: (): Sample[] => [
      { metric: FINISHED, value: 3 },
      { metric: RUN, labels: { role: 'web', quantile: '0.5' }, value: 0.0002 },
      { metric: RUN, labels: { role: 'web', quantile: '0.99' }, value: 0.0009 },
      { metric: RUN, labels: { role: 'web' }, part: 'count', value: 10 },
    ],
  });
  registry.register({
    name: 'unreachable',
    enabledByDefault: true,
    collect: () => {
      throw new Error('GET http://127.0.0.1:1/metrics/snapshot: ECONNREFUSED');
    },
  });
  await host.start();
  server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.statusCode = 404;
      res.end();
      return;
    }
    registry
      .scrape()
      .then((r) => renderExposition(r.samples))
      .then(
        (text) => res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(text),
        (err: Error) => res.writeHead(500).end(err.message),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await prometheus?.stop();
  host.stop();
  server.closeAllConnections();
  server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('promtool check metrics finds nothing to complain about in the exposition', async () => {
  const response = await fetch(`http://${address}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), PROMETHEUS_CONTENT_TYPE);
  const text = await response.text();
  assert.match(text, /^minidc_collector_up\{collector="unreachable"\} 0$/m);
  const lint = promtoolCheckMetrics(text);
  assert.deepEqual(lint, { status: 0, output: '' });
});

test('a real Prometheus scrapes it: up is 1, host metrics and collector health are queryable', async () => {
  prometheus = await startPrometheus([{ address }]);
  const up = await prometheus.waitFor('up', (v) => v.length === 1 && v[0]?.value === 1);
  assert.equal(up[0]?.metric.instance, address);
  for (const name of ['mesos_stats_system_load_1min', 'mesos_stats_system_mem_total_bytes', 'minidc_host_disk_total_bytes']) {
    const [sample] = await prometheus.waitFor(name, (v) => v.length === 1);
    assert.ok(sample !== undefined && sample.value >= 0, `${name}: ${JSON.stringify(sample)}`);
  }
  const health = await prometheus.waitFor('minidc_collector_up', (v) => v.length === 3);
  assert.deepEqual(
    Object.fromEntries(health.map((s) => [s.metric.collector, s.value])),
    { host: 1, fixture: 1, unreachable: 0 },
  );
  const [p99] = await prometheus.query('mesos_allocator_allocation_run_seconds{quantile="0.99",role="web"}');
  assert.equal(p99?.value, 0.0009);
  const [finished] = await prometheus.query('mesos_cluster_tasks_finished_total');
  assert.equal(finished?.value, 3);
  // Scraped every second, yet the dead source was logged once.
  assert.deepEqual(logged, ['error: collector unreachable failed: GET http://127.0.0.1:1/metrics/snapshot: ECONNREFUSED']);
});
