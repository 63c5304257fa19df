/**
 * Time as every minidc component sees it: one monotonic clock for ordering, durations and timeouts (immune to clock
 * steps), one wall clock for people and for the timestamps APIs print. Injected everywhere, so tests drive time by
 * hand (runtime/time/manual-clock.ts) instead of sleeping.
 */
export interface Clock {
  /** Milliseconds from an arbitrary fixed origin (fractional); never goes backwards. */
  now(): number;
  /** Milliseconds since the Unix epoch. */
  wallMs(): number;
}

/** Opaque timer handle; only the Timers that made it can clear it. */
export type TimerHandle = unknown;

export interface EveryOptions {
  /** Run once at once instead of waiting one interval first. Default false. */
  immediately?: boolean;
  /** Told when a run throws or rejects; the loop goes on either way. */
  onError?: (error: unknown) => void;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Runs `fn` every `intervalMs`, the next run scheduled only once the previous one has ended (an async run is
   * awaited), so a slow run is never stacked on itself. Returns a function that stops the loop; a run under way is
   * left to end, and nothing is scheduled after it.
   */
  every(intervalMs: number, fn: () => void | Promise<void>, options?: EveryOptions): () => void;
}

/** A clock with its timers: what a component takes when it needs both. */
export type Time = Clock & Timers;

/** Builds `every` on top of a timer pair, so the real and the manual clock share the one re-arm loop. */
export function everyOn(
  timers: Pick<Timers, 'setTimeout' | 'clearTimeout'>,
  intervalMs: number,
  fn: () => void | Promise<void>,
  options: EveryOptions = {},
): () => void {
  let stopped = false;
  let handle: TimerHandle | undefined;
  const run = async (): Promise<void> => {
    handle = undefined;
    try {
      await fn();
    } catch (err) {
      options.onError?.(err);
    }
    if (!stopped) handle = timers.setTimeout(() => void run(), intervalMs);
  };
  if (options.immediately) void run();
  else handle = timers.setTimeout(() => void run(), intervalMs);
  return () => {
    stopped = true;
    if (handle !== undefined) timers.clearTimeout(handle);
    handle = undefined;
  };
}
