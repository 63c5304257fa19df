/**
 * PromQL for panels, written so that a panel cannot query what the nodes do not publish: `series()` takes a
 * Prometheus name from the metric catalogue (or one of a summary's or histogram's own series) and throws for any
 * other, and `where()` only accepts a label the metric carries (its declared labels, its `quantile`/`le`, or the
 * labels Prometheus and `minidc collect` add to every series of a target). A renamed metric or label then fails the
 * generator instead of leaving a panel that says "No data".
 */
import { CATALOGUE, type CatalogueEntry } from '../../collectors/catalogue/catalogue.ts';

/** Labels on every series of a target: Prometheus's own, and the `node` that `minidc collect` adds per target. */
const TARGET_LABELS = ['instance', 'job', 'node'];

const BY_NAME = new Map(CATALOGUE.map((e) => [e.prometheusName, e]));

/** The catalogue entry a series belongs to, and the extra label its suffix brings (`le` of `_bucket`). */
function entryOf(name: string): { entry: CatalogueEntry; extraLabels: string[] } | undefined {
  const entry = BY_NAME.get(name);
  if (entry !== undefined) return { entry, extraLabels: entry.type === 'summary' ? ['quantile'] : [] };
  for (const suffix of ['_bucket', '_count', '_sum']) {
    const base = BY_NAME.get(name.slice(0, -suffix.length));
    if (!name.endsWith(suffix) || base === undefined) continue;
    if (base.type === 'histogram' || (base.type === 'summary' && suffix !== '_bucket')) return { entry: base, extraLabels: suffix === '_bucket' ? ['le'] : [] };
  }
  return undefined;
}

export type MatchOperator = '=' | '!=' | '=~' | '!~';

/** A series selector, `name{label="value",...}`; immutable, so a shared one can be narrowed per panel. */
export class Selector {
  private constructor(
    readonly name: string,
    private readonly labels: readonly string[],
    private readonly matchers: readonly string[],
  ) {}

  static of(name: string): Selector {
    const found = entryOf(name);
    if (found === undefined) throw new Error(`dashboards: ${name} is not in the metric catalogue`);
    return new Selector(name, [...(found.entry.labelNames ?? []), ...found.extraLabels, ...TARGET_LABELS], []);
  }

  where(label: string, op: MatchOperator, value: string): Selector {
    if (!this.labels.includes(label)) throw new Error(`dashboards: ${this.name} has no label ${label} (it has ${this.labels.join(', ')})`);
    return new Selector(this.name, this.labels, [...this.matchers, `${label}${op}${JSON.stringify(value)}`]);
  }

  /** The series of the nodes picked in the dashboard's `node` variable. */
  onNode(): Selector {
    return this.where('instance', '=~', '$node');
  }

  toString(): string {
    return this.matchers.length === 0 ? this.name : `${this.name}{${this.matchers.join(',')}}`;
  }
}

export const series = (name: string): Selector => Selector.of(name);

/** Grafana's rate window: four scrape intervals at least, so a rate always has two samples. */
export const RATE_INTERVAL = '$__rate_interval';

export const rate = (s: Selector): string => `rate(${s}[${RATE_INTERVAL}])`;
export const increase = (s: Selector, range: string): string => `increase(${s}[${range}])`;
export const sumBy = (labels: readonly string[], expr: string | Selector): string => `sum by (${labels.join(', ')}) (${expr})`;
export const sum = (expr: string | Selector): string => `sum(${expr})`;

/** A quantile of a histogram's buckets over the rate window, kept apart by `labels` (plus `le`). */
export function histogramQuantile(q: number, buckets: Selector, labels: readonly string[] = []): string {
  if (!buckets.name.endsWith('_bucket')) throw new Error(`dashboards: ${buckets.name} is not a histogram's buckets`);
  return `histogram_quantile(${q}, ${sumBy([...labels, 'le'], rate(buckets))})`;
}
