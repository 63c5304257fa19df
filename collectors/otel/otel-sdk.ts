/**
 * Starts the OpenTelemetry SDK (NodeSDK) for the signals the settings ask for, registering the global tracer and
 * meter providers the runtime's spans and the catalogue's metrics go through. Every SDK module is imported here,
 * lazily, so that a minidc without OTEL_* settings never loads one (see otel-settings.ts).
 *
 * Logs are not exported (minidc's logs are the units' journals); NodeSDK would otherwise set up an OTLP log
 * exporter of its own from the defaults.
 */
import type { OtelSettings, OtlpProtocol } from './otel-settings.ts';

export interface RunningOtel {
  readonly settings: OtelSettings;
  /** Exports what is pending now (spans ended, a metric collection); safe to call more than once. */
  flush(): Promise<void>;
  /** Flushes and stops the SDK; later calls do nothing. */
  shutdown(): Promise<void>;
}

export async function startOtel(settings: OtelSettings): Promise<RunningOtel> {
  const [{ NodeSDK }, { PeriodicExportingMetricReader }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-metrics'),
  ]);
  const { metrics, traces } = settings;
  const metricReader =
    metrics === undefined
      ? undefined
      : new PeriodicExportingMetricReader({
          exporter: new (await metricExporterClass(metrics.protocol))({ url: metrics.url, timeoutMillis: metrics.timeoutMs }),
          exportIntervalMillis: metrics.intervalMs,
          exportTimeoutMillis: metrics.timeoutMs,
        });
  const traceExporter = traces === undefined ? undefined : new (await traceExporterClass(traces.protocol))({ url: traces.url });
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    metricReaders: metricReader === undefined ? [] : [metricReader],
    ...(traceExporter === undefined ? { spanProcessors: [] } : { traceExporter }),
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  let stopped: Promise<void> | undefined;
  return {
    settings,
    async flush() {
      if (stopped !== undefined) return;
      const { metrics: metricsApi, trace } = await import('@opentelemetry/api');
      await Promise.all([forceFlush(metricsApi.getMeterProvider()), forceFlush(trace.getTracerProvider())]);
    },
    shutdown: () => (stopped ??= sdk.shutdown()),
  };
}

/** The registered providers are the SDK's, which can flush; the API's types do not say so. */
async function forceFlush(provider: object): Promise<void> {
  const real = 'getDelegate' in provider && typeof provider.getDelegate === 'function' ? (provider.getDelegate() as object) : provider;
  if ('forceFlush' in real && typeof real.forceFlush === 'function') await (real.forceFlush as () => Promise<void>).call(real);
}

async function metricExporterClass(protocol: OtlpProtocol) {
  return protocol === 'http/json'
    ? (await import('@opentelemetry/exporter-metrics-otlp-http')).OTLPMetricExporter
    : (await import('@opentelemetry/exporter-metrics-otlp-proto')).OTLPMetricExporter;
}

async function traceExporterClass(protocol: OtlpProtocol) {
  return protocol === 'http/json'
    ? (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter
    : (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter;
}
