/**
 * A scrape's samples as a prom-client Registry, and so as Prometheus text. Samples arrive as absolute values (a
 * Mesos counter is read, not incremented here; a timer's quantiles come precomputed), which prom-client's
 * Counter/Summary cannot hold; so each metric family is a small metric object prom-client formats and escapes as
 * it does its own, with name, help and type taken from the samples' declarations.
 */
import { Registry, type Metric } from 'prom-client';
import { assertValidDeclaration, assertValidSample, type MetricDeclaration, type Sample } from '../metric.ts';

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

interface FamilyValue {
  value: number;
  labels: Record<string, string>;
  metricName?: string;
}

/** The shape prom-client's Registry reads from a metric at scrape time (`name`, `type`, `get()`). */
class SampleFamily {
  readonly name: string;
  readonly help: string;
  readonly type: MetricDeclaration['type'];
  readonly aggregator = 'sum';
  private readonly values: FamilyValue[];

  constructor(declaration: MetricDeclaration, values: FamilyValue[]) {
    this.name = declaration.prometheusName;
    this.help = declaration.help;
    this.type = declaration.type;
    this.values = values;
  }

  collect(): void {}

  get() {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.values };
  }
}

/** Builds a Registry holding exactly these samples; throws on a conflicting declaration or a repeated series. */
export function toPrometheusRegistry(samples: readonly Sample[]): Registry {
  const families = new Map<string, { declaration: MetricDeclaration; values: FamilyValue[]; seen: Set<string> }>();
  for (const sample of samples) {
    assertValidSample(sample);
    const declaration = sample.metric;
    const name = declaration.prometheusName;
    let family = families.get(name);
    if (family === undefined) {
      assertValidDeclaration(declaration);
      family = { declaration, values: [], seen: new Set() };
      families.set(name, family);
    } else if (family.declaration !== declaration && !sameDeclaration(family.declaration, declaration)) {
      throw new Error(`metric ${name}: declared twice, differently (${describe(family.declaration)} vs ${describe(declaration)})`);
    }
    const labels = { ...sample.labels };
    const scale = declaration.prometheusScale ?? 1;
    // Counts are counts whatever the unit; a bucket's bound is in the unit, its value a count.
    const value = sample.part === 'count' || sample.part === 'bucket' ? sample.value : sample.value * scale;
    if (sample.part === 'bucket' && scale !== 1 && labels.le !== '+Inf') labels.le = String(Number(labels.le) * scale);
    const metricName = sample.part === undefined ? name : `${name}_${sample.part}`;
    const series = `${metricName}${JSON.stringify(Object.entries(labels).sort())}`;
    if (family.seen.has(series)) throw new Error(`metric ${name}: series ${metricName}${JSON.stringify(labels)} given twice`);
    family.seen.add(series);
    family.values.push({ value, labels, ...(metricName === name ? {} : { metricName }) });
  }
  const registry = new Registry();
  for (const { declaration, values } of families.values()) {
    if (declaration.type === 'summary' || declaration.type === 'histogram') values.sort(byCompositeSeries);
    // prom-client types registerMetric for its own classes only; at run time it reads name, type and get().
    registry.registerMetric(new SampleFamily(declaration, values) as unknown as Metric);
  }
  return registry;
}

/** The samples as Prometheus text exposition format 0.0.4. */
export async function renderExposition(samples: readonly Sample[]): Promise<string> {
  return toPrometheusRegistry(samples).metrics();
}

function sameDeclaration(a: MetricDeclaration, b: MetricDeclaration): boolean {
  return a.type === b.type && a.help === b.help && (a.labelNames ?? []).join(',') === (b.labelNames ?? []).join(',');
}

function describe(d: MetricDeclaration): string {
  return `${d.type} [${(d.labelNames ?? []).join(',')}] ${JSON.stringify(d.help)}`;
}

/** Keeps one summary's quantiles (or one histogram's buckets, by bound), sum and count together, in that order. */
function byCompositeSeries(a: FamilyValue, b: FamilyValue): number {
  const key = (v: FamilyValue) => JSON.stringify(Object.entries(v.labels).filter(([k]) => k !== 'quantile' && k !== 'le').sort());
  const ka = key(a);
  const kb = key(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  // [group, bound]: quantiles or buckets by bound (+Inf last), then sum, then count.
  const rank = (v: FamilyValue): [number, number] => {
    if (v.metricName === undefined || v.metricName.endsWith('_bucket')) {
      const bound = v.labels.quantile ?? v.labels.le ?? '0';
      return [0, bound === '+Inf' ? Infinity : Number(bound)];
    }
    return [v.metricName.endsWith('_sum') ? 1 : 2, 0];
  };
  const [ga, ba] = rank(a);
  const [gb, bb] = rank(b);
  return ga !== gb ? ga - gb : ba === bb ? 0 : ba < bb ? -1 : 1;
}
