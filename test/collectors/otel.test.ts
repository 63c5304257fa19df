/**
 * OpenTelemetry without a cluster: which OTEL_* settings turn export on, and the catalogue exported through the real
 * SDK and OTLP/HTTP JSON exporter to a receiver in this test that decodes what arrives (names, types, temporality,
 * attributes, values). The runtime's tracer without an SDK is checked to hand out spans that record nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { trace } from '@opentelemetry/api';
import { OtelConfigError, otelSettingsFromEnv } from '../../collectors/otel/otel-settings.ts';
import { SERIES_INSTRUMENT, startCatalogueMetrics, type CatalogueMetrics } from '../../collectors/otel/catalogue-metrics.ts';
import type { MetricDeclaration, Sample } from '../../collectors/metric.ts';
import { startSpan, tracer } from '../../runtime/telemetry/tracer.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedPoint } from '../support/otlp-receiver.ts';
import { eventually } from '../support/minidc-cli.ts';

// ---- settings ------------------------------------------------------------------------------------------------

test('no OTEL_* variable asking for export: nothing is exported (even with an interval or service name set)', () => {
  assert.equal(otelSettingsFromEnv({}), undefined);
  assert.equal(otelSettingsFromEnv({ OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }), undefined);
  assert.equal(otelSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }), undefined, 'an empty variable is unset');
});

test('an OTLP endpoint turns on both signals, each on its own path', () => {
  const s = otelSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
  assert.deepEqual(s, {
    serviceName: 'minidc',
    metrics: { url: 'http://collector:4318/v1/metrics', protocol: 'http/protobuf', intervalMs: 60_000, timeoutMs: 30_000 },
    traces: { url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf' },
  });
});

test("a signal's own endpoint is used as given; `none` turns a signal off; OTEL_SDK_DISABLED turns both off", () => {
  const s = otelSettingsFromEnv({
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://m.example/otlp',
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_METRIC_EXPORT_INTERVAL: '1000',
    OTEL_SERVICE_NAME: 'dc-east',
  });
  assert.deepEqual(s, {
    serviceName: 'dc-east',
    // The timeout is cut to the interval: the SDK's reader refuses a longer one.
    metrics: { url: 'https://m.example/otlp', protocol: 'http/json', intervalMs: 1000, timeoutMs: 1000 },
  });
  const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none', OTEL_TRACES_EXPORTER: 'none' };
  assert.equal(otelSettingsFromEnv(both), undefined);
  assert.equal(otelSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }), undefined);
  // An explicit exporter without an endpoint goes to the specification's default.
  assert.equal(otelSettingsFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })?.traces?.url, 'http://localhost:4318/v1/traces');
  assert.equal(otelSettingsFromEnv({ OTEL_TRACES_EXPORTER: 'otlp' })?.metrics, undefined);
});

test('bad OTEL_* values are one clear error each', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRIC_EXPORT_INTERVAL: '1s' }, /OTEL_METRIC_EXPORT_INTERVAL: expected a positive whole number of milliseconds, got '1s'/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRIC_EXPORT_INTERVAL: '0' }, /OTEL_METRIC_EXPORT_INTERVAL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318\/v1\/metrics' is not an http\(s\) URL/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: not a URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /unsupported protocol 'grpc' \(use http\/protobuf or http\/json\)/],
    [{ OTEL_METRICS_EXPORTER: 'prometheus' }, /OTEL_METRICS_EXPORTER: unsupported exporter 'prometheus' \(use otlp or none\)/],
  ];
  for (const [env, message] of cases) assert.throws(() => otelSettingsFromEnv(env), (e: Error) => e instanceof OtelConfigError && message.test(e.message), JSON.stringify(env));
});

// ---- the catalogue through the SDK ---------------------------------------------------------------------------

const LOAD: MetricDeclaration = {
  prometheusName: 'mesos_stats_system_load_1min',
  dottedName: 'mesos.stats.system.load_1min',
  snapshotKey: 'system/load_1min',
  type: 'gauge',
  help: 'Load average for the past minute.',
  unit: '1',
};
const FINISHED: MetricDeclaration = {
  prometheusName: 'mesos_cluster_tasks_finished_total',
  dottedName: 'mesos.cluster.tasks_finished',
  type: 'counter',
  help: 'Finished tasks.',
  unit: '1',
};
const UP: MetricDeclaration = { prometheusName: 'minidc_collector_up', type: 'gauge', help: 'Collector up.', labelNames: ['collector'] };
const STORE: MetricDeclaration = {
  prometheusName: 'mesos_registrar_state_store_ms',
  dottedName: 'mesos.registrar.state_store_ms',
  type: 'summary',
  help: 'Registry write time.',
  unit: 'ms',
};
const DNS_TIME: MetricDeclaration = {
  prometheusName: 'minidc_dns_request_duration_seconds',
  dottedName: 'minidc.dns.request_duration_ms',
  type: 'histogram',
  help: 'Query to reply.',
  unit: 'ms',
  prometheusScale: 0.001,
};
const LATER: MetricDeclaration = { prometheusName: 'minidc_later', dottedName: 'minidc.later', type: 'gauge', help: 'Appears later.' };

let receiver: OtlpReceiver;
let provider: MeterProvider;
let exported: CatalogueMetrics;
let samples: Sample[] | Error;
const logged: string[] = [];

before(async () => {
  receiver = await startOtlpReceiver();
  samples = [
    { metric: LOAD, value: 0.5 },
    { metric: FINISHED, value: 7 },
    { metric: UP, labels: { collector: 'host' }, value: 1 },
    { metric: UP, labels: { collector: 'mesos_master' }, value: 0 },
    { metric: STORE, labels: { quantile: '0.5' }, value: 1.5 },
    { metric: STORE, labels: { quantile: '0.99' }, value: 9 },
    { metric: STORE, part: 'count', value: 12 },
    { metric: STORE, part: 'sum', value: 30 },
    { metric: DNS_TIME, part: 'bucket', labels: { le: '1' }, value: 4 },
    { metric: DNS_TIME, part: 'bucket', labels: { le: '+Inf' }, value: 5 },
    { metric: DNS_TIME, part: 'count', value: 5 },
    { metric: DNS_TIME, part: 'sum', value: 3.5 },
  ];
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics` }),
    exportIntervalMillis: 200,
    exportTimeoutMillis: 200,
  });
  provider = new MeterProvider({ readers: [reader] });
  let scrapes = 0;
  exported = await startCatalogueMetrics(
    async () => {
      scrapes++;
      if (samples instanceof Error) throw samples;
      return samples;
    },
    { meter: provider.getMeter('test'), log: (level, message) => logged.push(`${level}: ${message}`), attributes: { 'minidc.node.ip': '127.0.1.1' } },
  );
  assert.equal(scrapes, 1, 'the first scrape, which names the instruments');
});

after(async () => {
  exported.stop();
  await provider.shutdown();
  await receiver.close();
});

/** The points of the latest export that has `metric`. */
async function latest(metric: string, where: (p: ReceivedPoint) => boolean = () => true): Promise<ReceivedPoint> {
  return eventually(`${metric} exported`, () => [...receiver.points].reverse().find((p) => p.metric === metric && where(p)));
}

