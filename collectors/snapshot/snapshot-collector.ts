/**
 * A collector for one flat snapshot endpoint (a Mesos master's or agent's `/metrics/snapshot`, Mesos-DNS's, the
 * DNS forwarder's `/v1/metrics`, the VIP layer's `/metrics`): one GET per scrape, mapped through the catalogue
 * entries of its source. The URL is asked for at each scrape, so a node whose component has not bound yet reports
 * the collector down instead of failing to start.
 */
import type { CollectContext, Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import type { CatalogueEntry } from '../catalogue/catalogue-entry.ts';
import { fetchJson } from '../http-source.ts';
import { SnapshotMapper } from './snapshot-mapper.ts';

export interface SnapshotCollectorOptions {
  name: string;
  /** The snapshot's URL, or undefined while the endpoint is not known yet. */
  url: () => string | undefined;
  entries: readonly CatalogueEntry[];
  timeoutMs?: number;
  /** Extra samples computed from the same snapshot (e.g. the master's total frameworks). */
  derive?: (snapshot: Readonly<Record<string, unknown>>) => Sample[];
  /** Called with the keys no entry covers, on every scrape (the catalogue test listens). */
  onUnknownKeys?: (keys: readonly string[]) => void;
}

export class SnapshotCollector implements Collector {
  readonly name: string;
  readonly enabledByDefault = true;
  readonly timeoutMs: number | undefined;
  private readonly mapper: SnapshotMapper;

  constructor(private readonly options: SnapshotCollectorOptions) {
    this.name = options.name;
    this.timeoutMs = options.timeoutMs;
    this.mapper = new SnapshotMapper(options.entries);
  }

  async collect({ signal }: CollectContext): Promise<Sample[]> {
    const url = this.options.url();
    if (url === undefined) throw new Error('endpoint not published yet');
    const body = await fetchJson(url, { signal, ...(this.timeoutMs === undefined ? {} : { timeoutMs: this.timeoutMs }) });
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error(`GET ${url}: not a JSON object of metrics`);
    const snapshot = body as Record<string, unknown>;
    const { samples, unknown } = this.mapper.map(snapshot);
    this.options.onUnknownKeys?.(unknown);
    if (this.options.derive !== undefined) samples.push(...this.options.derive(snapshot));
    return samples;
  }
}
