/**
 * `minidc_unit_health{node,unit}` from the node's own dcos-diagnostics (`GET /system/health/v1` on its
 * `diagnostics` endpoint): the same verdict the health report gives — dcos-diagnostics' unit rules plus the
 * liveness probes, so a hung component whose unit still looks active is 1 here too. Read over HTTP, as it would be
 * on a real DC/OS node.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { UNIT_HEALTH } from '../catalogue/minidc-entries.ts';
import { jsonCollector, type JsonCollectorOptions } from '../json-collector.ts';

export function unitHealthCollector(options: JsonCollectorOptions & { node: string }): Collector {
  return jsonCollector('units', '/system/health/v1', options, (body, url) => {
    const units = (body as { units?: unknown } | null)?.units;
    if (!Array.isArray(units)) throw new Error(`GET ${url}: no units array`);
    const samples: Sample[] = [];
    for (const u of units as { id?: unknown; health?: unknown }[]) {
      if (typeof u?.id !== 'string' || (u.health !== 0 && u.health !== 1)) continue;
      samples.push({ metric: UNIT_HEALTH, labels: { node: options.node, unit: u.id }, value: u.health });
    }
    return samples;
  });
}
