/**
 * DC/OS's rule for which polls a buffer keeps (`HistoryBuffer`): a sample is taken once its time reaches the
 * buffer's next update, which then moves on by one period — so the hour buffer keeps about every 30th 2 s poll and
 * stays on its minute grid. Unlike DC/OS, a gate that fell behind (after an outage) jumps ahead rather than taking
 * every poll until it catches up; the outage's periods show as `{}` slots instead (gap-filled-slots.ts).
 */
export class PeriodGate {
  private nextMs = -Infinity;

  /** `toleranceMs`: how early a sample may come and still count for its period (poll times jitter). */
  constructor(
    private readonly periodMs: number,
    private readonly toleranceMs: number,
  ) {}

  /** Continues the grid of a sample kept before (e.g. read back from the database on start). */
  resumeAfter(atMs: number): void {
    this.nextMs = atMs + this.periodMs;
  }

  /** Whether the sample at this time is kept; if so the gate moves to the next period. */
  take(atMs: number): boolean {
    if (atMs < this.nextMs - this.toleranceMs) return false;
    this.nextMs += this.periodMs;
    if (this.nextMs <= atMs) this.nextMs = atMs + this.periodMs;
    return true;
  }
}
