/**
 * Launch delays per app (Marathon's rate limiter): each task that fails on its own pushes the app's next launch out
 * by backoffSeconds × backoffFactor^n, capped at maxLaunchDelaySeconds. A failure after a run that went fine (the
 * task was healthy, or ran long enough) starts again from backoffSeconds, and so does a new config.
 *
 * When a delay runs out `onExpired` is called, so offers declined meanwhile can be revived.
 */
import type { Timers } from '../time/clock.ts';
import type { RunSpec } from './run-spec.ts';

interface Delay {
  /** The delay applied at the last failure, ms. */
  delayMs: number;
  /** Epoch ms before which the app is not launched. */
  until: number;
  configVersion: string;
  timer?: unknown;
}

export interface LaunchBackoffOptions {
  now: () => number;
  timers?: Timers;
  onExpired?: (appId: string) => void;
}

export class LaunchBackoff {
  private readonly delays = new Map<string, Delay>();

  constructor(private readonly options: LaunchBackoffOptions) {}

  /** Records a failure of one of the app's tasks; returns when launching may resume (epoch ms). */
  recordFailure(appId: string, spec: RunSpec, configVersion: string, ranFine: boolean): number {
    const previous = this.delays.get(appId);
    const base = spec.backoffSeconds * 1000;
    const grown =
      previous === undefined || ranFine || previous.configVersion !== configVersion
        ? base
        : previous.delayMs * spec.backoffFactor;
    const delayMs = Math.min(grown, spec.maxLaunchDelaySeconds * 1000);
    this.clearTimer(previous);
    const delay: Delay = { delayMs, until: this.options.now() + delayMs, configVersion };
    this.delays.set(appId, delay);
    this.arm(appId, delay);
    return delay.until;
  }

  /** Epoch ms until which the app waits, or undefined when it may launch now. */
  delayedUntil(appId: string): number | undefined {
    const d = this.delays.get(appId);
    return d !== undefined && d.until > this.options.now() ? d.until : undefined;
  }

  /** Forgets the app's delay (a new config version, the app deleted). */
  reset(appId: string): void {
    this.clearTimer(this.delays.get(appId));
    this.delays.delete(appId);
  }

  /** Stops every wake-up timer (Marathon is stopping); delays themselves are kept. */
  stop(): void {
    for (const d of this.delays.values()) this.clearTimer(d);
  }

  private arm(appId: string, delay: Delay): void {
    const { timers, onExpired } = this.options;
    if (!timers || !onExpired) return;
    delay.timer = timers.setTimeout(() => {
      delay.timer = undefined;
      if (this.delays.get(appId) !== delay) return;
      // A timer may fire a hair early on the clock it is compared with; wait out the rest.
      if (this.delayedUntil(appId) !== undefined) return this.arm(appId, delay);
      onExpired(appId);
    }, Math.max(1, delay.until - this.options.now()));
  }

  private clearTimer(delay: Delay | undefined): void {
    if (delay?.timer !== undefined) this.options.timers?.clearTimeout(delay.timer);
    if (delay) delay.timer = undefined;
  }
}
