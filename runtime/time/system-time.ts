/**
 * The real clock and timers. The monotonic clock is CLOCK_MONOTONIC (process.hrtime), the clock behind systemd's
 * *TimestampMonotonic properties, so unit timestamps compare with a real node's.
 */
import { everyOn, type Time, type TimerHandle } from './clock.ts';

const setTimer = (fn: () => void, ms: number): TimerHandle => {
  // Component timers never keep the process alive on their own; listeners and sockets do.
  const t = setTimeout(fn, ms);
  t.unref();
  return t;
};
const clearTimer = (handle: TimerHandle): void => clearTimeout(handle as ReturnType<typeof setTimeout>);

export const systemTime: Time = {
  now: () => Number(process.hrtime.bigint()) / 1e6,
  wallMs: () => Date.now(),
  setTimeout: setTimer,
  clearTimeout: clearTimer,
  every: (intervalMs, fn, options) => everyOn({ setTimeout: setTimer, clearTimeout: clearTimer }, intervalMs, fn, options),
};
