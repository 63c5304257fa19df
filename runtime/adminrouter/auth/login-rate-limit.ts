/**
 * Failed logins counted per key (a client address, a uid) over a sliding window, on an injected clock so tests
 * need not wait: once a key has reached the limit, its attempts are refused (429 with `Retry-After`) without the
 * credentials being checked, until the oldest failure in the window ages out. Only failures are recorded: logging
 * in successfully never uses up the allowance.
 */
import type { Clock } from '../../time/clock.ts';

export interface LoginRateLimitOptions {
  /** Failures allowed per key within the window. */
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
    options: LoginRateLimitOptions & { maxFailures: number },
  ) {
    this.maxFailures = options.maxFailures;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Seconds until the key may try again, or 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const now = this.clock.now();
    const times = this.recent(key, now);
    if (times.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.maxFailures]! + this.windowMs - now) / 1000));
  }

  recordFailure(key: string): void {
    const now = this.clock.now();
    const times = this.recent(key, now);
    times.push(now);
    this.failures.delete(key);
    this.failures.set(key, times.slice(-this.maxFailures));
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
