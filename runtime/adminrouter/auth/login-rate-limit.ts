/**
 * Failed logins counted per client address and per uid over a sliding window (an injected clock, so tests need
 * not wait): once either has reached the limit, further attempts are refused (429 with `Retry-After`) without the
 * credentials being checked, until the oldest failure in the window ages out. Successful logins are not counted,
 * so a user who types the password right is never held up by their own earlier typos beyond the limit.
 */
import type { Clock } from '../../time/clock.ts';

export interface LoginRateLimitOptions {
  /** Failures allowed per key within the window. Default 10. */
  maxFailures?: number;
  /** Default 60 s. */
  windowMs?: number;
  /** Keys tracked at most (memory bound under a spray of uids); the stalest are forgotten first. Default 10000. */
  maxKeys?: number;
}

export class LoginRateLimit {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  /** key → times of its failures within the window, oldest first; Map order = least recently failed first. */
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    options: LoginRateLimitOptions = {},
  ) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Seconds until an attempt with these keys may be made, or 0 when it may be made now. */
  retryAfterSeconds(keys: readonly string[]): number {
    const now = this.clock.now();
    let waitMs = 0;
    for (const key of keys) {
      const times = this.recent(key, now);
      if (times.length >= this.maxFailures) waitMs = Math.max(waitMs, times[times.length - this.maxFailures]! + this.windowMs - now);
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  recordFailure(keys: readonly string[]): void {
    const now = this.clock.now();
    for (const key of keys) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times.slice(-this.maxFailures));
    }
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
