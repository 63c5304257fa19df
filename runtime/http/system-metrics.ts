/**
 * libprocess's `system/*` gauges, which every Mesos process (master and agent) publishes next to its own keys.
 */
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export function systemMetrics(out: Record<string, number>): void {
  // Node reports zeros for load on Windows, where libprocess publishes no load keys at all.
  if (process.platform !== 'win32') {
    const [l1, l5, l15] = loadavg();
    out['system/load_1min'] = l1!;
    out['system/load_5min'] = l5!;
    out['system/load_15min'] = l15!;
  }
  const cpuCount = cpus().length;
  // An empty list means the count could not be read (some sandboxes hide /proc/cpuinfo): leave the key out.
  if (cpuCount > 0) out['system/cpus_total'] = cpuCount;
  out['system/mem_total_bytes'] = totalmem();
  out['system/mem_free_bytes'] = freemem();
}
