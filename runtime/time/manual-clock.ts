/**
 * Time moved by hand, for tests and the allocation simulator: `advance(ms)` fires every timer that falls due, in due
 * order, at its due instant, letting the microtasks and I/O callbacks each one starts settle before the next.
 */
import { everyOn, type EveryOptions, type Time, type TimerHandle } from './clock.ts';

interface PendingTimer {
  readonly at: number;
  /** Insertion order breaks ties, as real timers fire in the order they were set. */
  readonly seq: number;
  readonly fn: () => void;
}

export class ManualClock implements Time {
  private monotonic: number;
  private wall: number;
  private seq = 0;
  private readonly pending = new Map<number, PendingTimer>();

  /** `now` and `wallMs` start at the given values (defaults 0 and 2024-01-01T00:00:00Z). */
  constructor(now = 0, wallMs = Date.UTC(2024, 0, 1)) {
    this.monotonic = now;
    this.wall = wallMs;
  }

  now(): number {
    return this.monotonic;
  }
  wallMs(): number {
    return this.wall;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const seq = this.seq++;
    this.pending.set(seq, { at: this.monotonic + Math.max(0, ms), seq, fn });
    return seq;
  }
  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }
  every(intervalMs: number, fn: () => void | Promise<void>, options?: EveryOptions): () => void {
    return everyOn(this, intervalMs, fn, options);
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.pending.size;
  }

  /** Moves both clocks by `ms`, firing what falls due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.monotonic + ms;
    for (;;) {
      const due = this.nextDue(end);
      if (!due) break;
      this.pending.delete(due.seq);
      this.step(due.at - this.monotonic);
      due.fn();
      await settle();
    }
    this.step(end - this.monotonic);
    await settle();
  }

  private step(ms: number): void {
    this.monotonic += ms;
    this.wall += ms;
  }

  private nextDue(end: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending.values())
      if (t.at <= end && (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq))) best = t;
    return best;
  }
}

/** Lets promise chains and immediate callbacks started by a timer run before the next timer fires. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
