/**
 * The work a timer triggers, as systemd runs a `Type=oneshot` service: `run` is the whole run. It resolves when the
 * run succeeded and throws (with the reason) when it failed; the service unit then shows the outcome — inactive
 * after a good run, failed (unhealthy) after a bad one until the next good run — and journals it.
 */
import type { Priority } from '../units/unit-journal.ts';

export interface TimerJobContext {
  /** Aborted when the run must give up: the unit is stopping or the run outlasted its timeout. */
  readonly signal: AbortSignal;
  /** A line in the service unit's journal (default priority: info). */
  log(message: string, priority?: Priority): void;
}

export interface TimerJob {
  run(ctx: TimerJobContext): Promise<void>;
}
