/**
 * Runs the registered collectors for one scrape: all at once, each cut at its own timeout, a failing one reported as
 * `minidc_collector_up{collector} 0` (never fatal: the other collectors' samples are served as usual), and its
 * state changes (up→down, down→up) logged once each, not once per scrape, so a dead target cannot flood the log.
 *
 * A collector may be registered with constant labels (`{ node: '10.0.0.5:5051' }`): one exposition then holds the
 * same collector for several targets (`minidc collect`), each sample and each health series carrying its target's
 * labels. A collector's identity is its name plus those labels.
 */
import type { Collector } from './collector.ts';
import { assertValidSample, type MetricDeclaration, type Sample } from './metric.ts';
import { COLLECTOR_DURATION, COLLECTOR_UP } from './catalogue/minidc-entries.ts';
import type { Clock, Timers } from '../runtime/time/clock.ts';
import { systemTime } from '../runtime/time/system-time.ts';

export { COLLECTOR_DURATION, COLLECTOR_UP };

export type CollectorLogLevel = 'error' | 'info';
export type CollectorLog = (level: CollectorLogLevel, message: string) => void;

export interface CollectorRegistryOptions {
  log: CollectorLog;
  time?: Pick<Clock, 'now'> & Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  /** Cut-off for a collector that declares none. Default 5 s (Datadog's HTTP timeout for the Mesos checks). */
  defaultTimeoutMs?: number;
}

export interface RegisterOptions {
  /**
   * Added to every sample of the collector and to its up and duration series; names must not clash with theirs.
   * Every registration of one registry uses the same label names (the health series are one family each).
   */
  labels?: Readonly<Record<string, string>>;
}

export interface CollectorOutcome {
  readonly name: string;
  /** The constant labels it was registered with (empty when none). */
  readonly labels: Readonly<Record<string, string>>;
  readonly up: boolean;
  readonly durationSeconds: number;
  readonly error?: string;
}

export interface ScrapeResult {
  /** The successful collectors' samples, then every run collector's up and duration series. */
  readonly samples: Sample[];
  readonly collectors: CollectorOutcome[];
}

