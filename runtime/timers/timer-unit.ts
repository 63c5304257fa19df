/**
 * The `.timer` half of a timer pair: a node-cron schedule that starts its service at each trigger, as systemd's
 * timer units do. Active/waiting while scheduled. A trigger while the last run is still going is skipped, not
 * stacked (journalled and counted); a trigger within `firstDelayMs` of the timer's start is skipped (systemd's
 * OnBootSec, and the watchdog's `sleep 60`); `runAtStart` triggers once at start as well (OnActiveSec=0). `systemctl list-timers`' columns are its `timerProperties`.
 */
import { createTask, validate, type ScheduledTask } from 'node-cron';
import type { Clock } from '../time/clock.ts';
import { systemTime } from '../time/system-time.ts';
import { PRIORITY } from '../units/unit-journal.ts';
import type { TimerProperties } from '../units/unit-reader.ts';
import type { Unit, UnitBehavior, UnitContext } from '../units/unit.ts';

export interface TimerUnitOptions {
  /** A node-cron expression; six fields when the first is seconds. */
  schedule: string;
  /** The service unit it starts. */
  service: string;
  /** The service's Unit, looked up at each trigger (it is registered on the same node). */
  serviceUnit: () => Unit | undefined;
  /** Called when the timer stops, to end a run in progress. */
  abortRun?: (reason: string) => void;
  firstDelayMs?: number;
  /** Also trigger once as soon as the timer starts (systemd's OnActiveSec=0), e.g. so a node has a file from the start. */
  runAtStart?: boolean;
  clock?: Pick<Clock, 'wallMs'>;
}

/** Upcoming triggers looked at to find the first one after the start delay. */
const LOOKAHEAD = 10_000;

export class TimerUnit implements UnitBehavior {
  readonly activeSubState = 'waiting';
  private task: ScheduledTask | undefined;
  private earliestMs = 0;
  private lastTriggerMs = 0;
  private skippedRuns = 0;
  private readonly clock: Pick<Clock, 'wallMs'>;
  /**
   * The first run after the start delay, kept while the schedule's next run is `next`: every health request lists the
   * timers, and searching ahead on each one cost seconds of event loop per scrape with a delay longer than the interval.
   */
  private afterDelay: { next: number; at: number } | undefined;

  constructor(private readonly options: TimerUnitOptions) {
    if (!validate(options.schedule)) throw new TypeError(`invalid schedule '${options.schedule}' for ${options.service}`);
    this.clock = options.clock ?? systemTime;
  }

  /** Triggers skipped because the service's last run was still going. */
  get skipped(): number {
    return this.skippedRuns;
  }

  async start(ctx: UnitContext): Promise<void> {
    this.earliestMs = this.clock.wallMs() + (this.options.firstDelayMs ?? 0);
    this.afterDelay = undefined;
    this.task = createTask(this.options.schedule, () => this.trigger(ctx), {
      name: ctx.unit,
      // A trigger missed while the event loop was blocked is simply the next one; nothing to catch up on.
      suppressMissedWarning: true,
      logger: {
        info: () => undefined,
        debug: () => undefined,
        warn: (message) => ctx.log(message, PRIORITY.warning),
        error: (message) => ctx.log(String(message), PRIORITY.err),
      },
    });
    await this.task.start();
    if (this.options.runAtStart) this.trigger(ctx);
    const next = this.nextElapseMs();
    ctx.log(`Schedule '${this.options.schedule}' for ${this.options.service}; next run ${next === 0 ? 'never' : new Date(next).toISOString()}.`);
  }

  async stop(): Promise<void> {
    const task = this.task;
    this.task = undefined;
    await task?.destroy();
    this.options.abortRun?.('its timer stopped');
  }

  timerProperties(): TimerProperties {
    return { Unit: this.options.service, NextElapseRealtime: this.nextElapseMs(), LastTrigger: this.lastTriggerMs };
  }

  private trigger(ctx: UnitContext): void {
    if (this.task === undefined || ctx.signal.aborted) return;
    if (this.clock.wallMs() < this.earliestMs) return;
    const service = this.options.serviceUnit();
    if (service === undefined) {
      ctx.log(`cannot trigger ${this.options.service}: no such unit on this node`, PRIORITY.err);
      return;
    }
    if (service.activeState === 'activating' || service.activeState === 'deactivating') {
      this.skippedRuns++;
      ctx.log(`${service.name} is still running its last run; not starting another (${this.skippedRuns} skipped)`, PRIORITY.notice);
      return;
    }
    this.lastTriggerMs = this.clock.wallMs();
    // A failed run is journalled and shown by the service unit itself; nobody awaits it here.
    service.start().catch(() => undefined);
  }

  private nextElapseMs(): number {
    if (this.task === undefined) return 0;
    const next = this.task.getNextRun()?.getTime() ?? 0;
    if (next === 0 || next >= this.earliestMs) return next;
    if (this.afterDelay?.next !== next) this.afterDelay = { next, at: this.firstRunAfterDelay(this.task) };
    return this.afterDelay.at;
  }

  /** node-cron lists runs one by one (LOOKAHEAD of them took ~0.4 s): look a little ahead first, then further. */
  private firstRunAfterDelay(task: ScheduledTask): number {
    for (let count = 16; ; count = Math.min(count * 8, LOOKAHEAD)) {
      const runs = task.getNextRuns(count);
      const at = runs.find((r) => r.getTime() >= this.earliestMs);
      if (at !== undefined) return at.getTime();
      if (count >= LOOKAHEAD || runs.length < count) return 0;
    }
  }
}
