/**
 * The Grafana dashboards as committed: what generation gives, every metric they query in the catalogue, valid by
 * Grafana's dashboard schema, wired to the provisioned data source, and `minidc dashboards check`'s verdicts and
 * exit codes against a Prometheus that is not there and one whose answers the test chooses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { CATALOGUE } from '../../collectors/catalogue/catalogue.ts';
import { GENERATED } from '../../dashboards/generate.ts';
import { schemaErrors } from '../../dashboards/grafana/dashboard-schema-check.ts';
import { metricsOf, selectorsOf } from '../../dashboards/grafana/promql-selectors.ts';
import { series } from '../../dashboards/grafana/promql.ts';
import { minidcAsync, REPO_ROOT } from '../support/minidc-cli.ts';

const JSON_DIR = join(REPO_ROOT, 'dashboards/grafana/json');
const PROVISIONING = join(REPO_ROOT, 'dashboards/provisioning');

interface Target {
  expr: string;
  refId: string;
  datasource?: { uid?: string };
}
interface PanelJson {
  type: string;
  title: string;
  id: number;
  datasource?: { uid?: string };
  targets?: Target[];
}
interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: { name: string; query: string; datasource?: { uid?: string } }[] };
}

const files = readdirSync(JSON_DIR).filter((f) => f.endsWith('.json')).sort();
const texts = new Map(files.map((f) => [f, readFileSync(join(JSON_DIR, f), 'utf8')]));
const dashboards = [...texts].map(([file, text]) => ({ file, json: JSON.parse(text) as DashboardJson }));
const queryPanels = (d: DashboardJson) => d.panels.filter((p) => p.type !== 'row');

test('regenerating the dashboards leaves the committed JSON unchanged, and the folder holds nothing else', () => {
  const generated = GENERATED.filter((g) => resolve(g.path).startsWith(`${JSON_DIR}/`));
  assert.deepEqual(generated.map((g) => g.path.slice(JSON_DIR.length + 1)).sort(), files);
  for (const g of generated) assert.equal(texts.get(g.path.slice(JSON_DIR.length + 1)), g.content(), `${g.path} is not as generated (npm run dashboards:generate)`);
});

test('the issue’s dashboards are there, each panel has queries, ids and refIds are unique', () => {
  const uids = dashboards.map((d) => d.json.uid).sort();
  assert.deepEqual(uids, ['agents', 'allocator', 'cluster', 'diagnostics', 'dns', 'frameworks', 'masters', 'services', 'timers', 'vips'].map((u) => `minidc-${u}`));
  for (const { file, json } of dashboards) {
    const ids = json.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, `${file}: panel ids repeat`);
    for (const p of queryPanels(json)) {
      assert.ok((p.targets ?? []).length > 0, `${file}: ${p.title} has no query`);
      assert.equal(new Set(p.targets!.map((t) => t.refId)).size, p.targets!.length, `${file}: ${p.title} repeats a refId`);
    }
  }
});

/** A name the nodes publish: a catalogue metric, or a summary's `_count`/`_sum`, a histogram's `_bucket` too. */
function inCatalogue(name: string): boolean {
  return CATALOGUE.some(
    (e) =>
      e.prometheusName === name ||
      (e.type === 'histogram' && ['_bucket', '_count', '_sum'].some((s) => `${e.prometheusName}${s}` === name)) ||
      (e.type === 'summary' && ['_count', '_sum'].some((s) => `${e.prometheusName}${s}` === name)),
  );
}

test('every metric a panel or a template variable queries is in the metric catalogue', () => {
  let queries = 0;
  for (const { file, json } of dashboards) {
    const exprs = queryPanels(json).flatMap((p) => p.targets!.map((t) => t.expr));
    // label_values(selector, label): the selector's metric.
    for (const v of json.templating.list) exprs.push(/^label_values\((.*), *[a-z_]+\)$/.exec(v.query)![1]!);
    for (const expr of exprs) {
      const metrics = metricsOf(expr);
      assert.ok(metrics.length > 0, `${file}: ${expr} reads no metric`);
      for (const m of metrics) assert.ok(inCatalogue(m), `${file}: ${m} (in ${expr}) is not in the catalogue`);
      queries++;
    }
  }
  assert.ok(queries >= 120, `${queries} queries`);
  // The reader finds a misspelt name as readily as a good one, so the assertions above can fail.
  assert.deepEqual(metricsOf('sum by (zone) (rate(minidc_dns_requsts_total{instance=~"$node"}[$__rate_interval]))'), ['minidc_dns_requsts_total']);
  assert.equal(inCatalogue('minidc_dns_requsts_total'), false);
});

test('series() refuses a metric or a label the catalogue does not declare', () => {
  assert.throws(() => series('minidc_dns_requsts_total'), /not in the metric catalogue/);
  assert.throws(() => series('minidc_dns_requests_total').where('zones', '=', 'mesos'), /has no label zones/);
  assert.throws(() => series('mesos_cluster_tasks_running').where('quantile', '=', '0.5'), /has no label quantile/);
  assert.equal(String(series('mesos_registrar_state_store_seconds').where('quantile', '=', '0.99')), 'mesos_registrar_state_store_seconds{quantile="0.99"}');
  assert.deepEqual(selectorsOf(String(series('minidc_dns_request_duration_seconds_bucket').onNode())), [
    { name: 'minidc_dns_request_duration_seconds_bucket', matchers: 'instance=~"$node"' },
  ]);
});