test('gauges keep their dotted name, unit and value; a metric without one its Prometheus name; labels are attributes', async () => {
  const load = await latest('mesos.stats.system.load_1min');
  assert.deepEqual([load.type, load.unit, load.value, load.attributes], ['gauge', '1', 0.5, { 'minidc.node.ip': '127.0.1.1' }]);
  const host = await latest('minidc_collector_up', (p) => p.attributes.collector === 'host');
  const master = await latest('minidc_collector_up', (p) => p.attributes.collector === 'mesos_master');
  assert.deepEqual([host.type, host.value, master.value], ['gauge', 1, 0]);
  assert.deepEqual(host.attributes, { 'minidc.node.ip': '127.0.1.1', collector: 'host' }, "the options' attributes join the labels");
});

test('counters are cumulative monotonic sums with the absolute value', async () => {
  const finished = await latest('mesos.cluster.tasks_finished');
  // OTLP's AGGREGATION_TEMPORALITY_CUMULATIVE is 2.
  assert.deepEqual([finished.type, finished.monotonic, finished.temporality, finished.value], ['sum', true, 2, 7]);
});

test('a summary is a gauge per quantile plus .count and .sum', async () => {
  const p50 = await latest('mesos.registrar.state_store_ms', (p) => p.attributes.quantile === '0.5');
  const p99 = await latest('mesos.registrar.state_store_ms', (p) => p.attributes.quantile === '0.99');
  assert.deepEqual([p50.type, p50.unit, p50.value, p99.value], ['gauge', 'ms', 1.5, 9]);
  assert.equal((await latest('mesos.registrar.state_store_ms.count')).value, 12);
  assert.equal((await latest('mesos.registrar.state_store_ms.sum')).value, 30);
});

