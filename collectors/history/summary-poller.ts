/**
 * dcos-history's fetch loop (`history/statebuffer.py`): GET the leading master's `/master/state-summary` every 2 s
 * with a 1.8 s timeout (`2 * 0.9`), handing on the body, or undefined with the reason when the poll failed (refused,
 * timed out, non-2xx, too large). Polls start on a fixed 2 s cadence of the injected clock; one never overlaps the
 * next (with the timeout under the period it cannot, and a tick that still finds one running is skipped).
 */
import type { Time, TimerHandle } from '../../runtime/time/clock.ts';
import { fetchBody } from '../http-source.ts';

export const POLL_PERIOD_MS = 2_000;
export const POLL_TIMEOUT_MS = 1_800;

export interface SummaryPollerOptions {
  /** The summary's URL, asked at each poll (undefined: the master is not bound yet, the poll fails). */
  url: () => string | undefined;
  time: Time;
  periodMs?: number;
  timeoutMs?: number;
  /** Largest body accepted; default http-source's 64 MiB. */
  maxBytes?: number;
  /** One poll's outcome at its start time (wall ms); may throw (told to `onError`). */
  onPoll: (body: Buffer | undefined, atMs: number, failure: string | undefined) => void;
  onError: (error: unknown) => void;
}

export class StateSummaryPoller {
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: SummaryPollerOptions) {}

  /** The first poll at once, then one every period. */
  start(): void {
    this.stopped = false;
    this.tick();
  }

  /** Stops the cadence and waits for a poll under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.options.time.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Polls now (or joins the poll under way); for tests and the benchmark. */
  pollNow(): Promise<void> {
    return (this.running ??= this.poll().finally(() => (this.running = undefined)));
  }

  /** Resolves once no poll is under way. */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  private tick(): void {
    if (this.stopped) return;
    this.timer = this.options.time.setTimeout(() => this.tick(), this.options.periodMs ?? POLL_PERIOD_MS);
    if (this.running === undefined) void this.pollNow();
  }

  private async poll(): Promise<void> {
    const { time, url } = this.options;
    const atMs = time.wallMs();
    let body: Buffer | undefined;
    let failure: string | undefined;
    const target = url();
    if (target === undefined) failure = 'the master has no mesos endpoint yet';
    else
      try {
        body = await fetchBody(target, {
          timeoutMs: this.options.timeoutMs ?? POLL_TIMEOUT_MS,
          ...(this.options.maxBytes === undefined ? {} : { maxBytes: this.options.maxBytes }),
        });
      } catch (err) {
        failure = (err as Error).message;
      }
    try {
      this.options.onPoll(body, atMs, failure);
    } catch (err) {
      this.options.onError(err);
    }
  }
}
