/**
 * A flat Mesos-style snapshot (`{"master/tasks_running": 3, …}`) as samples of catalogue entries: fixed keys by
 * lookup, template keys by pattern (their `<label>` parts become labels), a timer's `/count` and `/pNN` keys as one
 * summary (`/min` and `/max` as quantiles 0 and 1), a histogram's `/le_<bound>`, `/sum` and `/count` keys as one
 * histogram. Keys no entry covers are returned apart: a real Mesos publishes many more than minidc maps, and the
 * catalogue test uses them to find what minidc publishes without declaring.
 */
import type { Sample } from '../metric.ts';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.ts';
import { templateLabels } from '../catalogue/catalogue-entry.ts';

export interface MappedSnapshot {
  readonly samples: Sample[];
  /** Keys of the snapshot that no entry covers. */
  readonly unknown: string[];
}

/** How one snapshot key maps; cached per key, since the same keys come back every scrape. */
type Resolution =
  | { kind: 'skip' }
  | { kind: 'value'; entry: CatalogueEntry; labels?: Record<string, string>; part?: Sample['part'] }
  | { kind: 'histogram-count'; entry: CatalogueEntry };

const TIMER_QUANTILES: Record<string, string> = {
  min: '0',
  p50: '0.5',
  p90: '0.9',
  p95: '0.95',
  p99: '0.99',
  p999: '0.999',
  p9999: '0.9999',
  max: '1',
};

/** Past this many distinct keys the cache is dropped: a source inventing keys cannot grow it without bound. */
const MAX_CACHED_KEYS = 100_000;

export class SnapshotMapper {
  private readonly fixed = new Map<string, CatalogueEntry>();
  private readonly composite = new Map<string, CatalogueEntry>();
  private readonly templates: { pattern: RegExp; labels: string[]; entry: CatalogueEntry }[] = [];
  private readonly cache = new Map<string, Resolution | undefined>();

  constructor(entries: readonly CatalogueEntry[]) {
    for (const entry of entries) {
      const key = entry.snapshotKey;
      if (key === undefined) continue;
      const labels = templateLabels(key);
      if (entry.type === 'summary' || entry.type === 'histogram') this.composite.set(key, entry);
      else if (labels.length === 0) this.fixed.set(key, entry);
      else this.templates.push({ pattern: templatePattern(key), labels, entry });
    }
  }

  map(snapshot: Readonly<Record<string, unknown>>): MappedSnapshot {
    const samples: Sample[] = [];
    const unknown: string[] = [];
    for (const [key, value] of Object.entries(snapshot)) {
      const resolution = this.resolve(key);
      if (resolution === undefined) {
        unknown.push(key);
        continue;
      }
      // A key whose value is not a finite number (Mesos never sends one) is left out rather than fail the scrape.
      if (resolution.kind === 'skip' || typeof value !== 'number' || !Number.isFinite(value)) continue;
      const { entry } = resolution;
      if (resolution.kind === 'histogram-count') {
        samples.push({ metric: entry, part: 'count', value });
        samples.push({ metric: entry, part: 'bucket', labels: { le: '+Inf' }, value });
        continue;
      }
      samples.push({
        metric: entry,
        value,
        ...(resolution.labels === undefined ? {} : { labels: resolution.labels }),
        ...(resolution.part === undefined ? {} : { part: resolution.part }),
      });
    }
    return { samples, unknown };
  }

  private resolve(key: string): Resolution | undefined {
    if (this.cache.has(key)) return this.cache.get(key);
    const resolution = this.resolveUncached(key);
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
    this.cache.set(key, resolution);
    return resolution;
  }

  private resolveUncached(key: string): Resolution | undefined {
    const fixed = this.fixed.get(key);
    if (fixed !== undefined) return fixed.aliasOf === undefined ? { kind: 'value', entry: fixed } : { kind: 'skip' };
    // A timer's own key is its last value; the summary stands for it.
    if (this.composite.has(key)) return { kind: 'skip' };
    const slash = key.lastIndexOf('/');
    const composite = slash > 0 ? this.composite.get(key.slice(0, slash)) : undefined;
    if (composite !== undefined) return compositePart(composite, key.slice(slash + 1));
    for (const { pattern, labels, entry } of this.templates) {
      const match = pattern.exec(key);
      if (match === null) continue;
      const values: Record<string, string> = {};
      labels.forEach((label, i) => {
        const raw = match[i + 1]!;
        values[label] = entry.encodedLabels?.includes(label) ? decode(raw) : raw;
      });
      return { kind: 'value', entry, labels: values };
    }
    return undefined;
  }
}

function compositePart(entry: CatalogueEntry, stat: string): Resolution | undefined {
  if (entry.type === 'summary') {
    if (stat === 'count') return { kind: 'value', entry, part: 'count' };
    const quantile = TIMER_QUANTILES[stat];
    return quantile === undefined ? undefined : { kind: 'value', entry, labels: { quantile } };
  }
  if (stat === 'count') return { kind: 'histogram-count', entry };
  if (stat === 'sum') return { kind: 'value', entry, part: 'sum' };
  if (stat.startsWith('le_') && Number.isFinite(Number(stat.slice(3))))
    return { kind: 'value', entry, part: 'bucket', labels: { le: stat.slice(3) } };
  return undefined;
}

/** `a/<x>/b_<y>` → /^a\/([^/]+)\/b_([^/]+)$/; a role may hold `/` (Mesos's hierarchical roles, `eng/web`). */
function templatePattern(template: string): RegExp {
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const parts = template.split(/<([a-z_]+)>/);
  let source = '';
  parts.forEach((part, i) => (source += i % 2 === 0 ? escape(part) : part === 'role' ? '(.+)' : '([^/]+)'));
  return new RegExp(`^${source}$`);
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
