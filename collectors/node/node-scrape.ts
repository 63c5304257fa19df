/**
 * One node's scrape: its collectors through a CollectorRegistry, the scrape's own duration, and the process metrics
 * prom-client collects (`process_*`, `nodejs_*`: one process serves every node of the embedded cluster, so each node
 * shows the same process), rendered as one exposition.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Collector } from '../collector.ts';
import { CollectorRegistry, type CollectorLog } from '../collector-registry.ts';
import type { Sample } from '../metric.ts';
import { SCRAPE_DURATION } from '../catalogue/minidc-entries.ts';
import { renderExposition } from '../prometheus/exposition.ts';
import type { Clock, Timers } from '../../runtime/time/clock.ts';
import { systemTime } from '../../runtime/time/system-time.ts';

let processRegistry: Registry | undefined;

/** prom-client's default process metrics, registered once per process. */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges that prom-client names like counters; promtool's lint (and so this project's) rejects them.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
      processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

export interface NodeScrapeOptions {
  collectors: readonly Collector[];
  log: CollectorLog;
  time?: Pick<Clock, 'now'> & Pick<Timers, 'setTimeout' | 'clearTimeout'>;
  /** Add prom-client's process metrics. Default true. */
  processMetrics?: boolean;
}

export class NodeScrape {
  readonly registry: CollectorRegistry;
  private readonly time: Pick<Clock, 'now'>;

  constructor(private readonly options: NodeScrapeOptions) {
    this.time = options.time ?? systemTime;
    this.registry = new CollectorRegistry({ log: options.log, ...(options.time === undefined ? {} : { time: options.time }) });
    for (const c of options.collectors) this.registry.register(c);
  }

  /** Every collector's samples plus the scrape's duration (the OpenTelemetry export reads these too). */
  async samples(): Promise<Sample[]> {
    const started = this.time.now();
    const { samples } = await this.registry.scrape();
    samples.push({ metric: SCRAPE_DURATION, value: Math.max(0, this.time.now() - started) / 1000 });
    return samples;
  }

  async exposition(): Promise<string> {
    const text = await renderExposition(await this.samples());
    if (this.options.processMetrics === false) return text;
    return `${text}\n${await processMetrics().metrics()}`;
  }
}
