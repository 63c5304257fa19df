/**
 * The time observers need, as structural types: collectors/ may not import runtime/ (observers see the runtime only
 * through its HTTP APIs, and must run unchanged against a real Mesos cluster), yet an embedded cluster passes its
 * own clock and timers in — runtime/time's Clock and Timers fit these shapes as they are. The defaults below are
 * the few lines a stand-alone observer needs.
 */
export interface ObserverClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  now(): number;
}

export interface ObserverTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Runs `fn` every `intervalMs`, the next run armed only once the previous one has ended; returns a stop function. */
  every(intervalMs: number, fn: () => void | Promise<void>, options?: { immediately?: boolean; onError?: (error: unknown) => void }): () => void;
}

export type ObserverTime = ObserverClock & ObserverTimers;

export const systemObserverTime: ObserverTime = {
  now: () => performance.now(),
  // Unref'd: an observer's background sampling must never keep the process alive on its own.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  every(intervalMs, fn, options = {}) {
    let stopped = false;
    let handle: NodeJS.Timeout | undefined;
    const run = async (): Promise<void> => {
      handle = undefined;
      try {
        await fn();
      } catch (err) {
        options.onError?.(err);
      }
      if (!stopped) handle = setTimeout(() => void run(), intervalMs).unref();
    };
    if (options.immediately) void run();
    else handle = setTimeout(() => void run(), intervalMs).unref();
    return () => {
      stopped = true;
      if (handle !== undefined) clearTimeout(handle);
    };
  },
};
