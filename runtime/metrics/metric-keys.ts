/**
 * Metric keys declared once. Each source of `/metrics/snapshot` keys (the master's counters and gauges, the
 * registrar, a framework's metrics, the allocator, an agent, the VIP layer, libprocess's `system/*`) declares its
 * keys in one `MetricKeys`: fixed keys, key templates with `<parameters>` (per framework, role, resource, …) and
 * timers (published as `<name>_ms` with statistics, see windowed-timer.ts).
 *
 * Snapshot builders write only through their declaration's writer: a fixed key outside the declaration does not
 * compile, a key that no declaration covers or that is already in the snapshot throws (a second source publishing
 * the same key is a bug, not something to paper over), and a test can check a whole snapshot against the
 * declarations, each key declared by exactly one source.
 */
import { TIMER_PERCENTILES, type WindowedTimer } from './windowed-timer.ts';

/** The `<parameter>` names of a key template: `a/<x>/b/<y>` → `'x' | 'y'`. */
export type TemplateParams<T extends string> = T extends `${string}<${infer P}>${infer Rest}` ? P | TemplateParams<Rest> : never;

export interface MetricKeysSpec<F extends string, T extends string> {
  fixed?: readonly F[];
  /** Keys with parameters, e.g. `master/frameworks/<name>/<id>/calls/<call>`; a parameter may contain `/`. */
  templates?: readonly T[];
  /** WindowedTimer names (without `_ms`). */
  timers?: readonly string[];
}

const TIMER_STATS = ['count', 'min', 'max', ...TIMER_PERCENTILES.map(([suffix]) => suffix)];

export class MetricKeys<F extends string = never, T extends string = never> {
  readonly fixed: readonly F[];
  readonly templates: readonly T[];
  readonly timers: readonly string[];
  private readonly fixedSet: ReadonlySet<string>;
  private readonly patterns: readonly RegExp[];

  constructor(
    /** Who publishes these keys, for error messages and tests. */
    readonly source: string,
    spec: MetricKeysSpec<F, T>,
  ) {
    this.fixed = spec.fixed ?? [];
    this.templates = spec.templates ?? [];
    this.timers = spec.timers ?? [];
    const timerKeys = this.timers.flatMap((t) => [`${t}_ms`, ...TIMER_STATS.map((s) => `${t}_ms/${s}`)]);
    this.fixedSet = new Set<string>([...this.fixed, ...timerKeys]);
    this.patterns = this.templates.map(templatePattern);
  }

  /** Whether `key` is one of these: a fixed key, a timer key, or an instance of a template. */
  declares(key: string): boolean {
    return this.fixedSet.has(key) || this.patterns.some((p) => p.test(key));
  }

  /** Writes into `out` through this declaration. */
  writer(out: Record<string, number>): MetricWriter<F, T> {
    return new MetricWriter(this, out);
  }
}

export class MetricWriter<F extends string, T extends string> {
  constructor(
    private readonly keys: MetricKeys<F, T>,
    private readonly out: Record<string, number>,
  ) {}

  set(key: F, value: number): void {
    this.put(key, value);
  }

  /** The key `template` names with `params` filled in. */
  setTemplate<P extends T>(template: P, params: Record<TemplateParams<P>, string | number>, value: number): void {
    const key = template.replace(/<([^>]+)>/g, (_, name: string) => String((params as Record<string, string | number>)[name]));
    this.put(key, value);
  }

  /** A declared timer's keys. */
  timer(timer: WindowedTimer): void {
    if (!this.keys.timers.includes(timer.name)) throw new Error(`${this.keys.source}: timer '${timer.name}' is not declared`);
    const keys: Record<string, number> = {};
    timer.snapshot(keys);
    for (const [k, v] of Object.entries(keys)) this.put(k, v);
  }

  private put(key: string, value: number): void {
    if (!this.keys.declares(key)) throw new Error(`${this.keys.source}: metric key '${key}' is not declared`);
    if (key in this.out) throw new Error(`${this.keys.source}: metric key '${key}' is already in the snapshot`);
    this.out[key] = value;
  }
}

function templatePattern(template: string): RegExp {
  const parts = template.split(/<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+')}$`);
}

/** The declaration of `key` among `sources`; throws unless exactly one declares it. */
export function sourceOf(key: string, sources: readonly MetricKeys<string, string>[]): MetricKeys<string, string> {
  const found = sources.filter((s) => s.declares(key));
  if (found.length !== 1)
    throw new Error(`metric key '${key}' is declared by ${found.length === 0 ? 'no source' : found.map((s) => s.source).join(' and ')}`);
  return found[0]!;
}
