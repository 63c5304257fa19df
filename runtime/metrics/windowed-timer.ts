/**
 * A libprocess-style `Timer<Milliseconds>` with a statistics window.
 *
 * Published as `<name>_ms` (the last value) plus `/count /min /max /p50 /p90 /p95 /p99 /p999 /p9999` over the
 * samples inside the window. Like libprocess: nothing is published before the first sample, statistics need at
 * least two samples, and at most 1,000 samples are kept, so `/count` saturates there.
 */
export const TIMER_PERCENTILES: readonly (readonly [suffix: string, p: number])[] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p999', 0.999],
  ['p9999', 0.9999],
];

const CAPACITY = 1000;

export class WindowedTimer {
  private readonly times: number[] = [];
  private readonly values: number[] = [];
  private last: number | undefined;

  /**
   * @param name key without the `_ms` suffix, e.g. `allocator/mesos/allocation_run`
   * @param windowMs how far back statistics reach; `null` publishes the last value only (a timer without a window)
   * @param now clock in milliseconds, injectable for tests
   */
  constructor(
    readonly name: string,
    private readonly windowMs: number | null,
    private readonly now: () => number,
  ) {}

  record(ms: number): void {
    const t = this.now();
    this.last = ms;
    this.times.push(t);
    this.values.push(ms);
    if (this.times.length > CAPACITY) {
      this.times.shift();
      this.values.shift();
    }
  }

  /** Writes this timer's keys into `out`. */
  snapshot(out: Record<string, number>): void {
    if (this.last === undefined) return;
    const key = `${this.name}_ms`;
    out[key] = this.last;
    if (this.windowMs === null) return;
    const cutoff = this.now() - this.windowMs;
    let start = 0;
    while (start < this.times.length && this.times[start]! < cutoff) start++;
    const sample = this.values.slice(start).sort((a, b) => a - b);
    if (sample.length < 2) return;
    out[`${key}/count`] = sample.length;
    out[`${key}/min`] = sample[0]!;
    out[`${key}/max`] = sample[sample.length - 1]!;
    for (const [suffix, p] of TIMER_PERCENTILES) out[`${key}/${suffix}`] = percentile(sample, p);
  }
}

/** Linear interpolation between closest ranks, as libprocess's Statistics computes it. */
export function percentile(sorted: readonly number[], p: number): number {
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (b - a) * (pos - lo);
}
