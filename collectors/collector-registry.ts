/**
 * Runs the registered collectors for one scrape: all at once, each cut at its own timeout, a failing one reported as
 * `minidc_collector_up{collector} 0` (never fatal: the other collectors' samples are served as usual), and its
 * state changes (up→down, down→up) logged once each, not once per scrape, so a dead target cannot flood the log.
 */
import type { Collector } from './collector.ts';
import { assertValidSample, type Sample } from './metric.ts';
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

export interface CollectorOutcome {
  readonly name: string;
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
const DEFAULT_TIMEOUT_MS = 5000;

interface Entry {
  readonly collector: Collector;
  enabled: boolean;
  /** Undefined until its first run, so the first failure is logged as well. */
  lastUp: boolean | undefined;
}

export class CollectorRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly log: CollectorLog;
  private readonly time: Pick<Clock, 'now'> & Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  private readonly defaultTimeoutMs: number;

  constructor(options: CollectorRegistryOptions) {
    this.log = options.log;
    this.time = options.time ?? systemTime;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    assertTimeout('defaultTimeoutMs', this.defaultTimeoutMs);
  }

  register(collector: Collector): void {
    if (!COLLECTOR_NAME.test(collector.name)) throw new Error(`collector name ${JSON.stringify(collector.name)}: use lower-case snake case`);
    if (this.entries.has(collector.name)) throw new Error(`collector ${collector.name} is already registered`);
    if (collector.timeoutMs !== undefined) assertTimeout(`collector ${collector.name} timeoutMs`, collector.timeoutMs);
    this.entries.set(collector.name, { collector, enabled: collector.enabledByDefault, lastUp: undefined });
  }

  /** Turns a registered collector on or off (node_exporter's --collector.X / --no-collector.X). */
  setEnabled(name: string, enabled: boolean): void {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(`no collector named ${JSON.stringify(name)} (known: ${[...this.entries.keys()].join(', ') || 'none'})`);
    entry.enabled = enabled;
  }

  /** Names of the collectors a scrape runs, in registration order. */
  enabledNames(): string[] {
    return [...this.entries.values()].filter((e) => e.enabled).map((e) => e.collector.name);
  }

  async scrape(): Promise<ScrapeResult> {
    const runs = [...this.entries.values()].filter((e) => e.enabled).map((e) => this.run(e));
    const results = await Promise.all(runs);
    const samples: Sample[] = [];
    for (const r of results) if (r.samples !== undefined) samples.push(...r.samples);
    for (const { outcome } of results) {
      const labels = { collector: outcome.name };
      samples.push({ metric: COLLECTOR_UP, labels, value: outcome.up ? 1 : 0 });
      samples.push({ metric: COLLECTOR_DURATION, labels, value: outcome.durationSeconds });
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
      for (const sample of result) assertValidSample(sample);
      samples = result;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    } finally {
      this.time.clearTimeout(timer);
    }
    const durationSeconds = Math.max(0, this.time.now() - started) / 1000;
    const up = error === undefined;
    this.noteState(entry, up, error);
    return { outcome: { name: collector.name, up, durationSeconds, ...(error === undefined ? {} : { error }) }, samples };
  }

  private noteState(entry: Entry, up: boolean, error: string | undefined): void {
    const was = entry.lastUp;
    entry.lastUp = up;
    if (!up && was !== false) this.log('error', `collector ${entry.collector.name} failed: ${error}`);
    else if (up && was === false) this.log('info', `collector ${entry.collector.name} recovered`);
  }
}

function assertTimeout(what: string, ms: number): void {
  if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`${what} must be a positive number of milliseconds, got ${ms}`);
}
