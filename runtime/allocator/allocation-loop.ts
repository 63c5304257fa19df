/**
 * Drives the allocator the way Mesos's allocator process does: one run every allocation interval over all agents,
 * plus runs triggered by events (an agent or framework added, offers revived). Triggers that arrive while a run is
 * already queued join it instead of queueing another (MESOS-6904), so a burst of events costs one run.
 *
 * Timers and the clock are injected so tests can step time by hand.
 */
import type { Time } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import type { HierarchicalAllocator, Offer } from './hierarchical-allocator.ts';

export interface AllocationLoopOptions {
  /** Timers for the runs; its monotonic clock times the latency metric. Default systemTime. */
  time?: Time;
}

export class AllocationLoop {
  private readonly time: Time;
  private stopPeriodic: (() => void) | undefined;
  private queued: unknown;
  private queuedAt = 0;
  /** Agents to consider in the queued run; `undefined` means all of them. */
  private candidates: Set<string> | undefined = new Set();
  private running = false;

  constructor(
    private readonly allocator: HierarchicalAllocator,
    private readonly onOffers: (offers: Offer[]) => void,
    options: AllocationLoopOptions = {},
  ) {
    this.time = options.time ?? systemTime;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // Re-armed after each tick, like Mesos's loop(after(interval), generateOffers).
    this.stopPeriodic = this.time.every(this.allocator.allocationIntervalMs, () => this.request());
  }

  stop(): void {
    this.running = false;
    this.stopPeriodic?.();
    if (this.queued !== undefined) this.time.clearTimeout(this.queued);
    this.stopPeriodic = this.queued = undefined;
    this.allocator.metrics.pendingDispatches = 0;
  }

  /** Asks for a run over some agents (all when none are named); joins a run already queued. */
  request(agentIds?: Iterable<string>): void {
    if (!this.running) return;
    if (agentIds === undefined) this.candidates = undefined;
    else if (this.candidates !== undefined) for (const id of agentIds) this.candidates.add(id);
    if (this.queued !== undefined) return;
    this.queuedAt = this.time.now();
    this.allocator.metrics.pendingDispatches = 1;
    this.queued = this.time.setTimeout(() => this.run(), 0);
  }

  private run(): void {
    this.queued = undefined;
    this.allocator.metrics.pendingDispatches = 0;
    this.allocator.metrics.recordLatency(this.time.now() - this.queuedAt);
    const candidates = this.candidates;
    this.candidates = new Set();
    const offers = this.allocator.allocate(candidates);
    if (offers.length > 0) this.onOffers(offers);
  }
}
