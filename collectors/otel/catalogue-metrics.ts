/**
 * The metric catalogue as OpenTelemetry metrics: every sample of a node's scrape becomes an observation of an
 * instrument named after its declaration's dotted name (`mesos.stats.system.load_1min`), or its Prometheus name
 * when it has none. Gauges are observable gauges; counters, whose values are absolute, are observable counters
 * (cumulative); a summary is a gauge with a `quantile` attribute plus `<name>.sum` and `<name>.count` gauges (gauges,
 * not counters: Mesos's summaries are over a sliding window, so their count can fall); a histogram is counters
 * `<name>.bucket` (attribute `le`, cumulative as Prometheus's), `<name>.sum` and `<name>.count`. Values are as
 * sampled, in the declaration's unit (the Prometheus-only scale is not applied). Labels become attributes, plus the
 * options' `attributes` (which node the scrape is of).
 *
 * One batch observable callback per export interval runs the scrape once and observes every instrument from it.
 * Instruments are made from the first scrape; a metric first seen later gets its instrument then and is observed
 * from the next interval on.
 */
import { metrics, ValueType, type Attributes, type BatchObservableResult, type Meter, type Observable } from '@opentelemetry/api';
import type { MetricDeclaration, Sample } from '../metric.ts';

export interface CatalogueMetricsOptions {
  /** Default: the global meter provider's `minidc` meter (the SDK's, once otel-sdk.ts has started it). */
  meter?: Meter;
  /** Told when the scrape starts or stops failing (once per change, not per interval) and about unusable names. */
  log?: (level: 'error' | 'info', message: string) => void;
  /** Added to every observation, e.g. which node the scrape is of (all nodes share one process and resource). */
  attributes?: Readonly<Record<string, string>>;
}

export interface CatalogueMetrics {
  /** Names of the instruments made so far. */
  instrumentNames(): string[];
  stop(): void;
}

type Kind = 'gauge' | 'counter';

interface Instrument {
  readonly kind: Kind;
  readonly observable: Observable;
}

export const SERIES_INSTRUMENT = 'minidc.otel.catalogue_series';

/** OpenTelemetry's instrument name syntax; a Prometheus name with `:` does not fit it. */
const INSTRUMENT_NAME = /^[A-Za-z][A-Za-z0-9_.\-/]{0,254}$/;

export async function startCatalogueMetrics(
  scrape: () => Promise<readonly Sample[]>,
  options: CatalogueMetricsOptions = {},
): Promise<CatalogueMetrics> {
  const meter = options.meter ?? metrics.getMeter('minidc');
  const log = options.log ?? (() => {});
  const extra = options.attributes;
  const attributesOf = (labels: Sample['labels']): Attributes | undefined => (extra === undefined ? labels : { ...extra, ...labels });
  const instruments = new Map<string, Instrument>();
  const refused = new Set<string>();
  let failing: boolean | undefined;
  let stopped = false;
  /** An instrument was made since the batch callback was last registered. */
  let added = false;
  // Always in the batch, so the callback runs (and learns the catalogue) even when the first scrape failed.
  const series = meter.createObservableGauge(SERIES_INSTRUMENT, {
    description: 'Samples of the metric catalogue observed at the last OpenTelemetry export (0: the scrape failed).',
    unit: '1',
  });

  const instrumentFor = (sample: Sample): { name: string; instrument: Instrument } | undefined => {
    const { name, kind, declaration } = instrumentOf(sample);
    let instrument = instruments.get(name);
    if (instrument === undefined) {
      if (refused.has(name)) return undefined;
      if (!INSTRUMENT_NAME.test(name)) {
        refused.add(name);
        log('error', `metric ${name}: not a valid OpenTelemetry instrument name; not exported`);
        return undefined;
      }
      const description = { description: declaration.help, ...(declaration.unit === undefined ? {} : { unit: declaration.unit }), valueType: ValueType.DOUBLE };
      instrument = {
        kind,
        observable: kind === 'counter' ? meter.createObservableCounter(name, description) : meter.createObservableGauge(name, description),
      };
      instruments.set(name, instrument);
      added = true;
    } else if (instrument.kind !== kind) {
      if (!refused.has(`${name}/${kind}`)) log('error', `metric ${name}: declared as both ${instrument.kind} and ${kind}; the ${kind} is not exported`);
      refused.add(`${name}/${kind}`);
      return undefined;
    }
    return { name, instrument };
  };

  const learn = (samples: readonly Sample[]): void => {
    for (const s of samples) instrumentFor(s);
  };

  const collect = async (result: BatchObservableResult): Promise<void> => {
    let samples: readonly Sample[];
    try {
      samples = await scrape();
    } catch (err) {
      if (failing !== true) log('error', `scrape for OpenTelemetry export failed: ${err instanceof Error ? err.message : String(err)}`);
      failing = true;
      result.observe(series, 0, extra);
      return;
    }
    if (failing === true) log('info', 'scrape for OpenTelemetry export recovered');
    failing = false;
    let observed = 0;
    for (const sample of samples) {
      const found = instrumentFor(sample);
      if (found === undefined || !Number.isFinite(sample.value)) continue;
      result.observe(found.instrument.observable, sample.value, attributesOf(sample.labels));
      observed++;
    }
    result.observe(series, observed, extra);
    // New instruments join the batch from the next collection: changing the callback during one is not allowed.
    if (added) setImmediate(register);
  };

  let registered: Observable[] = [];
  const register = (): void => {
    if (stopped) return;
    if (registered.length > 0) meter.removeBatchObservableCallback(collect, registered);
    added = false;
    registered = [series, ...[...instruments.values()].map((i) => i.observable)];
    meter.addBatchObservableCallback(collect, registered);
  };

  try {
    learn(await scrape());
  } catch (err) {
    failing = true;
    log('error', `scrape for OpenTelemetry export failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  register();
  return {
    instrumentNames: () => [...instruments.keys()],
    stop() {
      if (stopped) return;
      stopped = true;
      meter.removeBatchObservableCallback(collect, registered);
    },
  };
}

/**
 * The instrument a sample is observed on: a summary's or histogram's part is an instrument of its own. A histogram's
 * parts (cumulative `le` buckets, sum, count) are counters; a summary's are gauges, being over a sliding window.
 */
function instrumentOf(sample: Sample): { name: string; kind: Kind; declaration: MetricDeclaration } {
  const declaration = sample.metric;
  const base = declaration.dottedName ?? declaration.prometheusName;
  const { type } = declaration;
  if (type === 'gauge' || type === 'counter') return { name: base, kind: type, declaration };
  const kind = type === 'histogram' ? 'counter' : 'gauge';
  if (sample.part === undefined) return { name: base, kind, declaration };
  const separator = declaration.dottedName === undefined ? '_' : '.';
  return { name: `${base}${separator}${sample.part}`, kind, declaration };
}
