/**
 * What a collector produces: samples of declared metrics. A declaration says once what a metric is (its Prometheus
 * name, type, help, labels and, where one exists, its Mesos snapshot key and dotted `mesos.*` name); every sample
 * points at its declaration, so each output format (Prometheus text, snapshot JSON, OpenTelemetry) derives name,
 * help and type from the same place.
 */
export type MetricType = 'gauge' | 'counter' | 'summary' | 'histogram';

export interface MetricDeclaration {
  /** Prometheus name: snake case; a counter's ends in `_total`, nothing else's does (promtool's lint rules). */
  readonly prometheusName: string;
  readonly type: MetricType;
  readonly help: string;
  /** Label names every sample of this metric carries (a summary's `quantile` is implied, not listed). */
  readonly labelNames?: readonly string[];
  /** The Mesos `/metrics/snapshot` key, when the metric has one (e.g. `system/load_1min`). */
  readonly snapshotKey?: string;
  /** The dotted name integrations use (e.g. `mesos.stats.system.load_1min`). */
  readonly dottedName?: string;
  /** Unit of the value as sampled (the source's: `ms`, `MiBy`, `s`, `By`, `1`, …), UCUM-style as OpenTelemetry wants it. */
  readonly unit?: string;
  /**
   * Factor from the sampled value to the Prometheus one, which is in base units (Mesos's `_ms` → seconds, its MB →
   * bytes): only the exposition applies it, so the snapshot key, the dotted name and the OTel export keep the
   * source's unit. A histogram's `le` bounds are scaled too.
   */
  readonly prometheusScale?: number;
}

/**
 * One value of a declared metric. A summary is several samples: one per quantile (labels.quantile set, e.g. `0.99`)
 * plus, when known, its `sum` and `count` parts. A histogram: one `bucket` part per upper bound (labels.le,
 * cumulative, `+Inf` included) plus `sum` and `count`.
 */
export interface Sample {
  readonly metric: MetricDeclaration;
  readonly value: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly part?: 'sum' | 'count' | 'bucket';
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Throws a clear error when a declaration breaks the Prometheus naming rules. */
export function assertValidDeclaration(metric: MetricDeclaration): void {
  const name = metric.prometheusName;
  if (!METRIC_NAME.test(name)) throw new Error(`metric ${JSON.stringify(name)}: not a valid Prometheus metric name`);
  if (metric.type === 'counter' && !name.endsWith('_total')) throw new Error(`metric ${name}: a counter's name must end in _total`);
  if (metric.type !== 'counter' && name.endsWith('_total')) throw new Error(`metric ${name}: only a counter's name may end in _total`);
  if (metric.help.trim() === '') throw new Error(`metric ${name}: help is empty`);
  for (const label of metric.labelNames ?? []) {
    if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new Error(`metric ${name}: invalid label name ${JSON.stringify(label)}`);
    if (label === 'quantile' && metric.type === 'summary') throw new Error(`metric ${name}: quantile is implied for a summary`);
    if (label === 'le' && metric.type === 'histogram') throw new Error(`metric ${name}: le is implied for a histogram`);
  }
  const scale = metric.prometheusScale;
  if (scale !== undefined && !(Number.isFinite(scale) && scale > 0)) throw new Error(`metric ${name}: prometheusScale must be a positive number`);
}

/** Throws a clear error when a sample does not fit its declaration (wrong labels, a part on a non-summary, …). */
export function assertValidSample(sample: Sample): void {
  const { metric } = sample;
  const name = metric.prometheusName;
  if (typeof sample.value !== 'number') throw new Error(`metric ${name}: value is not a number`);
  if (metric.type === 'counter' && !(sample.value >= 0)) throw new Error(`metric ${name}: a counter cannot be ${sample.value}`);
  const expected = new Set(metric.labelNames ?? []);
  const given = Object.keys(sample.labels ?? {});
  const isQuantile = metric.type === 'summary' && sample.part === undefined;
  if (isQuantile) expected.add('quantile');
  if (sample.part === 'bucket') expected.add('le');
  const composite = metric.type === 'summary' || metric.type === 'histogram';
  if (sample.part !== undefined && !composite) throw new Error(`metric ${name}: only a summary or histogram has a ${sample.part} part`);
  if (sample.part === 'bucket' && metric.type !== 'histogram') throw new Error(`metric ${name}: only a histogram has buckets`);
  if (metric.type === 'histogram' && sample.part === undefined) throw new Error(`metric ${name}: a histogram sample is a bucket, sum or count`);
  const missing = [...expected].filter((l) => !given.includes(l));
  const extra = given.filter((l) => !expected.has(l));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(',')}` : '', extra.length > 0 ? `undeclared ${extra.join(',')}` : ''];
    throw new Error(`metric ${name}: labels ${parts.filter(Boolean).join('; ')}`);
  }
}