const COLLECTOR_NAME = /^[a-z][a-z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the registry or the exposition set themselves, so no constant label may take them. */
const RESERVED_LABELS = new Set(['collector', 'quantile', 'le']);
const DEFAULT_TIMEOUT_MS = 5000;

interface Entry {
  readonly collector: Collector;
  readonly labels: Readonly<Record<string, string>>;
  /** `name{label="value",…}`: the key, and how the log names it. */
  readonly id: string;
  enabled: boolean;
  /** Undefined until its first run, so the first failure is logged as well. */
  lastUp: boolean | undefined;
}

export class CollectorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly log: CollectorLog;
  private readonly time: Pick<Clock, 'now'> & Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  private readonly defaultTimeoutMs: number;
  /** The constant label names of the first registration, which every later one must share. */
  private labelNames: string | undefined;

  constructor(options: CollectorRegistryOptions) {
    this.log = options.log;
    this.time = options.time ?? systemTime;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    assertTimeout('defaultTimeoutMs', this.defaultTimeoutMs);
  }

  register(collector: Collector, options: RegisterOptions = {}): void {
    if (!COLLECTOR_NAME.test(collector.name)) throw new Error(`collector name ${JSON.stringify(collector.name)}: use lower-case snake case`);
    const labels = constantLabels(collector.name, options.labels);
    const id = identity(collector.name, labels);
    if (this.entries.has(id)) throw new Error(`collector ${id} is already registered`);
    if (collector.timeoutMs !== undefined) assertTimeout(`collector ${collector.name} timeoutMs`, collector.timeoutMs);
    const names = Object.keys(labels).join(',');
    this.labelNames ??= names;
    if (names !== this.labelNames)
      throw new Error(`collector ${id}: constant labels [${names}] differ from the other collectors' [${this.labelNames}]; the health series share one family`);
    this.entries.set(id, { collector, labels, id, enabled: collector.enabledByDefault, lastUp: undefined });
  }

  /** Removes a collector (a target that left the cluster); its series are gone from the next scrape. */
  unregister(name: string, options: RegisterOptions = {}): void {
    const id = identity(name, constantLabels(name, options.labels));
    if (!this.entries.delete(id)) throw new Error(`no collector ${id} is registered`);
  }

  /** Turns a registered collector on or off (node_exporter's --collector.X / --no-collector.X), for every target. */
  setEnabled(name: string, enabled: boolean): void {
    const matching = [...this.entries.values()].filter((e) => e.collector.name === name);
    if (matching.length === 0) throw new Error(`no collector named ${JSON.stringify(name)} (known: ${this.names(() => true).join(', ') || 'none'})`);
    for (const entry of matching) entry.enabled = enabled;
  }

  /** Names of the collectors a scrape runs, in registration order (each name once, whatever its targets). */
  enabledNames(): string[] {
    return this.names((e) => e.enabled);
  }

  private names(accept: (entry: Entry) => boolean): string[] {
    return [...new Set([...this.entries.values()].filter(accept).map((e) => e.collector.name))];
  }

  async scrape(): Promise<ScrapeResult> {
    const runs = [...this.entries.values()].filter((e) => e.enabled).map((e) => this.run(e));
    const results = await Promise.all(runs);
    const samples: Sample[] = [];
    for (const r of results) if (r.samples !== undefined) samples.push(...r.samples);
    for (const { outcome } of results) {
      const labels = { collector: outcome.name, ...outcome.labels };
      samples.push({ metric: withConstantLabels(COLLECTOR_UP, outcome.labels), labels, value: outcome.up ? 1 : 0 });
      samples.push({ metric: withConstantLabels(COLLECTOR_DURATION, outcome.labels), labels, value: outcome.durationSeconds });
    }
    return { samples, collectors: results.map((r) => r.outcome) };
  }

  private async run(entry: Entry): Promise<{ outcome: CollectorOutcome; samples?: readonly Sample[] }> {
    const { collector } = entry;
    const timeoutMs = collector.timeoutMs ?? this.defaultTimeoutMs;
    const controller = new AbortController();
    let timer: unknown;
    // Rejects at the timeout even when the collector ignores its signal, so one stuck source never holds a scrape.
    const cutOff = new Promise<never>((_, reject) => {
      timer = this.time.setTimeout(() => {
        const error = new Error(`timed out after ${timeoutMs} ms`);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    const started = this.time.now();
    let samples: readonly Sample[] | undefined;
    let error: string | undefined;
    try {
      const result = await Promise.race([Promise.resolve().then(() => collector.collect({ signal: controller.signal })), cutOff]);
      if (!Array.isArray(result)) throw new Error('collect() did not return an array of samples');
      // Checked against the collector's own declarations first, so a collector cannot set a constant label itself.
      for (const sample of result) assertValidSample(sample);
      samples = addConstantLabels(result, entry.labels);
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      this.time.clearTimeout(timer);
    }
    const durationSeconds = Math.max(0, this.time.now() - started) / 1000;
    const up = error === undefined;
    this.noteState(entry, up, error);
    return { outcome: { name: collector.name, labels: entry.labels, up, durationSeconds, ...(error === undefined ? {} : { error }) }, samples };
  }

  private noteState(entry: Entry, up: boolean, error: string | undefined): void {
    const was = entry.lastUp;
    entry.lastUp = up;
    if (!up && was !== false) this.log('error', `collector ${entry.id} failed: ${error}`);
    else if (up && was === false) this.log('info', `collector ${entry.id} recovered`);
  }
}

function constantLabels(collector: string, labels: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  const sorted: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`collector ${collector}: invalid label name ${JSON.stringify(name)}`);
    if (RESERVED_LABELS.has(name)) throw new Error(`collector ${collector}: label ${name} is set by the registry or the exposition`);
    if (typeof value !== 'string') throw new Error(`collector ${collector}: label ${name} must be a string`);
    sorted[name] = value;
  }
  return sorted;
}

function identity(name: string, labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
}

/**
 * The declaration with the constant label names added, one object per declaration and label set, so the exposition
 * still sees one declaration per family and assertValidSample stays strict about the labels a sample carries.
 */
const extended = new WeakMap<MetricDeclaration, Map<string, MetricDeclaration>>();
function withConstantLabels<M extends MetricDeclaration>(metric: M, labels: Readonly<Record<string, string>>): M {
  const names = Object.keys(labels);
  if (names.length === 0) return metric;
  const key = names.join(',');
  let byNames = extended.get(metric);
  if (byNames === undefined) extended.set(metric, (byNames = new Map()));
  let declaration = byNames.get(key);
  if (declaration === undefined) {
    declaration = { ...metric, labelNames: [...(metric.labelNames ?? []), ...names] };
    byNames.set(key, declaration);
  }
  return declaration as M;
}

function addConstantLabels(samples: readonly Sample[], labels: Readonly<Record<string, string>>): readonly Sample[] {
  if (Object.keys(labels).length === 0) return samples;
  return samples.map((sample) => {
    for (const name of Object.keys(labels))
      if (sample.metric.labelNames?.includes(name)) throw new Error(`metric ${sample.metric.prometheusName}: declares label ${name}, which the registry sets for this collector`);
    return { ...sample, metric: withConstantLabels(sample.metric, labels), labels: { ...sample.labels, ...labels } };
  });
}

function assertTimeout(what: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${what} must be a positive number of milliseconds, got ${ms}`);
}
