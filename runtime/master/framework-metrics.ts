/**
 * Per-framework metrics under Mesos's keys `master/frameworks/<encoded name>/<id>/…`: scheduler calls and events by
 * type, offers sent/accepted/declined/rescinded, and tasks by state (active states as gauges, terminal as counters).
 */
import { isTerminal, type TaskState } from '../mesos/task-state.ts';
import { stateKeyPart } from './master-counters.ts';

export type SchedulerCall = 'subscribe' | 'teardown' | 'accept' | 'decline' | 'revive' | 'kill' | 'reconcile' | 'suppress';
export type SchedulerEvent = 'subscribed' | 'offers' | 'rescind' | 'update' | 'error';
export type OfferOutcome = 'sent' | 'accepted' | 'declined' | 'rescinded';

const ACTIVE: readonly TaskState[] = ['TASK_STAGING', 'TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLING', 'TASK_UNREACHABLE', 'TASK_UNKNOWN'];
const TERMINAL: readonly TaskState[] = [
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
];
const CALLS: readonly SchedulerCall[] = ['subscribe', 'teardown', 'accept', 'decline', 'revive', 'kill', 'reconcile', 'suppress'];
const EVENTS: readonly SchedulerEvent[] = ['subscribed', 'offers', 'rescind', 'update', 'error'];
const OFFERS: readonly OfferOutcome[] = ['sent', 'accepted', 'declined', 'rescinded'];

export class FrameworkMetrics {
  private readonly calls = new Map<SchedulerCall, number>(CALLS.map((c) => [c, 0]));
  private readonly events = new Map<SchedulerEvent, number>(EVENTS.map((e) => [e, 0]));
  private readonly offers = new Map<OfferOutcome, number>(OFFERS.map((o) => [o, 0]));
  private readonly tasks = new Map<TaskState, number>([...ACTIVE, ...TERMINAL].map((s) => [s, 0]));

  call(type: SchedulerCall): void {
    this.calls.set(type, this.calls.get(type)! + 1);
  }
  event(type: SchedulerEvent): void {
    this.events.set(type, this.events.get(type)! + 1);
  }
  offer(outcome: OfferOutcome, n = 1): void {
    this.offers.set(outcome, this.offers.get(outcome)! + n);
  }
  taskTransition(from: TaskState | undefined, to: TaskState): void {
    if (from !== undefined && ACTIVE.includes(from)) this.tasks.set(from, this.tasks.get(from)! - 1);
    if (this.tasks.has(to)) this.tasks.set(to, this.tasks.get(to)! + 1);
  }

  snapshot(out: Record<string, number>, name: string, id: string, subscribed: boolean, suppressedRoles: Iterable<string>): void {
    const base = `master/frameworks/${encodeURIComponent(name)}/${id}`;
    out[`${base}/subscribed`] = subscribed ? 1 : 0;
    let calls = 0;
    for (const [type, n] of this.calls) {
      out[`${base}/calls/${type}`] = n;
      calls += n;
    }
    out[`${base}/calls`] = calls;
    let events = 0;
    for (const [type, n] of this.events) {
      out[`${base}/events/${type}`] = n;
      events += n;
    }
    out[`${base}/events`] = events;
    for (const [outcome, n] of this.offers) out[`${base}/offers/${outcome}`] = n;
    for (const [state, n] of this.tasks)
      out[`${base}/tasks/${isTerminal(state) ? 'terminal' : 'active'}/task_${stateKeyPart(state)}`] = n;
    for (const role of suppressedRoles) out[`${base}/roles/${role}/suppressed`] = 1;
  }
}
