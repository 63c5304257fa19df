/**
 * The VIP layer's metric keys (`l4lb/*`), declared once; the registry and the VIP layer write them through this
 * declaration, and the API serves them as a flat snapshot, as Mesos's `/metrics/snapshot` does.
 */
import { MetricKeys } from '../metrics/metric-keys.ts';

export const L4LB_METRICS = new MetricKeys('l4lb', {
  fixed: [
    'l4lb/vips',
    'l4lb/vips_not_listening',
    'l4lb/backends',
    'l4lb/backends_down',
    'l4lb/active_connections',
    'l4lb/connections_total',
    'l4lb/connect_failures_total',
    'l4lb/named_vip_addresses',
    'l4lb/named_vip_allocation_failures',
  ],
});
