/**
 * Applies each unreachable task's unreachableStrategy over time: after inactiveAfterSeconds the task is marked
 * inactive (the app replaces it), after expungeAfterSeconds it is expunged. Deadlines are re-checked against the
 * clock whenever a timer fires, so a timer firing a little early only re-arms.
 */
import type { Timers } from '../time/clock.ts';
import type { MarathonTask } from './task-tracker.ts';
import type { UnreachableStrategy } from './unreachable-strategy.ts';

export interface UnreachableTimersHost {
  timers: Timers;
  now(): number;
  strategyOf(task: MarathonTask): UnreachableStrategy;
  /** Still tracked and unreachable (the task may have come back or gone meanwhile). */
  isPending(task: MarathonTask): boolean;
  inactive(task: MarathonTask): void;
  expunge(task: MarathonTask): void;
}

export class UnreachableTimers {
  private readonly pending = new Map<string, unknown>();

  constructor(private readonly host: UnreachableTimersHost) {}

  /** (Re-)evaluates an unreachable task and schedules its next deadline. */
  arm(task: MarathonTask): void {
    this.cancel(task.id);
    const strategy = this.host.strategyOf(task);
    if (strategy === 'disabled' || task.unreachableSince === undefined) return;
    const inactiveAt = task.unreachableSince + strategy.inactiveAfterSeconds * 1000;
    const expungeAt = task.unreachableSince + strategy.expungeAfterSeconds * 1000;
    const now = this.host.now();
    if (now >= expungeAt) {
      this.host.expunge(task);
      return;
    }
    if (now >= inactiveAt && !task.inactive) this.host.inactive(task);
    const next = task.inactive ? expungeAt : inactiveAt;
    this.pending.set(
      task.id,
      this.host.timers.setTimeout(() => {
        this.pending.delete(task.id);
        if (this.host.isPending(task)) this.arm(task);
      }, Math.max(1, next - now)),
    );
  }

  cancel(taskId: string): void {
    const timer = this.pending.get(taskId);
    if (timer !== undefined) this.host.timers.clearTimeout(timer);
    this.pending.delete(taskId);
  }

  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }
}