test('a histogram is cumulative .bucket counters by `le` plus .count and .sum, in the source unit', async () => {
  const le1 = await latest('minidc.dns.request_duration_ms.bucket', (p) => p.attributes.le === '1');
  const inf = await latest('minidc.dns.request_duration_ms.bucket', (p) => p.attributes.le === '+Inf');
  assert.deepEqual([le1.type, le1.monotonic, le1.temporality, le1.unit, le1.value, inf.value], ['sum', true, 2, 'ms', 4, 5]);
  assert.equal((await latest('minidc.dns.request_duration_ms.count')).value, 5);
  assert.equal((await latest('minidc.dns.request_duration_ms.sum')).value, 3.5, 'not scaled to seconds: that is Prometheus-only');
});

test('values follow the scrape; a metric first seen later is exported from then on', async () => {
  samples = [...(samples as Sample[]).filter((s) => s.metric !== LOAD), { metric: LOAD, value: 2.25 }, { metric: LATER, value: 42 }];
  assert.equal((await latest('mesos.stats.system.load_1min', (p) => p.value === 2.25)).value, 2.25);
  assert.equal((await latest('minidc.later')).value, 42);
  assert.ok(exported.instrumentNames().includes('minidc.later'));
});

test('a failing scrape is logged once and exports 0 series; recovery is logged once too', async () => {
  const before = receiver.points.length;
  samples = new Error('master unreachable');
  await eventually('an export with 0 series', () =>
    receiver.points.slice(before).some((p) => p.metric === SERIES_INSTRUMENT && p.value === 0) ? true : undefined,
  );
  const failed = receiver.points.length;
  await eventually('a later export', () => (receiver.points.slice(failed).some((p) => p.metric === SERIES_INSTRUMENT) ? true : undefined));
  assert.deepEqual(logged, ['error: scrape for OpenTelemetry export failed: master unreachable']);
  samples = [{ metric: LOAD, value: 3 }];
  await latest('mesos.stats.system.load_1min', (p) => p.value === 3);
  assert.deepEqual(logged.slice(1), ['info: scrape for OpenTelemetry export recovered']);
});

// ---- tracing off ---------------------------------------------------------------------------------------------

test('without an SDK the runtime tracer hands out spans that record nothing', () => {
  assert.equal(trace.getTracerProvider().getTracer('probe').startSpan('x').isRecording(), false, 'no provider is registered here');
  const span = startSpan('allocator.allocation_cycle', { 'allocator.agents': 1 });
  assert.equal(span.isRecording(), false);
  assert.equal(span.spanContext().traceId, '00000000000000000000000000000000');
  span.end();
  assert.ok(tracer, 'the tracer is a module constant, so every site shares it');
});
