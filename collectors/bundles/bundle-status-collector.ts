/**
 * `minidc_diagnostics_bundles{type,status}` from the node's dcos-diagnostics bundle list
 * (`GET /system/health/v1/node/diagnostics`, which lists the node's Local bundles and, on a master, the Cluster
 * bundles it coordinates: they share one directory). Every status is reported for every type, 0 included, so a rule
 * on `status="Failed"` sees a series before the first failure rather than an absent one.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { DIAGNOSTICS_BUNDLES } from '../catalogue/minidc-entries.ts';
import { jsonCollector, type JsonCollectorOptions } from '../json-collector.ts';

/** dcos-diagnostics' bundle types and statuses (its v2 API). */
export const BUNDLE_TYPES = ['Local', 'Cluster'] as const;
export const BUNDLE_STATUSES = ['Unknown', 'Started', 'InProgress', 'Done', 'Canceled', 'Deleted', 'Failed'] as const;

export const NODE_BUNDLE_LIST = '/system/health/v1/node/diagnostics';

export function bundleStatusCollector(options: JsonCollectorOptions): Collector {
  return jsonCollector('bundles', NODE_BUNDLE_LIST, options, (body, url) => {
    if (!Array.isArray(body)) throw new Error(`GET ${url}: not a bundle list`);
    const counts = new Map<string, number>();
    for (const type of BUNDLE_TYPES) for (const status of BUNDLE_STATUSES) counts.set(`${type} ${status}`, 0);
    for (const b of body as { type?: unknown; status?: unknown }[]) {
      const key = `${String(b?.type)} ${String(b?.status)}`;
      // A type or status this list does not know is counted as it comes: new dcos-diagnostics versions add some.
      if (typeof b?.type === 'string' && typeof b.status === 'string') counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, value]): Sample => {
      const [type, status] = key.split(' ') as [string, string];
      return { metric: DIAGNOSTICS_BUNDLES, labels: { type, status }, value };
    });
  });
}
