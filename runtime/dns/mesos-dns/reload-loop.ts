/**
 * When Mesos-DNS rebuilds its records: on a periodic refresh (the safety net), shortly after the cluster says
 * something changed (debounced, so a burst of task updates costs one reload), and quickly again after a failure
 * while nothing was ever loaded. Reloads never overlap; a change noticed during one schedules one more.
 */

export interface ReloadLoopOptions {
  /** Rebuilds; a rejection means "keep what is served now". */
  reload: (signal: AbortSignal) => Promise<void>;
  intervalMs: number;
  debounceMs: number;
  /** Retry interval while no reload has succeeded yet. */
  initialRetryMs?: number;
  onError?: (error: unknown) => void;
}

export class ReloadLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private debounce: NodeJS.Timeout | undefined;
  private periodic: NodeJS.Timeout | undefined;
  private abort = new AbortController();
  private stopped = true;
  private succeeded = false;

  constructor(private readonly opts: ReloadLoopOptions) {}

  /**
   * Starts the first reload and the schedule; resolves when that reload is done (its failure is reported, not
   * thrown) or after `waitMs`, whichever comes first.
   */
  async start(waitMs = Infinity): Promise<void> {
    this.stopped = false;
    this.abort = new AbortController();
    const first = this.runNow();
    let timer: NodeJS.Timeout | undefined;
    const waited = Number.isFinite(waitMs) ? new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs))) : first;
    await Promise.race([first, waited]);
    clearTimeout(timer);
    this.schedulePeriodic();
  }

  /** Something changed in the cluster: reload soon. */
  trigger(): void {
    if (this.stopped || this.debounce !== undefined) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.runNow();
    }, this.opts.debounceMs);
    this.debounce.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.periodic);
    this.debounce = undefined;
    this.abort.abort();
    await this.running;
  }

  /** Resolves when the reload started (or joined) by this call is done. */
  runNow(): Promise<void> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.trigger();
      }
    });
    return this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      await this.opts.reload(this.abort.signal);
      this.succeeded = true;
    } catch (e) {
      if (!this.stopped) this.opts.onError?.(e);
    }
  }

  private schedulePeriodic(): void {
    if (this.stopped) return;
    const delay = this.succeeded ? this.opts.intervalMs : Math.min(this.opts.initialRetryMs ?? 1000, this.opts.intervalMs);
    this.periodic = setTimeout(() => {
      void this.runNow().then(() => this.schedulePeriodic());
    }, delay);
    this.periodic.unref();
  }
}
