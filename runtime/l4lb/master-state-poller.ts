/**
 * Keeps an L4lb's VIP table in line with Mesos's `GET /master/state`, polled every `intervalMs` (old Minuteman
 * polled the master about every 5 s). A failed poll keeps the last table: flushing every VIP because the master
 * was briefly unreachable would cut new connections to services that are fine (dcos-net made the same choice).
 */
import type { Time } from '../time/clock.ts';
import type { VipTable } from './vip-table.ts';
import { vipsFromState } from './vips-from-state.ts';

export interface MasterStatePollerOptions {
  /** e.g. `http://10.0.4.10:5050/master/state` */
  readonly url: string;
  readonly intervalMs: number;
  readonly clock: Time;
  readonly onTable: (table: VipTable) => Promise<void>;
  /** Called when polling starts failing and when it recovers, not on every failed poll. */
  readonly onHealth: (ok: boolean, detail: string) => void;
  readonly fetch?: typeof fetch;
}

export class MasterStatePoller {
  private timer: unknown;
  private stopped = false;
  private failing = false;
  private polling = false;
  private again = false;
  private soon: unknown;

  constructor(private readonly options: MasterStatePollerOptions) {}

  start(): void {
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    this.options.clock.clearTimeout(this.soon);
  }

  /**
   * Polls within `delayMs` instead of at the next interval (the cluster calls this when tasks change, so backends
   * follow within a second). Calls that arrive together, or while a poll is running, cost one more poll.
   */
  pollSoon(delayMs = 100): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    if (this.soon !== undefined) return;
    this.soon = this.options.clock.setTimeout(() => {
      this.soon = undefined;
      this.options.clock.clearTimeout(this.timer);
      void this.poll();
    }, delayMs);
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.pollSoon();
    }
  }

  private async pollOnce(): Promise<void> {
    const { url, intervalMs, clock, onTable, onHealth } = this.options;
    const fetchImpl = this.options.fetch ?? fetch;
    try {
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(Math.max(intervalMs, 5000)) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const state: unknown = await res.json();
      if (this.stopped) return;
      await onTable(vipsFromState(state));
      if (this.failing) onHealth(true, `reading ${url} again`);
      this.failing = false;
    } catch (err) {
      if (!this.failing) onHealth(false, `cannot read ${url}: ${(err as Error).message}; keeping the last VIP table`);
      this.failing = true;
    }
    if (!this.stopped) this.timer = clock.setTimeout(() => void this.poll(), intervalMs);
  }
}
