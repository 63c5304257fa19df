/**
 * Marathon's launch rate limit (`--launch_tokens`, `--launch_token_refresh_interval`): at most `tokens` task launches
 * per refresh interval, across all apps. One app with 100,000 instances then starts 100 tasks every 30 s instead of
 * flooding the agents and the event loop with thousands of process spawns and status updates at once.
 *
 * The bucket is refilled to full every interval (as Marathon does), not topped up per launch; the refill timer runs
 * only while something used tokens, so an idle Marathon has no timer ticking.
 */
import type { Timers } from '../time/clock.ts';

export const DEFAULT_LAUNCH_TOKENS = 100;
export const DEFAULT_LAUNCH_TOKEN_REFRESH_INTERVAL_MS = 30_000;

export interface LaunchTokensOptions {
  tokens: number;
  refreshIntervalMs: number;
  timers: Timers;
  /** The bucket was refilled after running low: launches held back may go ahead now. */
  onRefill: () => void;
}

export class LaunchTokens {
  private left: number;
  private refillTimer: unknown;

  constructor(private readonly options: LaunchTokensOptions) {
    this.left = options.tokens;
  }

  /** Launches allowed right now. */
  get available(): number {
    return this.left;
  }

  /** Records `n` launches (at most what is available). */
  use(n: number): void {
    if (n <= 0) return;
    this.left = Math.max(0, this.left - n);
    this.refillTimer ??= this.options.timers.setTimeout(() => {
      this.refillTimer = undefined;
      const wasShort = this.left < this.options.tokens;
      this.left = this.options.tokens;
      if (wasShort) this.options.onRefill();
    }, this.options.refreshIntervalMs);
  }

  stop(): void {
    if (this.refillTimer !== undefined) this.options.timers.clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
    this.left = this.options.tokens;
  }
}
