/**
 * Drives the allocator the way Mesos's allocator process does: one run every allocation interval over all agents,
 * plus runs triggered by events (an agent or framework added, offers revived). Triggers that arrive while a run is
 * already queued join it instead of queueing another (MESOS-6904), so a burst of events costs one run.
 *
 * Timers and the clock are injected so tests can step time by hand.
 */
import type { HierarchicalAllocator, Offer } from './hierarchical-allocator.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface AllocationLoopOptions {
  timers?: Timers;
  /** Milliseconds, for the latency metric. */
  now?: () => number;
}

export class AllocationLoop {
  private readonly timers: Timers;
  private readonly now: () => number;
  private periodic: unknown;
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
    this.timers = options.timers ?? realTimers;
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedulePeriodic();
  }

  stop(): void {
    this.running = false;
    if (this.periodic !== undefined) this.timers.clearTimeout(this.periodic);
    if (this.queued !== undefined) this.timers.clearTimeout(this.queued);
    this.periodic = this.queued = undefined;
    this.allocator.metrics.pendingDispatches = 0;
  }

  /** Asks for a run over some agents (all when none are named); joins a run already queued. */
  request(agentIds?: Iterable<string>): void {
    if (!this.running) return;
    if (agentIds === undefined) this.candidates = undefined;
    else if (this.candidates !== undefined) for (const id of agentIds) this.candidates.add(id);
    if (this.queued !== undefined) return;
    this.queuedAt = this.now();
    this.allocator.metrics.pendingDispatches = 1;
    this.queued = this.timers.setTimeout(() => this.run(), 0);
  }

  private schedulePeriodic(): void {
    // Re-armed after each tick, like Mesos's loop(after(interval), generateOffers).
    this.periodic = this.timers.setTimeout(() => {
      this.request();
      if (this.running) this.schedulePeriodic();
    }, this.allocator.allocationIntervalMs);
  }

  private run(): void {
    this.queued = undefined;
    this.allocator.metrics.pendingDispatches = 0;
    this.allocator.metrics.recordLatency(this.now() - this.queuedAt);
    const candidates = this.candidates;
    this.candidates = new Set();
    const offers = this.allocator.allocate(candidates);
    if (offers.length > 0) this.onOffers(offers);
  }
}
