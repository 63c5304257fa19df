/**
 * The allocator's metrics under the keys Mesos publishes in `/metrics/snapshot` (allocator/mesos/*).
 */
import { WindowedTimer } from '../metrics/windowed-timer.ts';
import type { HierarchicalAllocator } from './hierarchical-allocator.ts';
import type { Clock } from '../time/clock.ts';

const PREFIX = 'allocator/mesos';
const HOUR_MS = 3_600_000;
/** Mesos publishes these three resource totals whether or not the cluster has them. */
const RESOURCE_NAMES = ['cpus', 'mem', 'disk'] as const;

export class AllocatorMetrics {
  allocationRuns = 0;
  /** Allocation runs requested but not yet executed (the allocator's event queue, as far as offers go). */
  pendingDispatches = 0;
  readonly allocationRun: WindowedTimer;
  readonly allocationRunLatency: WindowedTimer;

  constructor(clock: Pick<Clock, 'now'>) {
    // Windows follow the allocator's clock, so a simulated run ages them by simulated time.
    const now = () => clock.now();
    this.allocationRun = new WindowedTimer(`${PREFIX}/allocation_run`, HOUR_MS, now);
    this.allocationRunLatency = new WindowedTimer(`${PREFIX}/allocation_run_latency`, HOUR_MS, now);
  }

  recordRun(ms: number): void {
    this.allocationRuns++;
    this.allocationRun.record(ms);
  }

  recordLatency(ms: number): void {
    this.allocationRunLatency.record(ms);
  }

  snapshot(allocator: HierarchicalAllocator, out: Record<string, number>): Record<string, number> {
    out[`${PREFIX}/allocation_runs`] = this.allocationRuns;
    out[`${PREFIX}/event_queue_dispatches`] = this.pendingDispatches;
    // Older Mesos name for the same queue, still published by Mesos.
    out['allocator/event_queue_dispatches'] = this.pendingDispatches;
    this.allocationRun.snapshot(out);
    this.allocationRunLatency.snapshot(out);

    const total = allocator.totalQuantities();
    const used = allocator.offeredOrAllocatedQuantities();
    for (const name of RESOURCE_NAMES) {
      out[`${PREFIX}/resources/${name}/total`] = (total.get(name) ?? 0) / 1000;
      out[`${PREFIX}/resources/${name}/offered_or_allocated`] = (used.get(name) ?? 0) / 1000;
    }
    for (const [role, share] of allocator.roleShares()) out[`${PREFIX}/roles/${role}/shares/dominant`] = share;
    for (const [role, n] of allocator.activeFiltersByRole()) out[`${PREFIX}/offer_filters/roles/${role}/active`] = n;
    // Pushed per non-zero quantity for every role the allocator tracks, as Mesos's role tree does.
    for (const [role, consumed] of allocator.quotaConsumed())
      for (const [name, m] of consumed) if (m > 0) out[`${PREFIX}/quota/roles/${role}/resources/${name}/consumed`] = m / 1000;
    for (const [role, { quota, offeredOrAllocated }] of allocator.quotaRoles()) {
      const base = `${PREFIX}/quota/roles/${role}/resources`;
      for (const [name, m] of quota.guarantees) if (m > 0) out[`${base}/${name}/guarantee`] = m / 1000;
      for (const [name, m] of quota.limits) out[`${base}/${name}/limit`] = m / 1000;
      for (const name of new Set([...quota.guarantees.keys(), ...quota.limits.keys()]))
        out[`${base}/${name}/offered_or_allocated`] = (offeredOrAllocated.get(name) ?? 0) / 1000;
    }
    return out;
  }
}
