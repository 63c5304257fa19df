/**
 * The `.service` half of a timer pair, as systemd's `Type=oneshot`: each start is one run of the job, and the unit
 * stays `activating` while it runs. A good run exits 0 (the unit goes inactive, healthy because a timer triggers
 * it); a failed run exits 1 with the job's error as the reason (the unit is failed, unhealthy, until a good run).
 */
import type { UnitBehavior, UnitContext } from '../units/unit.ts';
import type { TimerJob } from './timer-job.ts';

export class OneshotUnit implements UnitBehavior {
  /** Aborts the run in progress (the timer is stopping); replaced at each run. */
  private cancel: AbortController | undefined;

  constructor(private readonly job: TimerJob) {}

  async start(ctx: UnitContext): Promise<void> {
    const cancel = new AbortController();
    this.cancel = cancel;
    try {
      await this.job.run({ signal: AbortSignal.any([ctx.signal, cancel.signal]), log: ctx.log });
      ctx.exit();
    } catch (err) {
      ctx.fail(1, err instanceof Error ? err.message : String(err));
    } finally {
      if (this.cancel === cancel) this.cancel = undefined;
    }
  }

  /** Nothing outlives a run: the run is over by the time the unit stops it. */
  async stop(): Promise<void> {}

  /** Tells a run in progress to give up (its job sees the signal aborted). */
  abort(reason: string): void {
    this.cancel?.abort(new Error(reason));
  }
}
