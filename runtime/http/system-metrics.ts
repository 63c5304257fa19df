/**
 * libprocess's `system/*` gauges, which every Mesos process (master and agent) publishes next to its own keys.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { MetricKeys } from '../metrics/metric-keys.ts';

export const SYSTEM_METRICS = new MetricKeys('system', {
  fixed: ['system/load_1min', 'system/load_5min', 'system/load_15min', 'system/cpus_total', 'system/mem_total_bytes', 'system/mem_free_bytes'],
});

export function systemMetrics(out: Record<string, number>): void {
  const w = SYSTEM_METRICS.writer(out);
  // Node reports zeros for load on Windows, where libprocess publishes no load keys at all.
  if (process.platform !== 'win32') {
    const [l1, l5, l15] = loadavg();
    w.set('system/load_1min', l1!);
    w.set('system/load_5min', l5!);
    w.set('system/load_15min', l15!);
  }
  const cpuCount = cpus().length;
  // An empty list means the count could not be read (some sandboxes hide /proc/cpuinfo): leave the key out.
  if (cpuCount > 0) w.set('system/cpus_total', cpuCount);
  w.set('system/mem_total_bytes', totalmem());
  w.set('system/mem_free_bytes', freemem());
}