test("every dashboard is valid by @grafana/schema's Dashboard type, which catches a broken one", () => {
  const copy = () => JSON.parse(texts.get('dns.json')!) as Record<string, unknown> & { panels: Record<string, unknown>[] };
  const wrongType = copy();
  wrongType.panels[1]!.gridPos = { h: 8, w: '8', x: 0, y: 1 };
  const unknownField = copy();
  unknownField.refreshRate = '30s';
  const errors = schemaErrors(new Map([...texts, ['wrong-type.json', JSON.stringify(wrongType)], ['unknown-field.json', JSON.stringify(unknownField)]]));
  for (const file of files) assert.deepEqual(errors.get(file), [], file);
  assert.match(errors.get('wrong-type.json')!.join('\n'), /'string' is not assignable to type 'number'/);
  assert.match(errors.get('unknown-field.json')!.join('\n'), /'"refreshRate"' does not exist/);
});

test('provisioning: the data source has the uid every panel names, and the provider path leads to the JSON', () => {
  const datasources = parse(readFileSync(join(PROVISIONING, 'datasources/minidc-prometheus.yaml'), 'utf8')) as { apiVersion: number; datasources: { uid: string; type: string; url: string }[] };
  assert.equal(datasources.apiVersion, 1);
  assert.equal(datasources.datasources.length, 1);
  const [source] = datasources.datasources;
  assert.equal(source!.type, 'prometheus');
  assert.match(source!.url, /^http:\/\//);
  for (const { file, json } of dashboards) {
    for (const v of json.templating.list) assert.equal(v.datasource?.uid, source!.uid, `${file} $${v.name}`);
    for (const p of queryPanels(json)) {
      assert.equal(p.datasource?.uid, source!.uid, `${file}: ${p.title}`);
      for (const t of p.targets!) assert.equal(t.datasource?.uid, source!.uid, `${file}: ${p.title} ${t.refId}`);
    }
  }
  const providers = parse(readFileSync(join(PROVISIONING, 'dashboards/minidc.yaml'), 'utf8')) as { providers: { type: string; options: { path: string } }[] };
  assert.equal(providers.providers[0]!.type, 'file');
  // As Grafana expands it, started with GF_PATHS_PROVISIONING=<repo>/dashboards/provisioning.
  const path = providers.providers[0]!.options.path.replace(/\$\{?GF_PATHS_PROVISIONING\}?/, PROVISIONING);
  assert.deepEqual(readdirSync(path).filter((f) => f.endsWith('.json')).sort(), files);
});

test('minidc dashboards check: exit 2 and one line when Prometheus is unreachable', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const { port } = closed.address() as AddressInfo;
  await new Promise((r) => closed.close(r));
  const run = await minidcAsync(['dashboards', 'check', '--prometheus', `http://127.0.0.1:${port}`]);
  assert.equal(run.status, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^minidc: Prometheus at http:\/\/127\.0\.0\.1:\d+\/ is unreachable: .+\n$/);
});

/** Authorization headers the fake Prometheus was sent. */
const authorizations = new Set<string | undefined>();

/** A Prometheus API that has only `minidc_dns_records{zone="mesos"}` and no `instance` label on it. */
function fakePrometheus(): Promise<Server> {
  const server = createServer((req, res) => {
    authorizations.add(req.headers.authorization);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const expr = new URLSearchParams(body).get('query') ?? '';
      const result = expr === 'count(minidc_dns_records)' ? [{ metric: {}, value: [0, '1'] }] : [];
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

test('minidc dashboards check: exit 1 and, per query without data, metric absent or label mismatch', async () => {
  const server = await fakePrometheus();
  try {
    const { port } = server.address() as AddressInfo;
    // Credentials in the URL go as basic auth.
    const run = await minidcAsync(['dashboards', 'check', '--prometheus', `http://reader:s%40cret@127.0.0.1:${port}`, '--json']);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual([...authorizations], [`Basic ${Buffer.from('reader:s@cret').toString('base64')}`]);
    const checks = JSON.parse(run.stdout) as { dashboard: string; panel: string; verdict: string; reason: string }[];
    const records = checks.find((c) => c.panel === 'Records by zone')!;
    assert.equal(records.verdict, 'no-data');
    assert.equal(records.reason, 'label mismatch: minidc_dns_records has series, none with {instance=~".*"}');
    const running = checks.find((c) => c.panel === 'Running tasks')!;
    assert.equal(running.reason, 'metric absent: no series of mesos_slave_tasks_running');
    assert.ok(checks.every((c) => c.verdict !== 'data'));
    const quota = checks.filter((c) => c.verdict === 'optional-no-data').map((c) => c.reason);
    assert.equal(quota.length, 3);
    for (const r of quota) assert.match(r, /quota/);
  } finally {
    server.close();
  }
});
