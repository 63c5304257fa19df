/**
 * Minuteman's circuit breaker for one backend: after `threshold` consecutive failed connects it is down for
 * `downForMs` from the last failure. Only a successful connect resets the count, so a backend that comes back from
 * its down period and fails once more is down again at once, instead of soaking up another `threshold` attempts.
 */
export class BackendBreaker {
  consecutiveFailures = 0;
  downUntil = -Infinity;

  constructor(
    private readonly threshold: number,
    private readonly downForMs: number,
  ) {}

  isDown(now: number): boolean {
    return now < this.downUntil;
  }

  /** Returns true when this failure puts (or keeps) the backend down. */
  recordFailure(now: number): boolean {
    this.consecutiveFailures++;
    if (this.consecutiveFailures < this.threshold) return false;
    this.downUntil = now + this.downForMs;
    return true;
  }

  /** Returns true if the backend was down (a connect got through anyway, e.g. as the last resort). */
  recordSuccess(now: number): boolean {
    const wasDown = this.isDown(now);
    this.consecutiveFailures = 0;
    this.downUntil = -Infinity;
    return wasDown;
  }
}
