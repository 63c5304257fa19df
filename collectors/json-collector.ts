/**
 * A collector that GETs one JSON document under a target's base URL and turns it into samples: the shape of every
 * collector that is not a flat snapshot (`/master/roles`, `/containers`, `/system/health/v1`).
 */
import type { CollectContext, Collector } from './collector.ts';
import type { Sample } from './metric.ts';
import { fetchJson } from './http-source.ts';

export interface JsonCollectorOptions {
  /** The target's base URL, or undefined while not known (the collector is then down: "endpoint not published"). */
  url: () => string | undefined;
  timeoutMs?: number;
}

/** `base` + `path`, without doubled slashes; undefined while the base is. */
export function join(base: string | undefined, path: string): string | undefined {
  return base === undefined ? undefined : `${base.replace(/\/+$/, '')}${path}`;
}

export function jsonCollector(name: string, path: string, options: JsonCollectorOptions, toSamples: (body: unknown, url: string) => Sample[]): Collector {
  return {
    name,
    enabledByDefault: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    async collect({ signal }: CollectContext): Promise<Sample[]> {
      const url = join(options.url(), path);
      if (url === undefined) throw new Error('endpoint not published yet');
      return toSamples(await fetchJson(url, { signal, ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }) }), url);
    },
  };
}
