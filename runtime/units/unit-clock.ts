/**
 * The two clocks systemd stamps transitions with: monotonic (for ordering and durations, immune to clock steps) and
 * wall-clock (for people). Injected so tests can drive time.
 */
export interface UnitClock {
  /** Microseconds from an arbitrary fixed origin; never goes backwards. */
  monotonicUs(): number;
  /** Milliseconds since the Unix epoch. */
  wallMs(): number;
}

export const systemUnitClock: UnitClock = {
  // On Linux this is CLOCK_MONOTONIC, the clock behind systemd's *TimestampMonotonic properties.
  monotonicUs: () => Number(process.hrtime.bigint() / 1000n),
  wallMs: () => Date.now(),
};
