/**
 * DC/OS's history buffers are positional: entry i of `/history/hour` is a minute after entry i-1, and periods
 * nobody polled in (the service was down) are filled with `{}` (its "fast-forward" on start). minidc keeps each
 * sample's time instead, and lays the samples out on their period's grid when answering: every missed period
 * between two samples, and after the newest one until now, is a slot without a sample.
 */
export interface Slot<T> {
  /** The sample's time, or for a missed period the time its sample was due. */
  atMs: number;
  sample: T | undefined;
}

export interface SlotSelection {
  /** At most this many slots, the newest. */
  limit: number;
  /** Only slots at or after this time. */
  fromMs?: number;
  /** Missed periods are counted up to this time (now, or a range's end). */
  endMs: number;
}

/**
 * `samples` oldest first. Built from the newest slot backwards, so a long outage costs only the slots asked for.
 * Between two samples the number of periods is rounded (poll times jitter); after the newest sample, a period
 * counts as missed once the next one is due too, so the poll under way never shows as a gap.
 */
export function gapFilledSlots<T extends { atMs: number }>(samples: readonly T[], periodMs: number, selection: SlotSelection): Slot<T>[] {
  const fromMs = selection.fromMs ?? -Infinity;
  const out: Slot<T>[] = [];
  const full = () => out.length >= selection.limit;
  for (let i = samples.length - 1; i >= 0 && !full(); i--) {
    const sample = samples[i]!;
    const next = samples[i + 1];
    const missed =
      next === undefined
        ? Math.floor((selection.endMs - sample.atMs) / periodMs) - 1
        : Math.round((next.atMs - sample.atMs) / periodMs) - 1;
    for (let k = missed; k >= 1 && !full(); k--) {
      const atMs = sample.atMs + k * periodMs;
      if (atMs < fromMs) break;
      if (atMs <= selection.endMs) out.push({ atMs, sample: undefined });
    }
    if (sample.atMs < fromMs || full()) break;
    out.push({ atMs: sample.atMs, sample });
  }
  return out.reverse();
}
