/**
 * The allocator's metrics under the keys Mesos publishes in `/metrics/snapshot` (allocator/mesos/*).
 */
import { MetricKeys } from '../metrics/metric-keys.ts';
import { WindowedTimer } from '../metrics/windowed-timer.ts';
import type { HierarchicalAllocator } from './hierarchical-allocator.ts';
import type { Clock } from '../time/clock.ts';

const HOUR_MS = 3_600_000;
/** Mesos publishes these three resource totals whether or not the cluster has them. */
const RESOURCE_NAMES = ['cpus', 'mem', 'disk'] as const;

/** Every key the allocator publishes. */
export const ALLOCATOR_METRICS = new MetricKeys('allocator', {
  fixed: [
    'allocator/mesos/allocation_runs',
    'allocator/mesos/event_queue_dispatches',
    // Older Mesos name for the same queue, still published by Mesos.
    'allocator/event_queue_dispatches',
    ...RESOURCE_NAMES.flatMap((r) => [`allocator/mesos/resources/${r}/total`, `allocator/mesos/resources/${r}/offered_or_allocated`] as const),
  ],
  templates: [
    'allocator/mesos/roles/<role>/shares/dominant',
    'allocator/mesos/offer_filters/roles/<role>/active',
    'allocator/mesos/quota/roles/<role>/resources/<resource>/consumed',
    'allocator/mesos/quota/roles/<role>/resources/<resource>/guarantee',
    'allocator/mesos/quota/roles/<role>/resources/<resource>/limit',
    'allocator/mesos/quota/roles/<role>/resources/<resource>/offered_or_allocated',
  ],
  timers: ['allocator/mesos/allocation_run', 'allocator/mesos/allocation_run_latency'],
});

export class AllocatorMetrics {
  allocationRuns = 0;
  /** Allocation runs requested but not yet executed (the allocator's event queue, as far as offers go). */
  pendingDispatches = 0;
  readonly allocationRun: WindowedTimer;
  readonly allocationRunLatency: WindowedTimer;

  constructor(clock: Pick<Clock, 'now'>) {
    // Windows follow the allocator's clock, so a simulated run ages them by simulated time.
    const now = () => clock.now();
    this.allocationRun = new WindowedTimer('allocator/mesos/allocation_run', HOUR_MS, now);
    this.allocationRunLatency = new WindowedTimer('allocator/mesos/allocation_run_latency', HOUR_MS, now);
  }

  recordRun(ms: number): void {
    this.allocationRuns++;
    this.allocationRun.record(ms);
  }

  recordLatency(ms: number): void {
    this.allocationRunLatency.record(ms);
  }

  snapshot(allocator: HierarchicalAllocator, out: Record<string, number>): Record<string, number> {
    const w = ALLOCATOR_METRICS.writer(out);
    w.set('allocator/mesos/allocation_runs', this.allocationRuns);
    w.set('allocator/mesos/event_queue_dispatches', this.pendingDispatches);
    w.set('allocator/event_queue_dispatches', this.pendingDispatches);
    w.timer(this.allocationRun);
    w.timer(this.allocationRunLatency);

    const total = allocator.totalQuantities();
    const used = allocator.offeredOrAllocatedQuantities();
    for (const name of RESOURCE_NAMES) {
      w.set(`allocator/mesos/resources/${name}/total`, (total.get(name) ?? 0) / 1000);
      w.set(`allocator/mesos/resources/${name}/offered_or_allocated`, (used.get(name) ?? 0) / 1000);
    }
    for (const [role, share] of allocator.roleShares()) w.setTemplate('allocator/mesos/roles/<role>/shares/dominant', { role }, share);
    for (const [role, n] of allocator.activeFiltersByRole()) w.setTemplate('allocator/mesos/offer_filters/roles/<role>/active', { role }, n);
    // Pushed per non-zero quantity for every role the allocator tracks, as Mesos's role tree does.
    for (const [role, consumed] of allocator.quotaConsumed())
      for (const [resource, m] of consumed)
        if (m > 0) w.setTemplate('allocator/mesos/quota/roles/<role>/resources/<resource>/consumed', { role, resource }, m / 1000);
    for (const [role, { quota, offeredOrAllocated }] of allocator.quotaRoles()) {
      for (const [resource, m] of quota.guarantees)
        if (m > 0) w.setTemplate('allocator/mesos/quota/roles/<role>/resources/<resource>/guarantee', { role, resource }, m / 1000);
      for (const [resource, m] of quota.limits)
        w.setTemplate('allocator/mesos/quota/roles/<role>/resources/<resource>/limit', { role, resource }, m / 1000);
      for (const resource of new Set([...quota.guarantees.keys(), ...quota.limits.keys()]))
        w.setTemplate(
          'allocator/mesos/quota/roles/<role>/resources/<resource>/offered_or_allocated',
          { role, resource },
          (offeredOrAllocated.get(resource) ?? 0) / 1000,
        );
    }
    return out;
  }
}
