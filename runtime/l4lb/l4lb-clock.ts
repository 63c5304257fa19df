/**
 * Time as the load balancer's policies see it (backend down periods, bind retries). Injected so tests can move time
 * instead of sleeping 30 s; socket-level timeouts stay on real time because the kernel's sockets do.
 */
export interface L4lbClock {
  /** Milliseconds from an arbitrary origin; never goes backwards. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemL4lbClock: L4lbClock = {
  now: () => performance.now(),
  // Policy timers never keep a process alive on their own; listeners and sockets do.
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
