/**
 * Event-loop delay over a window, by `perf_hooks.monitorEventLoopDelay`: a timer at `resolution` ms records how
 * late each tick came, so a synchronous stretch of N ms shows as a sample of about N + resolution ms. A window's
 * figures are compared with an idle window measured the same way, which holds the resolution and the machine's
 * own scheduling noise.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopDelay {
  /** Longest recorded tick interval, ms. */
  max: number;
  p99: number;
  p50: number;
  samples: number;
}

export const LOOP_RESOLUTION_MS = 1;

/** Measures from `start()` to the returned `stop()`. */
export function loopDelayWindow(): { start(): void; stop(): LoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  return {
    start: () => {
      histogram.reset();
      histogram.enable();
    },
    stop: () => {
      histogram.disable();
      const ms = (ns: number) => ns / 1e6;
      return { max: ms(histogram.max), p99: ms(histogram.percentile(99)), p50: ms(histogram.percentile(50)), samples: histogram.count };
    },
  };
}

/** An idle window of `ms`, nothing scheduled by the caller: the baseline. */
export async function idleLoopDelay(ms: number): Promise<LoopDelay> {
  const window = loopDelayWindow();
  window.start();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return window.stop();
}
