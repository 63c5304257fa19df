/**
 * `minidc_l4lb_vip_backends{vip,name}` and `minidc_l4lb_vip_backends_healthy{vip,name}` from the node's VIP table
 * (`GET /vips` on the Minuteman API): the flat `l4lb/*` snapshot says how many backends are down across all VIPs,
 * which cannot tell one VIP with no healthy backend left from several VIPs each missing one.
 */
import type { Collector } from '../collector.ts';
import type { Sample } from '../metric.ts';
import { VIP_BACKENDS, VIP_BACKENDS_HEALTHY } from '../catalogue/network-entries.ts';
import { jsonCollector, type JsonCollectorOptions } from '../json-collector.ts';

interface VipJson {
  name?: unknown;
  backends?: Record<string, { state?: unknown; is_healthy?: unknown }>;
}

export function vipBackendsCollector(options: JsonCollectorOptions): Collector {
  return jsonCollector('l4lb_vips', '/vips', options, (body, url) => {
    const vips = (body as { vips?: unknown } | null)?.vips;
    if (vips === null || typeof vips !== 'object') throw new Error(`GET ${url}: no vips object`);
    const samples: Sample[] = [];
    for (const [vip, view] of Object.entries(vips as Record<string, VipJson>)) {
      const labels = { vip, name: typeof view?.name === 'string' ? view.name : '' };
      const backends = Object.values(view?.backends ?? {});
      // A draining backend takes no new connections, so it does not count as healthy even if it answers.
      const healthy = backends.filter((b) => b?.state === 'up' && b.is_healthy === true).length;
      samples.push({ metric: VIP_BACKENDS, labels, value: backends.length }, { metric: VIP_BACKENDS_HEALTHY, labels, value: healthy });
    }
    return samples;
  });
}
